/**
 * The LTV / ROMI / payback forecast (src/forecast) on planted curves: exact on pure power-law cohorts,
 * calibrated intervals when cohorts stray from the shape at random, and the edge cases (no spend, too
 * few cohorts, cells after a gap).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  cohortCurves,
  fitFor,
  forecastLtv,
  forecastPayback,
  forecastRomi,
  type LtvForecastRow,
} from "../src/forecast/index.ts";
import { addMonths, monthIndex } from "../src/forecast/months.ts";
import { afterAnchorSpread, predictFromAnchor, randomSlopeFit } from "../src/forecast/power-curve.ts";
import { betweenSourceVariance, forecastLtvBySource, shrinkFit } from "../src/forecast/source-shapes.ts";
import { studentTQuantile } from "../src/forecast/student-t.ts";
import type { LtvRow } from "../src/metrics/tables.ts";
import { mulberry32 } from "./helpers/prng.ts";

/** A triangular LTV matrix: cohort i of n observed for n − i lifetimes, LTV(c, k) = a_c (k+1)^b_c. */
function plantedMatrix(
  cohorts: { a: number; b: number; size: number }[],
  lifetimes = cohorts.length,
): LtvRow[] {
  return cohorts.flatMap((c, i) =>
    Array.from({ length: lifetimes }, (_, k) => {
      const observed = k < cohorts.length - i;
      const ltv = c.a * (k + 1) ** c.b;
      return {
        cohort: addMonths("2017-06", i),
        lifetime: k,
        cohort_size: c.size,
        revenue: observed ? ltv * c.size : null,
        ltv: observed ? ltv : null,
      };
    }),
  );
}

/** The per-cohort sums fitAtAnchor(…, 0) builds, worked out directly. */
function slopesOf(curves: { size: number; ltv: number[] }[]) {
  return curves.map((c) => {
    let sxx = 0;
    let sxy = 0;
    for (let k = 1; k < c.ltv.length; k++) {
      sxx += Math.log(k + 1) ** 2;
      sxy += Math.log(k + 1) * Math.log(c.ltv[k]! / c.ltv[0]!);
    }
    return { w: c.size, sxx, sxy };
  });
}

describe("LTV forecast", () => {
  it("is exact on cohorts that follow one power curve, with a zero-width interval", () => {
    const cohorts = Array.from({ length: 9 }, (_, i) => ({ a: 3 + i * 0.7, b: 0.37, size: 100 + 50 * i }));
    const rows = forecastLtv(plantedMatrix(cohorts));
    assert.equal(rows.length, 9 * 12);
    for (const row of rows) {
      const c = cohorts[monthIndex(row.cohort) - monthIndex("2017-06")]!;
      const truth = c.a * (row.lifetime + 1) ** 0.37;
      assert.ok(
        Math.abs(row.ltv! - truth) < 1e-9 * truth,
        `${row.cohort} ${row.lifetime}: ${row.ltv} vs ${truth}`,
      );
      if (row.observed) assert.equal(row.ltv_low, null);
      else {
        assert.ok(
          Math.abs(row.ltv_low! - truth) < 1e-9 * truth && Math.abs(row.ltv_high! - truth) < 1e-9 * truth,
        );
      }
    }
    // Observed exactly where the matrix had values; everything else is flagged a forecast.
    assert.equal(rows.filter((r) => r.observed).length, (9 * 10) / 2);
  });

  it("80 % intervals cover about 80 % when cohorts stray from the shape at random", () => {
    let inside = 0;
    let total = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const rand = mulberry32(seed);
      const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      const cohorts = Array.from({ length: 8 }, () => ({
        a: 4 + rand() * 4,
        b: 0.35 + 0.08 * normal(),
        size: 500,
      }));
      const rows = forecastLtv(plantedMatrix(cohorts), { maxLifetime: 8 });
      // Score the youngest cohort's forecast at lifetime 5 (one observed month, as a young cohort has).
      const young = rows.find((r) => r.cohort === addMonths("2017-06", 7) && r.lifetime === 5)!;
      const c = cohorts[7]!;
      const truth = c.a * 6 ** c.b;
      total++;
      if (truth >= young.ltv_low! && truth <= young.ltv_high!) inside++;
    }
    const coverage = inside / total;
    assert.ok(coverage > 0.74 && coverage < 0.87, `coverage ${coverage}`);
  });

  it("random-slope fit: b, τ² and Var b̂ as worked by hand", () => {
    // Slopes 0.1, 0.3, 0.2 (Σxy / Σx²) with sizes 1, 1, 2 and Σx² = 1: fitting weights W = 1, 1, 2.
    const fit = randomSlopeFit(0, [
      { w: 1, sxx: 1, sxy: 0.1 },
      { w: 1, sxx: 1, sxy: 0.3 },
      { w: 2, sxx: 1, sxy: 0.2 },
    ]);
    // b̂ = (0.1 + 0.3 + 2·0.2) / 4 = 0.2; ΣW² / (ΣW)² = 6 / 16 = 0.375, so n_eff = 8 / 3.
    assert.ok(Math.abs(fit.b - 0.2) < 1e-15);
    assert.ok(Math.abs(fit.effectiveCohorts - 8 / 3) < 1e-12);
    // Σ s (b_c − b̂)² = 0.01 + 0.01 + 0 = 0.02; its expectation per unit τ²:
    // 1·(1 − 2/4 + 0.375) + 1·(1 − 2/4 + 0.375) + 2·(1 − 4/4 + 0.375) = 2.5, so τ² = 0.008.
    assert.ok(Math.abs(fit.tau! ** 2 - 0.008) < 1e-15);
    // Var b̂ = τ² · 0.375 = 0.003.
    assert.ok(Math.abs(fit.slopeVariance! - 0.003) < 1e-15);
    // From LTV(0) = 5 to lifetime 3: 5 · 4^0.2 = 6.5975; half-width t · ln 4 · √(0.008 + 0.003).
    const t = 1.885618; // t(0.9, 2)
    const p = predictFromAnchor(5, fit, 3, t);
    assert.ok(Math.abs(p.ltv - 5 * 4 ** 0.2) < 1e-12);
    const half = t * Math.log(4) * Math.sqrt(0.011);
    assert.ok(Math.abs(p.high! - 5 * Math.exp(0.2 * Math.log(4) + half)) < 1e-12);
    assert.ok(Math.abs(p.low! - 5 * Math.exp(0.2 * Math.log(4) - half)) < 1e-12);
    // With equal weights the estimator is the ordinary sample variance (n − 1 in the denominator).
    const equal = randomSlopeFit(0, [
      { w: 3, sxx: 2, sxy: 0.2 },
      { w: 3, sxx: 2, sxy: 0.6 },
    ]);
    assert.ok(Math.abs(equal.tau! ** 2 - 0.02) < 1e-15); // slopes 0.1 and 0.3 around 0.2
  });

  it("from a later anchor the interval is the leave-one-cohort-out error of growth after it, by hand", () => {
    // Three exact power curves, exponents 0.2, 0.3, 0.4, sizes 1, 2, 1, lifetimes 0..2: every cohort
    // has the same Σx², so the pooled b without one cohort is the size-weighted mean of the others.
    const curves = [0.2, 0.3, 0.4].map((b, i) => ({
      cohort: addMonths("2017-06", i),
      size: i === 1 ? 2 : 1,
      ltv: [0, 1, 2].map((k) => 5 * (k + 1) ** b),
    }));
    // Errors: 0.2 − (2·0.3 + 0.4)/3 = −2/15; 0.3 − (0.2 + 0.4)/2 = 0; 0.4 − (0.2 + 2·0.3)/3 = 2/15.
    // Size-weighted mean square (1·4/225 + 2·0 + 1·4/225) / 4 = 2/225; effective count 4² / 6 = 8/3.
    const spread = afterAnchorSpread(curves, 1)!;
    assert.ok(Math.abs(spread.predictionSd - Math.sqrt(2 / 225)) < 1e-12, `${spread.predictionSd}`);
    assert.ok(Math.abs(spread.df - 8 / 3) < 1e-12);
    const fit = fitFor(curves, 1)!;
    assert.equal(fit.predictionSd, spread.predictionSd);
    assert.equal(fit.anchor, 1);
    // From lifetime 0 there is no "after the anchor" to learn from others: the random-slope spread.
    assert.equal(fitFor(curves, 0)!.predictionSd, randomSlopeFit(0, slopesOf(curves)).predictionSd);
    // One cohort observed beyond the anchor is not a spread.
    assert.equal(afterAnchorSpread(curves.slice(0, 1), 1), null);
  });

  it("80 % intervals cover about 80 % from 1, 2 and 3 observed months, cohorts of unequal size", () => {
    const inside = [0, 0, 0];
    const seeds = 300;
    for (let seed = 1; seed <= seeds; seed++) {
      const rand = mulberry32(1000 + seed);
      const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      // Ten cohorts, sizes 200..5000: the big young ones must not make the interval overconfident.
      const cohorts = Array.from({ length: 10 }, () => ({
        a: 4 + rand() * 4,
        b: 0.3 + 0.07 * normal(),
        size: Math.round(200 + rand() * 4800),
      }));
      const rows = forecastLtv(plantedMatrix(cohorts), { maxLifetime: 10 });
      // The cohorts with 1, 2 and 3 observed months, each scored at lifetime 5.
      for (const m of [1, 2, 3]) {
        const i = 10 - m;
        const cell = rows.find((r) => r.cohort === addMonths("2017-06", i) && r.lifetime === 5)!;
        const truth = cohorts[i]!.a * 6 ** cohorts[i]!.b;
        if (truth >= cell.ltv_low! && truth <= cell.ltv_high!) inside[m - 1]!++;
      }
    }
    for (const [i, n] of inside.entries())
      assert.ok(n / seeds > 0.74 && n / seeds < 0.87, `${i + 1} months: coverage ${n / seeds}`);
  });

  it("forecasts nothing from fewer than two cohorts that have grown, and never past a gap", () => {
    const one = plantedMatrix([{ a: 5, b: 0.4, size: 10 }], 4);
    assert.ok(forecastLtv(one).every((r) => r.observed || r.ltv === null));
    const rows = plantedMatrix(Array.from({ length: 4 }, () => ({ a: 5, b: 0.4, size: 10 })));
    // A hole at lifetime 1 of the oldest cohort: lifetime 2 and later of it are not taken as observed.
    rows.find((r) => r.cohort === "2017-06" && r.lifetime === 1)!.ltv = null;
    const cell = forecastLtv(rows).find((r) => r.cohort === "2017-06" && r.lifetime === 2)!;
    assert.equal(cell.observed, false);
  });
});

describe("ROMI and payback forecast", () => {
  const cohorts = Array.from({ length: 6 }, (_, i) => ({ a: 5, b: 0.5, size: 100 + i }));
  const ltv = forecastLtv(plantedMatrix(cohorts));
  const spend = new Map(cohorts.map((c, i) => [addMonths("2017-06", i), c.size * 5 * 2 ** 0.5 * 1.2]));
  spend.set("2017-08", 0);
  const romi = forecastRomi(ltv, spend);

  it("ROMI = LTV · size / spend, null without spend", () => {
    const cell = romi.find((r) => r.cohort === "2017-11" && r.lifetime === 3)!;
    assert.ok(Math.abs(cell.romi! - (5 * 4 ** 0.5) / (5 * 2 ** 0.5 * 1.2)) < 1e-9);
    assert.equal(cell.observed, false);
    assert.ok(romi.filter((r) => r.cohort === "2017-08").every((r) => r.romi === null));
  });

  it("payback is the first lifetime with ROMI ≥ 1, observed or forecast", () => {
    // ROMI(k) = (k+1)^0.5 / (2^0.5 · 1.2) ≥ 1 from (k+1) ≥ 2.88, i.e. k = 2.
    const payback = forecastPayback(romi);
    const oldest = payback.find((p) => p.cohort === "2017-06")!;
    assert.deepEqual(oldest, {
      source: "all",
      cohort: "2017-06",
      payback_lifetime: 2,
      payback_low: 2,
      payback_high: 2,
      observed: true,
    });
    const youngest = payback.find((p) => p.cohort === "2017-11")!;
    assert.equal(youngest.payback_lifetime, 2);
    assert.equal(youngest.observed, false);
    assert.equal(payback.find((p) => p.cohort === "2017-08")!.payback_lifetime, null);
  });
});

describe("per-source shapes", () => {
  it("a source with a single cohort takes the pooled shape; one with many consistent cohorts keeps its own", () => {
    const pooled = plantedMatrix(
      Array.from({ length: 8 }, (_, i) => ({ a: 5, b: 0.3 + (i % 2) * 0.02, size: 500 })),
    );
    const lonely = plantedMatrix([{ a: 5, b: 0.9, size: 20 }], 6);
    const steady = plantedMatrix(Array.from({ length: 8 }, () => ({ a: 5, b: 0.5, size: 300 })));
    const noisy = plantedMatrix(
      Array.from({ length: 8 }, (_, i) => ({ a: 5, b: 0.2 + (i % 2) * 0.3, size: 30 })),
    );
    const out = forecastLtvBySource(
      new Map([
        ["lonely", lonely],
        ["steady", steady],
        ["noisy", noisy],
      ]),
      pooled,
    );
    const at = (rows: LtvForecastRow[], cohort: string, k: number) =>
      rows.find((r) => r.cohort === cohort && r.lifetime === k)!.ltv!;
    const pooledB = fitFor(cohortCurves(pooled), 0)!.b;
    // lonely: one cohort fits nothing of its own, so it grows from its last month on the pooled shape.
    const lonelyRows = out.get("lonely")!;
    assert.ok(
      Math.abs(
        Math.log(at(lonelyRows, "2017-06", 11) / at(lonelyRows, "2017-06", 5)) / Math.log(2) - pooledB,
      ) < 1e-9,
    );
    // steady: eight cohorts that agree on 0.5 keep it (their own spread is 0, so no shrinkage at all).
    const steadyRows = out.get("steady")!;
    const young = addMonths("2017-06", 7);
    assert.ok(
      Math.abs(Math.log(at(steadyRows, young, 11) / at(steadyRows, young, 0)) / Math.log(12) - 0.5) < 1e-9,
    );
    // noisy: its own estimate is pulled toward the pooled one, not past it.
    const noisyRows = out.get("noisy")!;
    const noisyB = Math.log(at(noisyRows, young, 11) / at(noisyRows, young, 0)) / Math.log(12);
    const ownB = fitFor(cohortCurves(noisy), 0)!.b;
    assert.ok(
      Math.min(ownB, pooledB) - 1e-9 <= noisyB && noisyB <= Math.max(ownB, pooledB) + 1e-9,
      `${noisyB}`,
    );
  });

  it("a shrunk shape: b halfway when σ² equals the source's variance, interval from its τ and the shrunk variance", () => {
    const fit = (b: number, tau: number, v: number) => ({
      anchor: 0,
      fittedAnchor: 0,
      b,
      tau,
      cohorts: 5,
      effectiveCohorts: 4,
      slopeVariance: v,
      predictionSd: Math.sqrt(tau * tau + v),
      df: 4,
    });
    // B = 0.004 / (0.004 + 0.004) = 0.5: b = 0.3 + 0.5 · (0.5 − 0.3) = 0.4, Var = 0.5 · 0.004 = 0.002.
    const shrunk = shrinkFit(fit(0.5, 0.1, 0.004), fit(0.3, 0.05, 0.001), 0.004);
    assert.ok(Math.abs(shrunk.b - 0.4) < 1e-15);
    assert.ok(Math.abs(shrunk.slopeVariance! - 0.002) < 1e-15);
    assert.ok(Math.abs(shrunk.predictionSd! - Math.sqrt(0.01 + 0.002)) < 1e-15);
  });

  it("between-source variance is 0 when sources agree within their noise", () => {
    assert.equal(
      betweenSourceVariance([
        { b: 0.3, v: 0.01 },
        { b: 0.31, v: 0.01 },
        { b: 0.29, v: 0.01 },
      ]),
      0,
    );
    assert.ok(
      betweenSourceVariance([
        { b: 0.1, v: 0.0001 },
        { b: 0.6, v: 0.0001 },
      ]) > 0.1,
    );
  });
});

describe("Student t quantiles", () => {
  it("match the tables", () => {
    for (const [p, df, t] of [
      [0.9, 1, 3.077684],
      [0.9, 2, 1.885618],
      [0.9, 5, 1.475884],
      [0.975, 10, 2.228139],
      [0.95, 1000, 1.646379],
      [0.1, 3, -1.637744],
    ] as const)
      assert.ok(Math.abs(studentTQuantile(p, df) - t) < 1e-5, `t(${p}, ${df}) = ${studentTQuantile(p, df)}`);
  });
});
