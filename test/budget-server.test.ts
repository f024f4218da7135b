import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type BudgetPlanDocument, planOfMetrics } from "../src/budget/plan-document.ts";
import { normalizePlanOptions } from "../src/budget/plan-options.ts";
import { budgetSentence } from "../src/insights/budget-sentence.ts";
import { sliceCube } from "../src/metrics/cube.ts";
import type { AnalysisDocument } from "../src/server/analysis.ts";
import { wholeDataPlan } from "../src/server/budget-plan.ts";
import type { BudgetPlanResponse } from "../src/server/budget-plans.ts";
import { sampleDataset, serverPool } from "./helpers/sample.ts";

/*
 * GET /api/budget: the plan of the request's own view (window, model, horizon, source filter), checked
 * against the plan computed directly from a slice of the cube; no plan under a device filter; cached.
 */

async function get<T>(base: string, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, base));
  return { status: res.status, body: (await res.json()) as T };
}

describe("GET /api/budget", async () => {
  const dataset = await sampleDataset(20_000, 4);
  const server = serverPool(dataset);

  /** The plan computed here, without the server: the unfiltered slice of the model, restricted to `only`. */
  async function direct(
    options: Record<string, string | number>,
    only: string[] = [],
  ): Promise<BudgetPlanDocument | null> {
    const byModel = await sliceCube(dataset.cube, { ...options, currency: "USD" });
    const model = (options.attribution as "first-touch" | "linear" | undefined) ?? "first-touch";
    return planOfMetrics(byModel[model], normalizePlanOptions({}), only);
  }

  test("the default view's plan equals the plan of the whole data's slice, with its basis and sentence", async () => {
    // The expected plan first: fitting it blocks this process (server included) for seconds, and a
    // kept-alive socket the server drops meanwhile would fail the next request ("fetch failed").
    const expected = await direct({});
    const s = await server();
    const { status, body } = await get<BudgetPlanResponse>(s.url, "/api/budget");
    assert.equal(status, 200);
    assert.ok(body.plan, "a plan");
    assert.deepEqual(body.plan, expected);
    assert.equal(body.none, null);
    assert.deepEqual(
      { ...body.basis },
      {
        from: "2017-06-01",
        to: "2018-06-01",
        attribution: "first-touch",
        horizon: 6,
        margin: 1,
        sources: [],
        devices: [],
      },
    );
    assert.equal(body.sentence, budgetSentence(body.plan, "en", "USD"));
    assert.ok(body.fitMs > 0);
    const fits = s.service && (await get<BudgetPlanResponse>(s.url, "/api/budget?lang=ru")).body;
    assert.equal(
      fits.sentence,
      budgetSentence(body.plan, "ru", "USD"),
      "the second language comes from the cache",
    );
  });

  test("another model and horizon get their own plan; a source filter restricts the plan to those sources", async () => {
    // Expected plans first (see above: no long pause between two requests on one socket).
    const expectedLinear = await direct({ attribution: "linear", horizon: 3 });
    const expectedSome = await direct({}, ["1", "3"]);
    const s = await server();
    const linear = (await get<BudgetPlanResponse>(s.url, "/api/budget?attribution=linear&horizon=3")).body;
    assert.equal(linear.plan?.attribution, "linear");
    assert.equal(linear.plan?.horizon, 3);
    assert.deepEqual(linear.plan, expectedLinear);
    const some = (await get<BudgetPlanResponse>(s.url, "/api/budget?sources=1,3")).body;
    assert.deepEqual(
      some.plan?.sources.map((r) => r.source),
      ["1", "3"],
    );
    assert.deepEqual(some.plan, expectedSome);
    assert.deepEqual(some.basis.sources, ["1", "3"]);
    // Spend stays within the chosen sources: the total is theirs.
    const total = some.plan!.sources.reduce((a, r) => a + r.spendProposed, 0);
    assert.ok(Math.abs(total - some.plan!.budgetNow) < 1e-6 * total);
  });

  test("a device filter gets no plan, with the reason; a bad parameter is a 400 naming it", async () => {
    const s = await server();
    const device = (await get<BudgetPlanResponse>(s.url, "/api/budget?devices=touch")).body;
    assert.equal(device.plan, null);
    assert.equal(device.none, "spend_not_split_by_device");
    assert.match(device.sentence, /device filter/);
    const bad = await get<{ problems: string[] }>(s.url, "/api/budget?horizon=abc");
    assert.equal(bad.status, 400);
    assert.match(bad.body.problems.join(" "), /invalid horizon/);
  });

  test("a plan is fitted once per view: asked again (another language, grain or intervals), it is cached", async () => {
    const s = await server();
    await get(s.url, "/api/budget?horizon=4");
    const fits = s.plans.fits;
    const again = await get<BudgetPlanResponse>(
      s.url,
      "/api/budget?horizon=4&lang=ru&grain=week&intervals=1",
    );
    assert.equal(again.status, 200);
    assert.equal(s.plans.fits, fits);
    await get(s.url, "/api/budget?horizon=4&sources=2");
    assert.equal(s.plans.fits, fits + 1, "a source filter is its own plan");
  });

  test("the start-up plan is the default view's: the analysis document carries it and states it once", async () => {
    const plan = await wholeDataPlan(dataset);
    const withPlan = { ...dataset, budget: plan };
    const s = await serverPool(withPlan)();
    const doc = (await get<AnalysisDocument>(s.url, "/api/analysis")).body;
    assert.deepEqual(doc.budget, plan);
    const sentences = doc.insights.findings.filter((f) => f.id === "overall-budget-move");
    assert.equal(sentences.length, 1);
    assert.equal(sentences[0]!.text, budgetSentence(plan!, "en", "USD"));
    const other = (await get<AnalysisDocument>(s.url, "/api/analysis?attribution=linear")).body;
    assert.equal(other.budget, null, "another model's plan is not the start-up one");
    assert.ok(!other.insights.findings.some((f) => f.id === "overall-budget-move"));
    const fromCache = (await get<BudgetPlanResponse>(s.url, "/api/budget")).body;
    assert.deepEqual(fromCache.plan, plan);
    assert.equal(fromCache.fitMs, 0, "no fit: the start-up plan");
  });
});
