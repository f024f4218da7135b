/**
 * `--forecast-model buyer` through the metrics (the report's path): the trust numbers' LTV forecast is
 * the buyer-level one, read from the slice's own per-buyer months, equal to the same model run on the
 * backtest's read of them; the default stays the power curve. Per source, each source's cohorts are
 * forecast from its own attributed buyers (the cube's weights) under the pooled fit, their revenues
 * adding up to the pooled forecast's under first touch and linear. The model is named in the forecast
 * CSVs and metrics.json, and the report's methods quote the buyer-level model's own backtest.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyze } from "../src/analyze.ts";
import { ltvAndBuyers } from "../src/backtest.ts";
import { backtestLtv, largestMisses } from "../src/forecast/backtest.ts";
import { forecastLtvByBuyers } from "../src/forecast/buyer-forecast.ts";
import { readBuyerHistories, readBuyerWeights } from "../src/forecast/buyer-months.ts";
import { buyerForecastBasis, forecastLtvByBuyersBySource } from "../src/forecast/buyer-sources.ts";
import { forecastLtv } from "../src/forecast/ltv-forecast.ts";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { sumAttributedCells } from "../src/metrics/attributed-cells.ts";
import { buildCube, dropCube, scopeOf, sliceCube } from "../src/metrics/cube.ts";
import { computeMetrics } from "../src/metrics/index.ts";
import { normalizeOptions } from "../src/metrics/options.ts";
import { MetricRun } from "../src/metrics/query.ts";
import type { Attribution } from "../src/metrics/tables.ts";
import { sourceLtvMatrices } from "../src/metrics/trust.ts";
import { presentationOf } from "../src/presentation.ts";
import { renderReportHtml } from "../src/report/html/index.ts";
import { writeForecastTables } from "../src/report/trust-tables.ts";
import { computationKey, parseAnalysisQuery } from "../src/server/params.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

describe("the buyer-level forecast in the metrics", async () => {
  const dir = tempDir();
  await generateSample({ out: dir, users: 8_000, seed: 5 });
  const files = {
    visits: { path: join(dir, "visits_log_us.csv") },
    orders: { path: join(dir, "orders_log_us.csv") },
    costs: { path: join(dir, "costs_us.csv") },
  };
  const engine = await freshEngine();
  await ingest(engine, files);
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
    assert.equal(buyer.trust!.forecast.model, "buyer");
    assert.equal(power.trust!.forecast.model, "power");
  });

  for (const attribution of ["first-touch", "linear"] as const satisfies readonly Attribution[]) {
    it(`${attribution}: each source is forecast from its own buyers; the sources add up to the pooled forecast`, async () => {
      const cube = await buildCube(engine);
      try {
        const metrics = (await sliceCube(cube, { forecastModel: "buyer", attribution }))[attribution];
        const [entry] = [...cube.windows.values()];
        const run = new MetricRun(
          engine,
          metrics.options,
          { ...cube.tables, ...entry!.tables },
          scopeOf(cube.facts, { sources: [], devices: [] }),
        );
        const basis = buyerForecastBasis(metrics.tables.ltv, await readBuyerHistories(run));
        assert.deepEqual(metrics.trust!.forecast.ltv, basis.rows);
        const weights = await readBuyerWeights(run);
        // The cube's weights: every new buyer once, summing to 1 (unattributed included).
        assert.equal(weights.size, basis.histories.length);
        for (const [key, shares] of weights) {
          const sum = shares.reduce((s, w) => s + w.weight, 0);
          assert.ok(Math.abs(sum - 1) < 1e-12, `buyer ${key}: weights sum to ${sum}`);
        }
        if (attribution === "linear")
          assert.ok(
            [...weights.values()].some((s) => s.length > 1),
            "linear splits some buyers",
          );
        const facts = await entry!.ready;
        const months = (await entry!.trust!).months;
        const matrices = sourceLtvMatrices(run, sumAttributedCells(facts.memory, run.scope.combos), months);
        const bySource = forecastLtvByBuyersBySource(matrices, basis, weights);
        let checked = 0;
        for (const pooled of basis.rows.filter((r) => !r.observed && r.ltv !== null)) {
          let revenue = 0;
          for (const rows of bySource.values()) {
            const own = rows.find((r) => r.cohort === pooled.cohort && r.lifetime === pooled.lifetime);
            if (!own) continue;
            assert.notEqual(own.ltv, null, `${pooled.cohort}/${pooled.lifetime}`);
            revenue += own.ltv! * own.cohort_size;
          }
          const want = pooled.ltv! * pooled.cohort_size;
          assert.ok(
            Math.abs(revenue - want) <= 1e-9 * want,
            `${pooled.cohort}/${pooled.lifetime}: ${revenue} vs ${want}`,
          );
          checked++;
        }
        assert.ok(checked >= 20, `${checked} cells`);
        // The ROMI forecast of each paid source is that source's LTV forecast (spend and buyers fixed:
        // its ratio to the cohort's last observed ROMI is the LTV's), not the power curve's.
        let romiCells = 0;
        for (const r of metrics.trust!.forecast.romi) {
          if (r.source === "all" || r.observed || r.romi === null) continue;
          const rows = bySource.get(r.source)!;
          const anchor = metrics
            .trust!.forecast.romi.filter((x) => x.source === r.source && x.cohort === r.cohort && x.observed)
            .at(-1)!;
          const ltvAnchor = rows.find((x) => x.cohort === r.cohort && x.lifetime === anchor.lifetime)!.ltv!;
          const ltv = rows.find((x) => x.cohort === r.cohort && x.lifetime === r.lifetime)!.ltv!;
          if (!(anchor.romi! > 0)) continue;
          const got = r.romi / anchor.romi!;
          assert.ok(Math.abs(got - ltv / ltvAnchor) < 1e-9 * got, `${r.source} ${r.cohort}/${r.lifetime}`);
          romiCells++;
        }
        assert.ok(romiCells >= 20, `${romiCells} per-source ROMI cells`);
      } finally {
        await dropCube(cube);
      }
    });
  }

  it("the per-source ROMI forecasts differ from the power curve's (the option reaches them)", () => {
    const sourceRows = (m: typeof buyer) =>
      m.trust!.forecast.romi.filter((r) => r.source !== "all" && !r.observed && r.romi !== null);
    assert.ok(sourceRows(buyer).length > 0);
    assert.notDeepEqual(sourceRows(buyer), sourceRows(power));
  });

  it("the forecast CSVs end with a model column naming the model of every row", () => {
    for (const [m, name] of [
      [buyer, "buyer"],
      [power, "power"],
    ] as const) {
      const out = tempDir();
      writeForecastTables(m, out);
      const heads = {
        ltv_forecast: "cohort,lifetime,ltv,ltv_low,ltv_high,observed,model",
        romi_forecast: "source,cohort,lifetime,romi,romi_low,romi_high,observed,model",
        payback_forecast: "source,cohort,payback_lifetime,payback_low,payback_high,observed,model",
      };
      for (const [file, head] of Object.entries(heads)) {
        const [first, ...rows] = readFileSync(join(out, `${file}.csv`), "utf8")
          .trimEnd()
          .split("\n");
        assert.equal(first, head, file);
        assert.ok(rows.length > 0, file);
        for (const row of rows) assert.ok(row.endsWith(`,${name}`), `${file}: ${row}`);
      }
    }
  });

  it("the report's methods quote the buyer-level model's own backtest on this run's buyers", async () => {
    const analysis = await analyze(await freshEngine(), files, { forecastModel: "buyer" });
    const forecast = analysis.metrics.trust!.forecast;
    assert.equal(forecast.model, "buyer");
    // The same backtest `channelscope backtest` computes from its own read of the buyers.
    const { ltv, buyers } = await ltvAndBuyers(
      engine,
      normalizeOptions({ ...analysis.metrics.options }),
      true,
    );
    const want = backtestLtv(ltv, { horizon: analysis.metrics.options.horizon, buyers: buyers! });
    assert.deepEqual(forecast.backtest, { cohorts: want.cohorts, cases: want.cases, summary: want.summary });
    const scored = want.summary.filter((s) => s.model === "buyer-level" && s.cases > 0);
    assert.ok(scored.length > 0, "the buyer-level model scores some cases on this sample");

    const methods = (a: typeof analysis) =>
      /<section id="methods"[\s\S]*?<\/section>/.exec(
        renderReportHtml(presentationOf(a, "en"), { figures: [] }),
      )![0];
    const page = methods(analysis);
    assert.match(page, /data-model="buyer-level"/);
    assert.match(page, /Backtest of the LTV forecast \(buyer-level BG\/BB \+ Gamma-Gamma\)/);
    assert.match(page, /Forecasts for young cohorts \(model: buyer-level/);
    const all = want.summary.find((s) => s.model === "buyer-level" && s.observedMonths === null)!;
    assert.ok(page.includes(`${(all.mape! * 100).toFixed(1)}`), `MAPE ${all.mape} quoted`);
    // The baseline beside it is scored on the buyer-level model's own cases, not the power curve's.
    const naive = want.cases.filter((c) => c.buyerForecast !== null && c.actual > 0);
    const naiveMape = naive.reduce((s, c) => s + Math.abs(c.naive - c.actual) / c.actual, 0) / naive.length;
    const lastRow = /<tr>(?:(?!<tr>)[\s\S])*?<\/tr>\s*<\/tbody>/.exec(
      page.slice(page.indexOf("data-backtest")),
    )![0];
    assert.ok(
      lastRow.includes(`${(naiveMape * 100).toFixed(1)}%`),
      `baseline ${naiveMape} on the ${naive.length} buyer-level cases: ${lastRow}`,
    );
    // Each row names its largest miss, the buyer-level model's own, and the MAPE without it.
    const misses = largestMisses(want, "buyer-level");
    assert.ok(misses.length > 0, "a row with two or more scored cases");
    for (const miss of misses) {
      const error = `${miss.error > 0 ? "+" : ""}${(miss.error * 100).toFixed(1)}%`.replace("-", "\u2212");
      assert.ok(page.includes(`${miss.cohort} ${error}`), `${miss.cohort} ${error} named`);
      assert.ok(
        page.includes(`${(miss.mapeWithout * 100).toFixed(1)}%`),
        `MAPE without it ${miss.mapeWithout}`,
      );
    }
    assert.notEqual(
      naive.length,
      want.cases.filter((c) => c.forecast !== null).length,
      "fewer cases than the power curve's",
    );
    const ru = /<section id="methods"[\s\S]*?<\/section>/.exec(
      renderReportHtml(presentationOf(analysis, "ru"), { figures: [] }),
    )![0];
    assert.match(ru, /Проверка прогноза LTV \(модель покупателей BG\/BB \+ Gamma-Gamma\)/);

    // Without the buyers' backtest (a hand-built result) the page quotes the power curve's and says so.
    const { backtest: _backtest, ...bare } = forecast;
    const without = methods({
      ...analysis,
      metrics: { ...analysis.metrics, trust: { ...analysis.metrics.trust!, forecast: bare } },
    });
    assert.match(without, /data-model="power-curve"/);
    assert.match(
      without,
      /the figures below are the power curve&#39;s|the figures below are the power curve's/,
    );
  });

  it("serve --forecast-model: the catalog's model reaches every request's options and the cache key", () => {
    const catalog = {
      bounds: { firstVisitStart: "2017-06-01", lastVisitStart: "2018-05-31" },
      sources: ["1"],
      devices: ["touch"],
      currency: "USD",
    };
    const plain = parseAnalysisQuery(new URLSearchParams("intervals=1"), catalog);
    const buyerView = parseAnalysisQuery(new URLSearchParams("intervals=1"), {
      ...catalog,
      forecastModel: "buyer",
    });
    assert.equal(plain.options.forecastModel, "power");
    assert.equal(buyerView.options.forecastModel, "buyer");
    assert.notEqual(computationKey(plain), computationKey(buyerView));
  });
});
