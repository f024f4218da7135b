/** Response curves of the budget plan: expected new buyers a month against spend a month, per source. */
import type { BudgetPlanDocument } from "../../budget/plan-document.ts";
import { budgetText } from "../../i18n/budget-messages.ts";
import type { Lang } from "../../i18n/index.ts";
import { baseConfig, header, round } from "../theme.ts";
import type { VegaLiteSpec } from "../types.ts";

/** Points along each curve, from half to 1.6 times today's spend (the ±30 % bounds sit well inside). */
const STEPS = 40;

/** `whatIf` (dashboard): spend per source to mark as a third point, the user's own scenario. */
export function responseCurvesFigure(
  plan: BudgetPlanDocument,
  ctx: { lang: Lang; currency: string },
  whatIf?: ReadonlyMap<string, number>,
): VegaLiteSpec {
  const { lang, currency } = ctx;
  const facet = (id: string): string => budgetText(lang, "budget.figure.facet", { id });
  const curve = plan.sources.flatMap((s) =>
    Array.from({ length: STEPS + 1 }, (_, k) => {
      const spend = s.spendNow * (0.5 + (1.1 * k) / STEPS);
      return {
        source: budgetText(lang, "budget.figure.facet", { id: s.source }),
        spend: round(spend, 2),
        buyers: round(s.buyersNow * (spend / s.spendNow) ** s.elasticity, 2),
      };
    }),
  );
  const marks = plan.sources.flatMap((s) => [
    { source: facet(s.source), spend: round(s.spendNow, 2), buyers: round(s.buyersNow, 2), point: "now" },
    {
      source: facet(s.source),
      spend: round(s.spendProposed, 2),
      buyers: round(s.buyersProposed, 2),
      point: "proposed",
    },
  ]);
  for (const s of plan.sources) {
    const spend = whatIf?.get(s.source);
    if (spend === undefined) continue;
    const buyers = s.buyersNow * (spend / s.spendNow) ** s.elasticity;
    marks.push({
      source: facet(s.source),
      spend: round(spend, 2),
      buyers: round(buyers, 2),
      point: "whatif",
    });
  }
  const x = {
    field: "spend",
    type: "quantitative",
    title: budgetText(lang, "budget.figure.spend", { currency }),
    scale: { zero: false },
  };
  const y = {
    field: "buyers",
    type: "quantitative",
    title: budgetText(lang, "budget.figure.buyers"),
    scale: { zero: false },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(
      budgetText(lang, "budget.figure.title"),
      `${budgetText(lang, "budget.figure.subtitle", { currency })}${whatIf ? ` ${budgetText(lang, "budget.figure.whatif")}` : ""}`,
    ),
    data: { values: [...curve.map((c) => ({ ...c, point: "curve" })), ...marks] },
    facet: { field: "source", type: "ordinal", sort: plan.sources.map((s) => facet(s.source)), title: null },
    columns: 4,
    spec: {
      width: 150,
      height: 120,
      layer: [
        {
          transform: [{ filter: "datum.point === 'curve'" }],
          mark: { type: "line", color: "#4c78a8" },
          encoding: { x, y },
        },
        {
          transform: [{ filter: "datum.point === 'now'" }],
          mark: { type: "point", shape: "circle", filled: true, size: 60, color: "#1a1a1a" },
          encoding: { x, y },
        },
        {
          transform: [{ filter: "datum.point === 'proposed'" }],
          mark: { type: "point", shape: "diamond", filled: true, size: 90, color: "#e45756" },
          encoding: { x, y },
        },
        {
          transform: [{ filter: "datum.point === 'whatif'" }],
          mark: { type: "point", shape: "triangle-up", filled: true, size: 90, color: "#54a24b" },
          encoding: { x, y },
        },
      ],
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  } as VegaLiteSpec;
}
