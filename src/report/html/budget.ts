/** The report's budget-plan section: the sentence, the table, the curves, the method and the caveat. */
import type { BudgetPlanDocument, PlanSourceDocument } from "../../budget/plan-document.ts";
import { budgetText } from "../../i18n/budget-messages.ts";
import { formatNumber } from "../../i18n/index.ts";
import { budgetSentence } from "../../insights/budget-sentence.ts";
import type { RunContext } from "../../presentation.ts";
import { figureBlock, type ReportFigure } from "./figures.ts";
import { attributionName, DASH, fmtMoney, sourceName } from "./format.ts";
import { type Html, html } from "./html.ts";
import { dataTable } from "./tables.ts";

export const BUDGET_SECTION_ID = "budget";

/** The whole section, with its title for the table of contents; null without a plan. */
export function budgetSection(
  v: RunContext,
  plan: BudgetPlanDocument | null,
  /** The response-curve figure's drawings (its name is set here). */
  figure: Omit<ReportFigure, "name"> | null,
  /** Shown under the heading (the dashboard: which data the plan is fitted on). */
  lead: Html | null = null,
): { id: string; title: string; html: Html } | null {
  if (!plan) return null;
  const title = budgetText(v.lang, "budget.section");
  const params = { horizon: plan.horizon, margin: formatNumber(v.lang, plan.margin, 2) };
  const n = (x: number, d = 0): string => (Number.isFinite(x) ? formatNumber(v.lang, x, d) : DASH);
  const signed = (x: number, d = 0): string => (x > 0 ? `+${n(x, d)}` : n(x, d));
  const interval = (i: { value: number; low: number; high: number }, d = 0): string =>
    `${signed(i.value, d)} [${signed(i.low, d)}; ${signed(i.high, d)}]`;
  // Held: not allowed to move, or allowed but the allocation left it where it is.
  const held = (r: PlanSourceDocument): boolean =>
    r.move === "hold" || Math.abs(r.spendProposed - r.spendNow) <= 1e-9 * r.spendNow;
  const cac = (x: number | null): string => (x === null ? "∞" : fmtMoney(v, x));
  const table = dataTable<PlanSourceDocument>(
    [
      { head: budgetText(v.lang, "budget.col.source"), cell: (r) => sourceName(v, r.source) },
      {
        head: budgetText(v.lang, "budget.col.spend"),
        cell: (r) => `${fmtMoney(v, r.spendNow)} → ${fmtMoney(v, r.spendProposed)}`,
        numeric: true,
      },
      {
        head: budgetText(v.lang, "budget.col.mcac"),
        cell: (r) => `${cac(r.marginalCacNow)} → ${cac(r.marginalCacAfter)}`,
        numeric: true,
      },
      {
        head: budgetText(v.lang, "budget.col.elasticity"),
        cell: (r) => `${n(r.elasticity, 2)} [${n(r.elasticityLow, 2)}; ${n(r.elasticityHigh, 2)}]`,
        numeric: true,
      },
      {
        head: budgetText(v.lang, "budget.col.buyers"),
        cell: (r) => (held(r) ? budgetText(v.lang, "budget.held") : interval(r.deltaBuyers, 1)),
        numeric: true,
      },
      {
        head: budgetText(v.lang, "budget.col.revenue", params),
        cell: (r) => (held(r) ? budgetText(v.lang, "budget.held") : interval(r.deltaRevenue)),
        numeric: true,
      },
    ],
    plan.sources,
  );
  const families = [...new Set(plan.sources.map((s) => s.family))]
    .map((f) => budgetText(v.lang, `budget.family.${f}`))
    .join(" / ");
  const method = budgetText(v.lang, "budget.method", {
    family: families,
    decay: plan.adstockDecay === null ? DASH : n(plan.adstockDecay, 2),
    replicates: plan.replicates,
    bounds: `${Math.round(plan.bounds * 100)} %`,
  });
  const skipped =
    plan.skipped.length > 0
      ? budgetText(v.lang, "budget.skipped", {
          list: plan.skipped
            .map((s) => budgetText(v.lang, `budget.skip.${s.reason}`, { source: s.source }))
            .join("; "),
        })
      : null;
  const curves = figure
    ? figureBlock(new Map([["response-curves", { ...figure, name: "response-curves" }]]), "response-curves")
    : null;
  const caveat = budgetText(v.lang, "budget.caveat", { attribution: attributionName(v, plan.attribution) });
  // A plan the data cannot support still shows the allocation it tested: say it is not a proposal.
  const notRecommended =
    plan.verdict === "no_move"
      ? html`<p class="note" data-not-recommended>${budgetText(v.lang, "budget.notRecommended")}</p>`
      : "";
  const body = html`<p><strong>${budgetSentence(plan, v.lang, v.currency)}</strong></p>
<p>${budgetText(v.lang, "budget.margin", params)} ${valueText(v, plan)}</p>${notRecommended}${table}${curves}
<p class="note">${method}${skipped ? html`<br>${skipped}` : ""}</p>
<p class="note"><strong>${caveat}</strong></p>`;
  return {
    id: BUDGET_SECTION_ID,
    title,
    html: html`<section id="${BUDGET_SECTION_ID}"><h2>${title}</h2>${lead ?? ""}${body}</section>\n`,
  };
}

/** Where the value of a buyer comes from: the forecast (with the share of buyers forecast) or mature cohorts. */
function valueText(v: RunContext, plan: BudgetPlanDocument): string {
  const forecast = plan.sources.filter((s) => s.valueBasis === "forecast");
  if (forecast.length === 0) return budgetText(v.lang, "budget.value.mature", { horizon: plan.horizon });
  // Buyer-weighted over the modelled sources: the share of all valued buyers whose revenue is forecast.
  const buyers = plan.sources.reduce((a, s) => a + s.buyersNow, 0);
  const share = plan.sources.reduce((a, s) => a + s.forecastShare * s.buyersNow, 0) / Math.max(buyers, 1e-12);
  return budgetText(v.lang, "budget.value.forecast", {
    horizon: plan.horizon,
    share: `${formatNumber(v.lang, share * 100, 0)} %`,
  });
}
