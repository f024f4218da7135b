/**
 * The dashboard's budget panel: the report's plan section (table, sentence, margin, caveat), the
 * response curves drawn by Vega, and a what-if: one slider per source and a margin setting, the
 * expected outcome recomputed in the browser from the fitted curves B(S) = B0 (S / S0)^elasticity.
 * Point estimates only; the plan's intervals come from the bootstrap on the server. The plan is the
 * view's own (window, model, horizon, margin, source filter), asked from /api/budget when the Marketing
 * page is shown (seconds the first time), and the panel says which data it was fitted on.
 */
import { parse, View as VegaView } from "vega";
import { expressionInterpreter } from "vega-interpreter";
import { compile } from "vega-lite";
import type { BudgetPlanDocument } from "../budget/plan-document.ts";
import { responseCurvesFigure } from "../charts/figures/response-curves.ts";
import { budgetText } from "../i18n/budget-messages.ts";
import { formatNumber } from "../i18n/index.ts";
import type { RunContext } from "../presentation.ts";
import { budgetSection } from "../report/html/budget.ts";
import { attributionName, fmtWindow } from "../report/html/format.ts";
import { type Html, html } from "../report/html/html.ts";
import type { BudgetPlanResponse } from "../server/budget-plans.ts";
import { ApiError, fetchBudgetPlan } from "./api.ts";
import { timestampsForInterpreter } from "./vega-compat.ts";

/** Sliders run from half to 1.6 times today's spend, like the curves drawn. */
const LOW = 0.5;
const HIGH = 1.6;

/** The panel's place on the Marketing page: filled by bindBudgetPanel once the view's plan arrives. */
export function budgetPanelHtml(v: RunContext): Html {
  return html`<div class="budget-panel" data-budget-panel><p class="note" role="status">${budgetText(v.lang, "budget.loading")}</p></div>`;
}

/** What the plan was fitted on, then the plan (section and what-if) or why there is none. */
export function budgetResponseHtml(v: RunContext, r: BudgetPlanResponse): Html | string {
  const b = r.basis;
  const basis = budgetText(v.lang, "budget.basis", {
    window: fmtWindow(v, b.from, b.to),
    attribution: attributionName(v, b.attribution),
    horizon: b.horizon,
    margin: formatNumber(v.lang, b.margin, 2),
    sources: r.plan ? r.plan.sources.map((s) => s.source).join(", ") || "—" : b.sources.join(", ") || "—",
  });
  if (!r.plan) {
    // Nothing was fitted: the reason alone (a device filter, no source with spend).
    return html`<section id="budget"><h2>${budgetText(v.lang, "budget.section")}</h2><p><strong>${r.sentence}</strong></p></section>`;
  }
  const filtered = b.sources.length > 0 ? html` ${budgetText(v.lang, "budget.basis.filtered")}` : "";
  return planPanelHtml(v, r.plan, html`<p class="note budget-basis">${basis}${filtered}</p>`);
}

/** The report's plan section (with `lead` under its heading) plus the what-if controls. */
function planPanelHtml(v: RunContext, plan: BudgetPlanDocument, lead: Html): Html | string {
  const section = budgetSection(v, plan, null, lead);
  if (!section) return "";
  const money = (x: number): string => formatNumber(v.lang, x, 0);
  const rows = plan.sources.map(
    (
      s,
    ) => html`<tr><td>${s.source}</td><td><input type="range" name="whatif-${s.source}" data-plan-source="${s.source}"
      aria-label="${s.source}" min="${Math.round(s.spendNow * LOW)}" max="${Math.round(s.spendNow * HIGH)}"
      step="${Math.max(1, Math.round(s.spendNow / 200))}" value="${Math.round(s.spendNow)}"></td>
      <td class="num"><output data-for="${s.source}">${money(s.spendNow)}</output> ${v.currency}</td>
      <td class="num">${money(s.spendNow)} ${v.currency}</td></tr>`,
  );
  return html`${section.html}<section id="budget-whatif"><h2>${budgetText(v.lang, "budget.whatif.title")}</h2>
<div class="table-wrap"><table class="whatif"><thead><tr><th scope="col">${budgetText(v.lang, "budget.col.source")}</th>
<th scope="col">${budgetText(v.lang, "budget.whatif.slider")}</th><th scope="col" class="num">${budgetText(v.lang, "budget.whatif.spend")}</th>
<th scope="col" class="num">${budgetText(v.lang, "budget.whatif.today")}</th></tr></thead><tbody>${rows}</tbody></table></div>
<p><label>${budgetText(v.lang, "budget.whatif.margin")}
  <input type="number" name="whatif-margin" min="0.01" max="1" step="0.01" value="${plan.margin}"></label>
<button type="button" data-whatif="today">${budgetText(v.lang, "budget.whatif.reset")}</button>
<button type="button" data-whatif="proposed">${budgetText(v.lang, "budget.whatif.proposed")}</button></p>
<p class="whatif-result" aria-live="polite"></p>
<figure class="fig" data-budget-figure="response-curves"></figure>
<p class="note">${budgetText(v.lang, "budget.whatif.note")}</p></section>`;
}

/** What the scenario is expected to bring against today, from the fitted curves. */
export function whatIfOutcome(
  plan: BudgetPlanDocument,
  spend: ReadonlyMap<string, number>,
  margin: number,
): { spend: number; spendNow: number; buyers: number; buyersNow: number; revenue: number; gain: number } {
  let total = 0;
  let buyers = 0;
  let revenue = 0;
  for (const s of plan.sources) {
    const at = spend.get(s.source) ?? s.spendNow;
    const b = s.buyersNow * (at / s.spendNow) ** s.elasticity;
    total += at;
    buyers += b;
    revenue += (b - s.buyersNow) * s.revenuePerBuyer;
  }
  const spendNow = plan.sources.reduce((a, s) => a + s.spendNow, 0);
  const buyersNow = plan.sources.reduce((a, s) => a + s.buyersNow, 0);
  return { spend: total, spendNow, buyers, buyersNow, revenue, gain: margin * revenue - (total - spendNow) };
}

let curveView: VegaView | null = null;
/** Plans already fetched, by query: switching pages or languages back does not fit again. */
const fetched = new Map<string, BudgetPlanResponse>();
let inFlight: AbortController | null = null;

/**
 * Fills the page's budget panel (if it has one) with the plan for `query` (the analysis query of the
 * view), then wires the what-if. A newer call cancels an older one still waiting.
 */
export async function bindBudgetPanel(
  root: HTMLElement,
  query: URLSearchParams,
  v: RunContext,
): Promise<void> {
  inFlight?.abort();
  inFlight = null;
  const panel = root.querySelector<HTMLElement>("[data-budget-panel]");
  if (!panel) {
    curveView?.finalize();
    curveView = null;
    return;
  }
  const key = query.toString();
  let response = fetched.get(key);
  if (!response) {
    const controller = new AbortController();
    inFlight = controller;
    try {
      response = await fetchBudgetPlan(query, controller.signal);
      fetched.set(key, response);
    } catch (error) {
      if (controller.signal.aborted) return;
      const message =
        error instanceof ApiError && error.problems.length > 0
          ? error.problems.join("; ")
          : String((error as Error).message);
      panel.innerHTML = String(
        html`<p class="note" role="alert">${budgetText(v.lang, "budget.failed", { message })}</p>`,
      );
      return;
    }
    if (controller.signal.aborted || !panel.isConnected) return;
  }
  panel.innerHTML = String(budgetResponseHtml(v, response));
  await bindBudgetWhatIf(panel, response.plan, v);
}

/** Wires the sliders, the margin and the buttons under `root`; draws the curves. */
export async function bindBudgetWhatIf(
  root: HTMLElement,
  plan: BudgetPlanDocument | null,
  v: RunContext,
): Promise<void> {
  curveView?.finalize();
  curveView = null;
  if (!plan) return;
  const sliders = [...root.querySelectorAll<HTMLInputElement>("input[data-plan-source]")];
  const marginInput = root.querySelector<HTMLInputElement>('input[name="whatif-margin"]');
  const result = root.querySelector<HTMLElement>(".whatif-result");
  const figure = root.querySelector<HTMLElement>("figure[data-budget-figure]");
  if (!marginInput || !result || !figure) return;
  const n = (x: number, d = 0): string => formatNumber(v.lang, x, d);
  const signed = (x: number, d = 0): string => (x > 0 ? `+${n(x, d)}` : n(x, d));
  let pending = false;
  const scenario = (): Map<string, number> =>
    new Map(sliders.map((s) => [s.dataset.planSource!, Number(s.value)]));
  const update = (): void => {
    const spend = scenario();
    const margin = Math.min(1, Math.max(0.01, Number(marginInput.value) || plan.margin));
    for (const s of sliders) {
      const out = root.querySelector<HTMLOutputElement>(
        `output[data-for="${CSS.escape(s.dataset.planSource!)}"]`,
      );
      if (out) out.textContent = n(Number(s.value));
    }
    const o = whatIfOutcome(plan, spend, margin);
    result.textContent = budgetText(v.lang, "budget.whatif.total", {
      spend: n(o.spend),
      currency: v.currency,
      change: signed(o.spend - o.spendNow),
      buyers: n(o.buyers),
      buyersChange: signed(o.buyers - o.buyersNow, 1),
      horizon: plan.horizon,
      revenue: signed(o.revenue),
      margin: n(margin, 2),
      gain: `${signed(o.gain)} ${v.currency}`,
    });
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        void draw(figure, plan, v, scenario());
      });
    }
  };
  for (const s of sliders) s.addEventListener("input", update);
  marginInput.addEventListener("input", update);
  root.querySelectorAll<HTMLButtonElement>("button[data-whatif]").forEach((button) => {
    button.addEventListener("click", () => {
      const proposed = button.dataset.whatif === "proposed";
      for (const s of sliders) {
        const source = plan.sources.find((p) => p.source === s.dataset.planSource);
        if (source) s.value = String(Math.round(proposed ? source.spendProposed : source.spendNow));
      }
      update();
    });
  });
  update();
}

async function draw(
  figure: HTMLElement,
  plan: BudgetPlanDocument,
  v: RunContext,
  spend: Map<string, number>,
): Promise<void> {
  const spec = responseCurvesFigure(plan, { lang: v.lang, currency: v.currency }, spend);
  const vegaSpec = timestampsForInterpreter(compile(spec).spec);
  curveView?.finalize();
  figure.replaceChildren();
  curveView = new VegaView(parse(vegaSpec, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: "svg",
    container: figure,
  });
  await curveView.runAsync();
}
