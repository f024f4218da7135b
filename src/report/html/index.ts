/**
 * The HTML report: one self-contained page (inline CSS and SVG, no script, no network) that reads on
 * screen and prints to PDF. Order: header, verdict, key numbers, Product, Sales, Marketing,
 * attribution sensitivity, by-source table, data quality, methods.
 */

import type { BudgetPlanDocument } from "../../budget/plan-document.ts";
import type { Lang, MessageKey } from "../../i18n/index.ts";
import { formatNumber } from "../../i18n/index.ts";
import type { DataQualityReport } from "../../ingest/quality.ts";
import type { Insights } from "../../insights/types.ts";
import type { Tables } from "../../metrics/tables.ts";
import { budgetSection, budgetSummary } from "./budget.ts";
import { qualityBody } from "./data-quality.ts";
import { attributionName, fmtWindow, tr, type View } from "./format.ts";
import { type Html, html } from "./html.ts";
import { kpiCards, summaryMap } from "./kpi.ts";
import { documentShell, reportHeader } from "./layout.ts";
import { methodsBody } from "./methods.ts";
import { figureSection, section } from "./sections.ts";
import { bySourceTable, sensitivityTable } from "./tables.ts";
import { verdictBody } from "./verdict.ts";

export { prepareSvg, SECTION_FIGURES } from "./figures.ts";
export { escapeHtml } from "./html.ts";

export interface ReportInput {
  lang: Lang;
  /** Currency label, e.g. `USD`, `у.е.`. */
  currency: string;
  /** Horizon H in months. */
  horizon: number;
  /** Attribution model the by-source numbers follow, e.g. `first-touch`. */
  attribution: string;
  generatedFrom: { inputs: string[]; window: { from: string; to: string } };
  tables: Tables;
  insights: Insights | null;
  /** Rendered figures (SVG markup) by registry name; a section shows only the figures given. */
  figures: { name: string; svg: string }[];
  quality: DataQualityReport | null;
  /**
   * Optional settings the report states when given: `margin` (number), `cohortGrain` (`month` |
   * `week`), `generatedAt` (free text for the footer, e.g. a timestamp). Other keys are ignored.
   */
  extras?: Record<string, unknown>;
  /** The budget plan and its rendered response-curve figure (SVG), when there is one. */
  budget?: BudgetPlanDocument | null;
  budgetFigure?: string | null;
}

interface Part {
  id: string;
  /** A message key, or an already translated title (sections with their own texts). */
  title: MessageKey | { text: string };
  html: Html;
}

/** The report as one HTML document (UTF-8 text). Pure: the same input gives the same bytes. */
export function renderReportHtml(input: ReportInput): string {
  const v: View = {
    lang: input.lang,
    currency: input.currency,
    horizon: input.horizon,
    attribution: input.attribution,
  };
  const extras = input.extras ?? {};
  const margin = typeof extras.margin === "number" && Number.isFinite(extras.margin) ? extras.margin : null;
  const grain = extras.cohortGrain === "month" || extras.cohortGrain === "week" ? extras.cohortGrain : null;
  const generated = typeof extras.generatedAt === "string" ? extras.generatedAt : null;
  const summary = summaryMap(input.tables.summary);
  const figures = new Map(input.figures.map((f) => [f.name, f.svg]));

  const parts: Part[] = [];
  const add = (id: string, title: MessageKey, body: Html | null, flow = false) => {
    if (body !== null) parts.push({ id, title, html: section(v, id, title, body, flow) });
  };
  const verdict = verdictBody(v, input.insights);
  const budgetLine = budgetSummary(v, input.budget ?? null);
  add(
    "verdict",
    "report.section.verdict",
    verdict && budgetLine ? html`${verdict}${budgetLine}` : verdict,
    true,
  );
  add("kpis", "report.section.kpis", kpiCards(v, summary), true);
  for (const id of ["product", "sales", "marketing"] as const) {
    const body = figureSection(v, id, figures, summary, input.tables);
    if (body !== null) parts.push({ id, title: `report.section.${id}`, html: body });
  }
  const sensitivity = input.insights?.sensitivity ?? [];
  if (sensitivity.length > 0) {
    add(
      "sensitivity",
      "report.section.sensitivity",
      html`<p>${tr(v, "report.sensitivity.intro")}</p>${sensitivityTable(v, sensitivity)}`,
    );
  }
  if (input.tables.by_source.length > 0) {
    add(
      "sources",
      "report.section.sources",
      html`<p>${tr(v, "report.sources.intro", { attribution: attributionName(v, v.attribution) })}</p>${bySourceTable(
        v,
        input.tables.by_source,
      )}<p class="note">${tr(v, "report.note.notObserved")}<br>${tr(v, "cac.infinite")}<br>${tr(v, "report.note.noSpend")}</p>`,
    );
  }
  const budget = budgetSection(v, input.budget ?? null, input.budgetFigure ?? null);
  if (budget) parts.push({ id: budget.id, title: { text: budget.title }, html: budget.html });
  add("quality", "report.section.quality", qualityBody(v, input.quality));
  add(
    "methods",
    "report.section.methods",
    methodsBody(v, { margin, cohortGrain: grain, window: input.generatedFrom.window }),
  );

  const header = reportHeader(
    v,
    { inputs: input.generatedFrom.inputs, window: input.generatedFrom.window },
    margin === null ? null : formatNumber(v.lang, margin, 2),
    parts.map((p) => ({ id: p.id, title: typeof p.title === "string" ? tr(v, p.title) : p.title.text })),
  );
  const { from, to } = input.generatedFrom.window;
  const title = tr(v, "report.docTitle", { window: fmtWindow(v, from, to) });
  return documentShell(v, title, html`${header}${parts.map((p) => p.html)}`, generated);
}
