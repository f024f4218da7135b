/**
 * The HTML report: one self-contained page (inline CSS and SVG, no script, no network) that reads on
 * screen and prints to PDF. Order: header, summary, verdict, key numbers, Product, Sales, Marketing,
 * attribution sensitivity, by-source table, data quality, methods.
 */
import type { MessageKey } from "../../i18n/index.ts";
import { formatNumber } from "../../i18n/index.ts";
import type { Presentation } from "../../presentation.ts";
import { TABLE_COLUMNS } from "../csv-tables.ts";
import { budgetSection } from "./budget.ts";
import { qualityBody } from "./data-quality.ts";
import type { ReportFigure } from "./figures.ts";
import { attributionName, fmtWindow, tr } from "./format.ts";
import { type Html, html } from "./html.ts";
import { kpiCards, summaryCards } from "./kpi.ts";
import { documentShell, reportHeader } from "./layout.ts";
import { methodsBody } from "./methods.ts";
import { figureSection, section } from "./sections.ts";
import { bySourceTable, lagBySourceTable, sensitivityTable } from "./tables.ts";
import { summaryBody, verdictBody } from "./verdict.ts";

export { PHONE_COLUMN, prepareSvg, REPORT_COLUMN, SECTION_FIGURES } from "./figures.ts";
export { escapeHtml } from "./html.ts";

/** What the page shows beyond the analysis: the rendered figures and an optional footer stamp. */
export interface ReportFigures {
  /**
   * Rendered figures (SVG markup) by registry name, each drawn for the report's column and, where
   * that changes it, for a phone's; a section shows only the figures given.
   */
  figures: readonly ReportFigure[];
  /** Free text for the footer, e.g. a timestamp; none by default so the page is reproducible. */
  generatedAt?: string;
  /** The budget plan's rendered response-curve figure (SVG), when there is a plan. */
  budgetFigure?: Omit<ReportFigure, "name"> | null;
}

interface Part {
  id: string;
  /** A dictionary key, or ready-made text (the budget section brings its own dictionary). */
  title: MessageKey | { text: string };
  html: Html;
}

/** The report as one HTML document (UTF-8 text). Pure: the same input gives the same bytes. */
export function renderReportHtml(p: Presentation, out: ReportFigures): string {
  const v = p.context;
  const { metrics, insights, dataQuality, metadata } = p.analysis;
  const figures = new Map(out.figures.map((f) => [f.name, f]));
  const window = { from: v.from, to: v.to };

  const parts: Part[] = [];
  const add = (id: string, title: MessageKey, body: Html | null, flow = false) => {
    if (body !== null) parts.push({ id, title, html: section(v, id, title, body, flow) });
  };
  add("summary", "report.section.summary", summaryBody(insights, summaryCards(v, metrics)), true);
  // The budget plan's sentence is among the findings (overall-budget-move), not repeated here.
  add("verdict", "report.section.verdict", verdictBody(v, insights), true);
  add("kpis", "report.section.kpis", kpiCards(v, metrics), true);
  for (const id of ["product", "sales", "marketing"] as const) {
    const body = figureSection(v, id, figures, metrics);
    if (body !== null) parts.push({ id, title: `report.section.${id}`, html: body });
  }
  const sensitivity = insights.sensitivity;
  if (sensitivity.length > 0) {
    add(
      "sensitivity",
      "report.section.sensitivity",
      html`<p>${tr(v, "report.sensitivity.intro")}</p>${sensitivityTable(v, sensitivity)}`,
    );
  }
  if (metrics.tables.by_source.length > 0) {
    add(
      "sources",
      "report.section.sources",
      html`<p>${tr(v, "report.sources.intro", { attribution: attributionName(v, v.attribution) })}</p>${bySourceTable(v, metrics.tables.by_source, metrics)}<p class="note"><a href="tables/by_source.csv"><code>by_source.csv</code></a> · ${tr(v, "report.note.notObserved")}<br>${tr(v, "cac.infinite")}<br>${tr(v, "report.note.noSpend")}</p>${lagBySourceTable(v, metrics)}`,
    );
  }
  const budget = budgetSection(v, p.analysis.budget ?? null, out.budgetFigure ?? null);
  if (budget) parts.push({ id: budget.id, title: { text: budget.title }, html: budget.html });
  add("quality", "report.section.quality", qualityBody(v, dataQuality));
  add("methods", "report.section.methods", methodsBody(v, Object.keys(TABLE_COLUMNS), metrics));

  const header = reportHeader(
    v,
    { inputs: metadata.inputs.map((i) => i.path), window },
    formatNumber(v.lang, v.margin, 2),
    parts.map((p) => ({ id: p.id, title: typeof p.title === "string" ? tr(v, p.title) : p.title.text })),
  );
  const title = tr(v, "report.docTitle", { window: fmtWindow(v, window.from, window.to) });
  return documentShell(v, title, html`${header}${parts.map((part) => part.html)}`, out.generatedAt ?? null);
}
