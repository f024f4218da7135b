/**
 * The dashboard's pages as HTML, built with the report's own parts (report/html): the same cards,
 * verdicts, tables and section layout, in the same words. Figures are left as empty
 * `<figure data-figure>` slots that charts.ts fills in the browser.
 */
import type { MetricsResult } from "../metrics/result.ts";
import type { Presentation, RunContext } from "../presentation.ts";
import { qualityBody } from "../report/html/data-quality.ts";
import { type ReportFigure, SECTION_FIGURES } from "../report/html/figures.ts";
import { attributionName, deviceName, fmtWindow, tr } from "../report/html/format.ts";
import { type Html, html } from "../report/html/html.ts";
import { kpiCards, type Previous } from "../report/html/kpi.ts";
import { figureSection, section } from "../report/html/sections.ts";
import { bySourceTable, lagBySourceTable, sensitivityTable } from "../report/html/tables.ts";
import { verdictBody } from "../report/html/verdict.ts";
import { budgetPanelHtml } from "./budget-panel.ts";
import { ltvTable, retentionTable, romiTable } from "./cohort-tables.ts";
import { sourcePageHtml } from "./source-page.ts";
import type { Page } from "./state.ts";

/** Empty figure slots for the figures of a section (`figureSection` wraps each in its block). */
function slots(id: keyof typeof SECTION_FIGURES): Map<string, ReportFigure> {
  return new Map(
    SECTION_FIGURES[id].flatMap(([, names]) => names.map((n) => [n, { name: n, svg: "" }] as const)),
  );
}

/**
 * `localeCompare(y, "en", { numeric: true })` without building a collator per comparison (each took
 * ~1 ms in Chromium: ~13 ms of a redraw with six sources chosen).
 */
const READER_ORDER = new Intl.Collator("en", { numeric: true });

/**
 * The note above every page: what the acquisition filter kept (when there is one), why spend-based
 * numbers are withheld under a device filter, a window cut to the data, and, folded, how the period
 * and the filters narrow the numbers (docs/decisions.md, "Window and filters").
 */
export function filterNote(v: RunContext, m: MetricsResult): Html {
  const { sources, devices } = m.filter;
  const parts: string[] = [];
  if (sources.length > 0) {
    const key = sources.length === 1 ? "dash.note.sourceLabel" : "dash.note.sourcesLabel";
    // Ids in the order a reader counts them (3, 4, 10), not as strings sort (10, 3, 4).
    const ordered = [...sources].sort(READER_ORDER.compare);
    parts.push(tr(v, key, { list: ordered.join(", ") }));
  }
  if (devices.length > 0) {
    const key = devices.length === 1 ? "dash.note.deviceLabel" : "dash.note.devicesLabel";
    parts.push(tr(v, key, { list: devices.map((d) => deviceName(v, d)).join(", ") }));
  }
  const and = tr(v, "dash.note.and");
  const what = parts.join(and ? ` ${and} ` : " ");
  const lines: Html[] = [];
  if (parts.length > 0) lines.push(html`<p>${tr(v, "dash.note.filtered", { what })}</p>`);
  if (m.marketing.withheld === "spend_not_split_by_device")
    lines.push(html`<p class="withheld">${tr(v, "dash.note.deviceCosts")}</p>`);
  if (m.window.clamped) {
    const { requested } = m.window;
    lines.push(
      html`<p>${tr(v, "dash.note.clamped", {
        requested: fmtWindow(v, requested.from, requested.to),
        window: fmtWindow(v, m.window.from, m.window.to),
      })}</p>`,
    );
  }
  return html`<div class="filter-note">${lines}<details><summary>${tr(v, "dash.note.how")}</summary><p>${tr(
    v,
    "dash.note.window",
  )}</p></details></div>`;
}

/**
 * A page's body. `total` is the same analysis without the source filter, for the source page (absent
 * while it loads).
 */
export function pageHtml(page: Page, p: Presentation, previous?: Previous, total?: Presentation): Html {
  const v = p.context;
  const { metrics, insights, dataQuality } = p.analysis;
  const tables = metrics.tables;
  switch (page) {
    case "overview": {
      const sensitivity = insights.sensitivity;
      return html`${section(v, "kpis", "report.section.kpis", kpiCards(v, metrics, previous), true)}${section(
        v,
        "verdict",
        "report.section.verdict",
        verdictBody(v, insights),
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
      return html`${figureSection(v, page, slots(page), metrics) ?? ""}${retentionTable(v, metrics)}`;
    case "sales":
      return html`${figureSection(v, page, slots(page), metrics) ?? ""}${ltvTable(v, metrics)}`;
    case "marketing": {
      const figures = figureSection(v, "marketing", slots("marketing"), metrics) ?? html``;
      const intro = tr(v, "report.sources.intro", { attribution: attributionName(v, v.attribution) });
      return html`${section(
        v,
        "sources",
        "report.section.sources",
        html`<p>${intro}</p><p class="note">${tr(v, "dash.hint.clickSource")}</p><div class="by-source">${bySourceTable(v, tables.by_source, metrics)}</div>${lagBySourceTable(v, metrics)}`,
        true,
      )}${figures}${budgetPanelHtml(v)}${romiTable(v, metrics)}`;
    }
    case "source": {
      const chosen = metrics.filter.sources;
      if (chosen.length !== 1) return html`<p class="source-pick">${tr(v, "dash.source.pick")}</p>`;
      if (!total) return html`<p class="note">${tr(v, "dash.source.loading")}</p>`;
      return sourcePageHtml(v, metrics, total.analysis.metrics, chosen[0]!);
    }
    case "quality":
      return section(v, "quality", "report.section.quality", qualityBody(v, dataQuality));
  }
}
