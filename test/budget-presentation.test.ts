import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { BudgetPlanDocument } from "../src/budget/plan-document.ts";
import { responseCurvesFigure } from "../src/charts/figures/response-curves.ts";
import { budgetFinding, budgetSentence } from "../src/insights/budget-sentence.ts";
import { normalizeOptions } from "../src/metrics/options.ts";
import type { MetricsResult } from "../src/metrics/result.ts";
import { runContext } from "../src/presentation.ts";
import { BUDGET_PLAN_COLUMNS, RESPONSE_CURVE_COLUMNS, writeBudgetCsv } from "../src/report/budget-files.ts";
import { budgetSection } from "../src/report/html/budget.ts";
import { tempDir } from "./helpers/temp.ts";

const interval = (value: number, low: number, high: number) => ({ value, low, high });

/** A hand-made plan: 1 000/month moves from source 3 to 1 and 2. */
function plan(overrides: Partial<BudgetPlanDocument> = {}): BudgetPlanDocument {
  const source = (id: string, now: number, proposed: number, move: "up" | "down" | "hold", db: number) => ({
    source: id,
    elasticity: 0.4,
    elasticityLow: 0.2,
    elasticityHigh: 0.6,
    spendNow: now,
    spendProposed: proposed,
    buyersNow: 100,
    buyersProposed: 100 + db,
    marginalCacNow: 25,
    marginalCacAfter: 27.5,
    revenuePerBuyer: 10,
    valueBasis: "forecast" as const,
    forecastShare: 0.4,
    move,
    deltaBuyers: interval(db, db - 5, db + 5),
    deltaRevenue: interval(db * 10, db * 10 - 50, db * 10 + 50),
    family: "poisson" as const,
    daysUsed: 365,
  });
  return {
    verdict: "move",
    reason: "supported",
    caveat: "attribution_is_not_incrementality",
    attribution: "first-touch",
    margin: 0.2,
    horizon: 6,
    confidence: 0.9,
    bounds: 0.3,
    budgetNow: 6000,
    budget: 6000,
    adstockDecay: 0.25,
    replicates: 200,
    seed: 1,
    deltaBuyers: interval(12, 4, 20),
    deltaRevenue: interval(120, 40, 200),
    gain: interval(24, 8, 40),
    equalReturnTest: { statistic: 20, df: 2, pValue: 0.00005 },
    sources: [
      source("1", 1000, 1500, "up", 10),
      source("2", 1000, 1500, "up", 8),
      source("3", 4000, 3000, "down", -6),
    ],
    skipped: [{ source: "9", reason: "too_few_buyers" }],
    basis: "mean_month_of_window",
    ...overrides,
  };
}

describe("budget plan presentation", () => {
  test("the summary sentence states the move, the interval and the margin, in English and Russian", () => {
    assert.equal(
      budgetSentence(plan(), "en", "USD"),
      "Move 1,000 USD/month from source 3 to sources 1 and 2: +12 new buyers a month, +120 USD of 6-month revenue (90 %: +40 to +200), at margin 0.20.",
    );
    const ru = budgetSentence(plan(), "ru", "у.е.");
    assert.match(
      ru,
      /^Перенести 1\s000 у\.е\.\/мес\. из источника 3 в источники 1 и 2: \+12 новых покупателей/,
    );
    assert.match(ru, /марже 0,20/);
  });

  test("no move: the sentence says the data cannot support one and why", () => {
    const p = plan({ verdict: "no_move", reason: "gain_interval_includes_zero" });
    assert.match(budgetSentence(p, "en", "USD"), /cannot support moving budget.*includes zero.*margin 0\.20/);
    assert.match(budgetSentence(p, "ru", "USD"), /не позволяют.*включает ноль/);
  });

  test("the budget finding is the plan's sentence, or why there is no plan (en, ru)", () => {
    const view = runContext(normalizeOptions({ from: "2017-06-01", to: "2018-06-01", margin: 0.2 }), "en");
    const ru = runContext(normalizeOptions({ from: "2017-06-01", to: "2018-06-01", margin: 0.2 }), "ru");
    const metrics = (withheld: "spend_not_split_by_device" | null) =>
      ({ marketing: { withheld } }) as unknown as MetricsResult;
    const [move] = budgetFinding(plan(), metrics(null), view);
    assert.equal(move!.id, "overall-budget-move");
    assert.equal(move!.text, budgetSentence(plan(), "en", view.currency));
    assert.deepEqual(
      move!.evidence.find((e) => e.metric === "budget_gain_low"),
      { metric: "budget_gain_low", value: 8, unit: "money" },
    );
    const noMove = plan({ verdict: "no_move", reason: "marginal_returns_not_different" });
    assert.match(budgetFinding(noMove, metrics(null), view)[0]!.text, /cannot support moving budget/);
    assert.match(budgetFinding(null, metrics("spend_not_split_by_device"), view)[0]!.text, /device filter/);
    assert.match(budgetFinding(null, metrics("spend_not_split_by_device"), ru)[0]!.text, /устройству/);
    assert.match(budgetFinding(null, metrics(null), ru)[0]!.text, /нет расходов/);
  });

  test("the CSVs have the issue's columns, one row per modelled source", () => {
    const dir = tempDir();
    const [planPath, curvesPath] = writeBudgetCsv(plan(), dir);
    const planCsv = readFileSync(planPath!, "utf8").trimEnd().split("\n");
    assert.equal(planCsv[0], BUDGET_PLAN_COLUMNS.join(","));
    assert.equal(planCsv[3], "3,4000,3000,-6,-11,-1,-60,-110,-10");
    const curves = readFileSync(curvesPath!, "utf8").trimEnd().split("\n");
    assert.equal(curves[0], RESPONSE_CURVE_COLUMNS.join(","));
    assert.equal(curves[1], "1,0.4,0.2,0.6,25");
    assert.deepEqual(writeBudgetCsv(null, dir), []);
  });

  test("the report section shows the margin, the caveat and every source", () => {
    const view = runContext(normalizeOptions({ from: "2017-06-01", to: "2018-06-01" }), "en");
    const section = budgetSection(view, plan(), null)!.html.text;
    assert.match(section, /Margin in use: 0\.20/);
    assert.match(section, /Attribution is not incrementality/);
    assert.match(section, /source 9 \(fewer than 50 new buyers\)/);
    assert.match(section, /forecast for young ones \(40 % of the buyers valued/);
    const mature = plan({
      sources: plan().sources.map((s) => ({ ...s, valueBasis: "mature", forecastShare: 0 })),
    });
    assert.match(
      budgetSection(view, mature, null)!.html.text,
      /observed 6-month revenue of mature buyer cohorts/,
    );
    for (const id of ["1", "2", "3"]) assert.match(section, new RegExp(`<td>${id}</td>`));
    assert.equal(budgetSection(view, null, null), null);
  });

  test("a plan the data cannot support says its table is not a proposal (en, ru)", () => {
    const noMove = plan({ verdict: "no_move", reason: "gain_interval_includes_zero" });
    for (const lang of ["en", "ru"] as const) {
      const view = runContext(normalizeOptions({ from: "2017-06-01", to: "2018-06-01" }), lang);
      const section = budgetSection(view, noMove, null)!.html.text;
      assert.match(section, lang === "en" ? /keep today&#39;s split/ : /оставить бюджет как есть/);
      assert.doesNotMatch(budgetSection(view, plan(), null)!.html.text, /data-not-recommended/);
    }
  });

  test("the curve figure marks today's and the proposed point of every source", () => {
    const spec = responseCurvesFigure(plan(), { lang: "en", currency: "USD" }) as {
      data: { values: { source: string; point: string; spend: number }[] };
    };
    const proposed = spec.data.values.filter((d) => d.point === "proposed");
    assert.deepEqual(
      proposed.map((d) => [d.source, d.spend]),
      [
        ["Source 1", 1500],
        ["Source 2", 1500],
        ["Source 3", 3000],
      ],
    );
  });
});
