/**
 * The dashboard's pages as HTML, built with the report's own parts (report/html): the same cards,
 * verdicts, tables and section layout, in the same words. Figures are left as empty
 * `<figure data-figure>` slots that charts.ts fills in the browser.
 */
import type { Lang } from "../i18n/index.ts";
import { qualityBody } from "../report/html/data-quality.ts";
import { SECTION_FIGURES } from "../report/html/figures.ts";
import { attributionName, deviceName, tr, type View } from "../report/html/format.ts";
import { type Html, html } from "../report/html/html.ts";
import { kpiCards, summaryMap } from "../report/html/kpi.ts";
import { figureSection, section } from "../report/html/sections.ts";
import { bySourceTable, sensitivityTable } from "../report/html/tables.ts";
import { verdictBody } from "../report/html/verdict.ts";
import type { AnalysisDocument } from "../server/analysis.ts";
import { budgetPanelHtml } from "./budget-panel.ts";
import type { Page } from "./state.ts";

/** The report's formatting settings for a document shown in `lang`. */
export function viewOf(doc: AnalysisDocument, lang: Lang): View {
  const o = doc.metadata.options;
  return { lang, currency: o.currency, horizon: o.horizon, attribution: o.attribution };
}

/** Empty figure slots for the figures of a section (`figureSection` wraps each in its block). */
function slots(id: keyof typeof SECTION_FIGURES): Map<string, string> {
  return new Map(SECTION_FIGURES[id].flatMap(([, names]) => names.map((n) => [n, ""] as [string, string])));
}

/** A note above the page saying what the acquisition filter kept, or nothing without a filter. */
export function filterNote(v: View, doc: AnalysisDocument): Html | string {
  const { sources, devices } = doc.metadata.filters;
  if (sources.length === 0 && devices.length === 0) return "";
  const parts: string[] = [];
  if (sources.length > 0) {
    const key = sources.length === 1 ? "dash.note.sourceLabel" : "dash.note.sourcesLabel";
    parts.push(tr(v, key, { list: sources.join(", ") }));
  }
  if (devices.length > 0) {
    const key = devices.length === 1 ? "dash.note.deviceLabel" : "dash.note.devicesLabel";
    parts.push(tr(v, key, { list: devices.map((d) => deviceName(v, d)).join(", ") }));
  }
  const what = parts.join(` ${tr(v, "dash.note.and")} `);
  const costs = devices.length > 0 ? html` ${tr(v, "dash.note.deviceCosts")}` : "";
  return html`<p class="filter-note">${tr(v, "dash.note.filtered", { what })}${costs}</p>`;
}

export function pageHtml(page: Page, v: View, doc: AnalysisDocument): Html {
  const tables = doc.tables;
  const summary = summaryMap(tables.summary);
  switch (page) {
    case "overview": {
      const sensitivity = doc.insights.sensitivity;
      return html`${section(v, "kpis", "report.section.kpis", kpiCards(v, summary) ?? html``, true)}${section(
        v,
        "verdict",
        "report.section.verdict",
        verdictBody(v, doc.insights),
        true,
      )}${
        sensitivity.length > 0
          ? section(
              v,
              "sensitivity",
              "report.section.sensitivity",
              html`<p>${tr(v, "report.sensitivity.intro")}</p>${sensitivityTable(v, sensitivity)}`,
            )
          : ""
      }`;
    }
    case "product":
    case "sales":
      return figureSection(v, page, slots(page), summary, tables) ?? html``;
    case "marketing": {
      const figures = figureSection(v, "marketing", slots("marketing"), summary, tables) ?? html``;
      const intro = tr(v, "report.sources.intro", { attribution: attributionName(v, v.attribution) });
      return html`${section(
        v,
        "sources",
        "report.section.sources",
        html`<p>${intro}</p><p class="note">${tr(v, "dash.hint.clickSource")}</p><div class="by-source">${bySourceTable(
          v,
          tables.by_source,
        )}</div>`,
        true,
      )}${figures}${budgetPanelHtml(v, doc.budget)}`;
    }
    case "quality":
      return section(v, "quality", "report.section.quality", qualityBody(v, doc.dataQuality));
  }
}
