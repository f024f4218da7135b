/**
 * `--forecast-model buyer` through the metrics (the report's path): the trust numbers' LTV forecast is
 * the buyer-level one, read from the slice's own per-buyer months, equal to the same model run on the
 * backtest's read of them; the default stays the power curve.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ltvAndBuyers } from "../src/backtest.ts";
import { forecastLtvByBuyers } from "../src/forecast/buyer-forecast.ts";
import { forecastLtv } from "../src/forecast/ltv-forecast.ts";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { computeMetrics } from "../src/metrics/index.ts";
import { normalizeOptions } from "../src/metrics/options.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

describe("the buyer-level forecast in the metrics", async () => {
  const dir = tempDir();
  await generateSample({ out: dir, users: 8_000, seed: 5 });
  const engine = await freshEngine();
  await ingest(engine, {
    visits: { path: join(dir, "visits_log_us.csv") },
    orders: { path: join(dir, "orders_log_us.csv") },
    costs: { path: join(dir, "costs_us.csv") },
  });
  const buyer = await computeMetrics(engine, { forecastModel: "buyer" });
  const power = await computeMetrics(engine, {});

  it("forecasts with the buyer-level model when asked, the power curve by default", async () => {
    const { buyers } = await ltvAndBuyers(engine, normalizeOptions({ ...buyer.options }), true);
    assert.deepEqual(buyer.trust!.forecast.ltv, forecastLtvByBuyers(buyer.tables.ltv, buyers!));
    assert.deepEqual(power.trust!.forecast.ltv, forecastLtv(power.tables.ltv));
    const forecast = buyer.trust!.forecast.ltv.filter((r) => !r.observed && r.ltv !== null);
    assert.ok(forecast.length >= 20, `${forecast.length} forecast cells`);
    assert.notDeepEqual(buyer.trust!.forecast.ltv, power.trust!.forecast.ltv);
    // Observed cells are the matrix's in both.
    const observed = (rows: typeof forecast) =>
      rows.filter((r) => r.observed).map((r) => [r.cohort, r.lifetime, r.ltv]);
    assert.deepEqual(observed(buyer.trust!.forecast.ltv), observed(power.trust!.forecast.ltv));
    assert.equal(buyer.options.forecastModel, "buyer");
  });
});
