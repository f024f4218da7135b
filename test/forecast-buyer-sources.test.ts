/**
 * The buyer-level forecast per source (src/forecast/buyer-sources.ts) on a hand-made population of
 * planted BG/BB + Gamma-Gamma buyers split between sources: under first touch (weights 0/1) and linear
 * (fractional) the sources' expected revenues add up to the pooled forecast's; one source holding
 * every buyer is the pooled forecast itself; each source's point forecast equals the formula computed
 * buyer by buyer from the fitted parameters; a small source's interval is wider than the pooled one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type BgbbParams, expectedByPeriod } from "../src/forecast/bgbb.ts";
import type { BuyerHistory } from "../src/forecast/buyer-forecast.ts";
import {
  type BuyerShare,
  buyerForecastBasis,
  forecastLtvByBuyersBySource,
} from "../src/forecast/buyer-sources.ts";
import { expectedSpend, type GammaGammaParams } from "../src/forecast/gamma-gamma.ts";
import type { LtvForecastRow } from "../src/forecast/ltv-forecast.ts";
import { addMonths, monthIndex } from "../src/forecast/months.ts";
import { Variates } from "../src/forecast/random-variates.ts";
import type { LtvRow } from "../src/metrics/tables.ts";

const PLANTED: BgbbParams = { alpha: 1.2, beta: 3.5, gamma: 0.7, delta: 2.5 };
const SPEND: GammaGammaParams = { p: 4, q: 5, gamma: 30 };
const FIRST = "2020-01";
const COHORTS = 6;
const PER_COHORT = 400;
/** The last observed month: the last cohort's month 1. */
const CUT = monthIndex(FIRST) + COHORTS;
const OPTIONS = { draws: 60, seed: 3 } as const;

/** Six monthly cohorts of planted buyers as they stand at the cut (months after it unseen). */
function population(): BuyerHistory[] {
  const v = new Variates(42);
  const out: BuyerHistory[] = [];
  for (let c = 0; c < COHORTS; c++) {
    const cohort = addMonths(FIRST, c);
    const n = CUT - monthIndex(cohort);
    for (let i = 0; i < PER_COHORT; i++) {
      const p = v.beta(PLANTED.alpha, PLANTED.beta);
      const theta = v.beta(PLANTED.gamma, PLANTED.delta);
      const nu = v.gamma(SPEND.q) / SPEND.gamma;
      const lifetimes = [0];
      let alive = true;
      for (let t = 1; t <= n; t++) {
        if (alive && v.uniform() < theta) alive = false;
        if (alive && v.uniform() < p) lifetimes.push(t);
      }
      out.push({
        buyer: `${cohort}-${String(i).padStart(4, "0")}`,
        cohort,
        cohortIndex: monthIndex(cohort),
        lifetimes,
        revenue: lifetimes.map(() => v.gamma(SPEND.p) / nu),
      });
    }
  }
  return out.sort((a, b) => (a.buyer < b.buyer ? -1 : 1));
}

const index = (h: BuyerHistory) => Number(h.buyer.slice(-4));

/** First touch: 0/1, uneven (A 70 %, B 20 %, C 5 %, unattributed 5 %). */
function firstTouch(h: BuyerHistory): BuyerShare[] {
  const i = index(h) % 20;
  const source = i < 14 ? "A" : i < 18 ? "B" : i === 18 ? "C" : "unattributed";
  return [{ source, weight: 1 }];
}

/** Linear: every buyer split between A and B (and some with C), weights summing to 1. */
function linear(h: BuyerHistory): BuyerShare[] {
  const i = index(h);
  if (i % 7 === 0)
    return [
      { source: "C", weight: 1 / 3 },
      { source: "A", weight: 2 / 3 },
    ];
  const a = ((i % 3) + 1) / 4;
  return [
    { source: "A", weight: a },
    { source: "B", weight: 1 - a },
  ];
}

/** Per source, the LTV matrix of its attributed buyers (revenue and buyers weighted), as the cube sums it. */
function matrices(
  histories: readonly BuyerHistory[],
  weightsOf: (h: BuyerHistory) => BuyerShare[],
): Map<string, LtvRow[]> {
  const cells = new Map<string, Map<string, { size: number; revenue: number[] }>>();
  for (const h of histories) {
    const n = CUT - h.cohortIndex;
    for (const { source, weight } of weightsOf(h)) {
      const bySource = cells.get(source) ?? new Map<string, { size: number; revenue: number[] }>();
      const cell = bySource.get(h.cohort) ?? { size: 0, revenue: new Array<number>(n + 1).fill(0) };
      cell.size += weight;
      for (const [j, k] of h.lifetimes.entries()) cell.revenue[k]! += weight * h.revenue[j]!;
      bySource.set(h.cohort, cell);
      cells.set(source, bySource);
    }
  }
  const out = new Map<string, LtvRow[]>();
  for (const source of [...cells.keys()].sort()) {
    const rows: LtvRow[] = [];
    for (const [cohort, { size, revenue }] of [...cells.get(source)!].sort(([a], [b]) => (a < b ? -1 : 1))) {
      let cumulative = 0;
      for (const [k, r] of revenue.entries()) {
        cumulative += r;
        rows.push({ cohort, lifetime: k, cohort_size: size, revenue: cumulative, ltv: cumulative / size });
      }
    }
    out.set(source, rows);
  }
  return out;
}

function weightMap(histories: readonly BuyerHistory[], weightsOf: (h: BuyerHistory) => BuyerShare[]) {
  return new Map(histories.map((h) => [h.buyer, weightsOf(h)]));
}

const cell = (rows: readonly LtvForecastRow[], cohort: string, lifetime: number) =>
  rows.find((r) => r.cohort === cohort && r.lifetime === lifetime);

describe("buyer-level forecast per source", () => {
  const histories = population();
  const pooledLtv = matrices(histories, () => [{ source: "all", weight: 1 }]).get("all")!;
  const basis = buyerForecastBasis(pooledLtv, histories, OPTIONS);
  const forecastCells = basis.rows.filter((r) => !r.observed && r.ltv !== null);

  it("the pooled fixture is forecast (the model is pinned down, cohorts spread past every anchor)", () => {
    assert.ok(basis.model, "fitted");
    // The four youngest cohorts (observed 2 to 5 months) are forecast; the two oldest train their anchors.
    assert.ok(forecastCells.length >= 30, `${forecastCells.length} forecast cells`);
  });

  for (const [name, weightsOf] of [
    ["first touch", firstTouch],
    ["linear", linear],
  ] as const) {
    it(`${name}: the sources' expected revenues add up to the pooled forecast's, cell by cell`, () => {
      const bySource = forecastLtvByBuyersBySource(
        matrices(histories, weightsOf),
        basis,
        weightMap(histories, weightsOf),
        OPTIONS,
      );
      assert.deepEqual(
        [...bySource.keys()].sort(),
        name === "linear" ? ["A", "B", "C"] : ["A", "B", "C", "unattributed"],
      );
      let checked = 0;
      for (const pooled of basis.rows) {
        if (pooled.ltv === null) {
          for (const rows of bySource.values())
            assert.equal(
              cell(rows, pooled.cohort, pooled.lifetime)?.ltv ?? null,
              null,
              "no forecast where pooled has none",
            );
          continue;
        }
        let revenue = 0;
        for (const [source, rows] of bySource) {
          const own = cell(rows, pooled.cohort, pooled.lifetime)!;
          assert.ok(own && own.ltv !== null, `${source} ${pooled.cohort}/${pooled.lifetime}`);
          assert.equal(own.observed, pooled.observed);
          revenue += own.ltv * own.cohort_size;
        }
        const want = pooled.ltv * pooled.cohort_size;
        assert.ok(
          Math.abs(revenue - want) <= 1e-9 * want,
          `${pooled.cohort}/${pooled.lifetime}: ${revenue} vs ${want}`,
        );
        if (!pooled.observed) checked++;
      }
      assert.equal(checked, forecastCells.length);
    });
  }

  it("one source holding every buyer is the pooled forecast, intervals included", () => {
    const all = () => [{ source: "all", weight: 1 }];
    const bySource = forecastLtvByBuyersBySource(
      new Map([["all", pooledLtv]]),
      basis,
      weightMap(histories, all),
      OPTIONS,
    );
    assert.deepEqual(bySource.get("all"), basis.rows);
  });

  it("each source's point forecast is its buyers' weighted expected revenue, buyer by buyer", () => {
    const model = basis.model!;
    const bySource = forecastLtvByBuyersBySource(
      matrices(histories, linear),
      basis,
      weightMap(histories, linear),
      OPTIONS,
    );
    const source = matrices(histories, linear);
    let checked = 0;
    for (const [name, rows] of bySource) {
      for (const row of rows.filter((r) => !r.observed && r.ltv !== null)) {
        const cohortIndex = monthIndex(row.cohort);
        const n = CUT - cohortIndex;
        const observed = source.get(name)!.find((r) => r.cohort === row.cohort && r.lifetime === n)!;
        let future = 0;
        for (const h of histories.filter((b) => b.cohortIndex === cohortIndex)) {
          const weight = linear(h).find((w) => w.source === name)?.weight ?? 0;
          if (weight === 0) continue;
          // The buyer as of the cut, computed here from its months: BG/BB's (x, t_x, n), active months, total.
          const repeat = h.lifetimes.filter((k) => k >= 1);
          const total = h.revenue.reduce((s, r) => s + r, 0);
          const spend = expectedSpend(model.spend.params, h.lifetimes.length, total);
          const e = expectedByPeriod(
            model.incidence.params,
            repeat.length,
            repeat.at(-1) ?? 0,
            n,
            row.lifetime - n,
          );
          future += weight * spend * e.reduce((s, x) => s + x, 0);
        }
        const want = observed.ltv! + future / observed.cohort_size;
        assert.ok(
          Math.abs(row.ltv! - want) <= 1e-9 * want,
          `${name} ${row.cohort}/${row.lifetime}: ${row.ltv} vs ${want}`,
        );
        checked++;
      }
    }
    assert.ok(checked >= 90, `${checked} cells`);
  });

  it("intervals hold the point and what is observed; the smallest source's is wider than the pooled one", () => {
    const bySource = forecastLtvByBuyersBySource(
      matrices(histories, firstTouch),
      basis,
      weightMap(histories, firstTouch),
      OPTIONS,
    );
    for (const rows of bySource.values()) {
      for (const r of rows.filter((x) => !x.observed && x.ltv !== null)) {
        const anchor = rows.filter((x) => x.cohort === r.cohort && x.observed).at(-1)!;
        assert.ok(r.ltv_low! <= r.ltv! && r.ltv! <= r.ltv_high!, `${r.cohort}/${r.lifetime}`);
        assert.ok(r.ltv_low! >= anchor.ltv!, `${r.cohort}/${r.lifetime}: never below what is observed`);
      }
    }
    // C holds 5 % of the buyers (20 per cohort): its buyers' own chance widens its interval.
    const width = (r: LtvForecastRow) => r.ltv_high! / r.ltv_low!;
    const young = addMonths(FIRST, COHORTS - 1);
    const c = cell(bySource.get("C")!, young, 11)!;
    const pooled = cell(basis.rows, young, 11)!;
    assert.ok(width(c) > width(pooled) * 1.1, `C ${width(c)} vs pooled ${width(pooled)}`);
  });

  it("a buyer without attribution weights is an error, never a silent drop", () => {
    const weights = weightMap(histories, firstTouch);
    // A buyer of the youngest cohort (observed 2 months), which is forecast.
    weights.delete(histories.find((h) => h.cohortIndex === CUT - 1)!.buyer);
    assert.throws(
      () => forecastLtvByBuyersBySource(matrices(histories, firstTouch), basis, weights, OPTIONS),
      /has no attribution weights/,
    );
  });
});
