/**
 * Randomised filter test (issue 8): for many random (sources, devices, window, horizon, cohort grain,
 * margin) slices, the SQL cube's answer equals the naive reference computed from scratch on the same
 * WHOLE data (test/naive applies the window and the filter itself, from decisions.md "Window and
 * filters" alone) — every table of `Tables` at 1e-9 relative, plus session and lag statistics, for
 * every attribution model.
 *
 * Windows start mid-month, end mid-week, begin before the data or run past it (clamped). The
 * generated samples are perturbed on purpose: sessions ending before they start, buyers without
 * any session, orders before the first visit day and after the last, spend before the data and
 * spend of a source nobody visits through. The SQL side is src/metrics/cube.ts: buildCube once per
 * sample, sliceCube per case (all three models at once).
 *
 * A failure names its case seed; rerun one case with FILTER_CASE=<seed>. FILTER_SOAK=<n> runs n times
 * as many cases per sample (a longer hunt, not for CI).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildCube, dropCube, sliceCube } from "../src/metrics/cube.ts";
import type { AnalysisOptions } from "../src/metrics/options.ts";
import type { MetricsResult } from "../src/metrics/result.ts";
import type {
  Attribution,
  CohortGrain,
  CostRecord,
  MetricOptions,
  OrderRecord,
  VisitRecord,
} from "../src/metrics/tables.ts";
import { assertSameTables, assertTablesMatch, closeEnough } from "./fixtures/compare-tables.ts";
import { canonicalRecords } from "./helpers/canonical-records.ts";
import { ENGINES, loadRecordsOn } from "./helpers/engines.ts";
import { mulberry32 } from "./helpers/prng.ts";
import { ingestedSample } from "./helpers/sample.ts";
import { assertSameSourceNumbers } from "./helpers/source-numbers.ts";
import { addDays, dayOf, tsSeconds } from "./naive/calendar.ts";
import { type NaiveFilter, type NaiveInput, naiveDetails } from "./naive/index.ts";

const MODELS: Attribution[] = ["first-touch", "last-touch", "linear"];

/** Samples and how many random slices each gets (~40 in all). */
const SAMPLES = [
  { seed: 21, users: 2000, cases: 16 },
  { seed: 22, users: 1200, cases: 14 },
  { seed: 23, users: 800, cases: 10 },
];

type Rnd = () => number;
const int = (rnd: Rnd, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

function tsFromSeconds(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 19).replace("T", " ");
}

/** The data's default window: first visit day to the day after the last. */
function dataBounds(input: NaiveInput): { first: string; end: string } {
  let first = dayOf(input.visits[0]!.start_ts);
  let last = first;
  for (const v of input.visits) {
    const d = dayOf(v.start_ts);
    if (d < first) first = d;
    if (d > last) last = d;
  }
  return { first, end: addDays(last, 1) };
}

/**
 * The generated sample with the awkward cases added, deterministically: ~2 % of sessions end before
 * they start, 12 buyers without sessions (ids still 20-digit numbers), orders before the first visit
 * day and after the last, spend before the data and of a source no visit has.
 */
function perturb(input: NaiveInput, seed: number): NaiveInput {
  const rnd = mulberry32(seed * 7919);
  const { first, end } = dataBounds(input);
  const span = tsSeconds(end) - tsSeconds(first);
  const visits: VisitRecord[] = input.visits.map((v) => {
    if (rnd() >= 0.02) return v;
    return { ...v, end_ts: tsFromSeconds(tsSeconds(v.start_ts) - int(rnd, 1, 600)) };
  });
  const orders: OrderRecord[] = [...input.orders];
  const money = () => `${int(rnd, 0, 90)}.${String(int(rnd, 0, 99)).padStart(2, "0")}`;
  for (let i = 0; i < 12; i++) {
    const user_id = `990000000000000${String(i).padStart(5, "0")}`;
    for (let j = int(rnd, 1, 3); j > 0; j--) {
      orders.push({ user_id, ts: tsFromSeconds(tsSeconds(first) + int(rnd, 0, span)), revenue: money() });
    }
  }
  const users = [...new Set(input.visits.map((v) => v.user_id))];
  for (let i = 0; i < 4; i++) {
    orders.push({
      user_id: pick(rnd, users),
      ts: `${addDays(first, -int(rnd, 1, 40))} 12:00:00`,
      revenue: money(),
    });
    orders.push({
      user_id: pick(rnd, users),
      ts: `${addDays(end, int(rnd, 0, 20))} 08:30:00`,
      revenue: money(),
    });
  }
  const costs: CostRecord[] = [...input.costs];
  costs.push({ source_id: "77", date: addDays(first, 15), costs: "40.00" });
  costs.push({ source_id: "77", date: addDays(first, 75), costs: "12.50" });
  costs.push({ source_id: input.costs[0]!.source_id, date: addDays(first, -3), costs: "99.00" });
  return { visits, orders, costs };
}

interface Case {
  seed: number;
  options: Partial<AnalysisOptions>;
  filter: NaiveFilter;
}

/**
 * A random slice; the window is non-empty after clamping to the data. The first case of a sample is
 * the default window without a filter: the whole-data definition of the spec.
 */
function randomCase(seed: number, input: NaiveInput): Case {
  if (seed % 1000 === 0) {
    const options = { horizon: 6, attribution: "first-touch", cohortGrain: "month", margin: 1 } as const;
    return { seed, options, filter: { sources: [], devices: [] } };
  }
  const rnd = mulberry32(seed);
  const { first, end } = dataBounds(input);
  const days = Math.round((tsSeconds(end) - tsSeconds(first)) / 86400);
  let from: string | undefined;
  let to: string | undefined;
  for (;;) {
    const f = rnd();
    from =
      f < 0.2
        ? undefined
        : f < 0.35
          ? addDays(first, -int(rnd, 1, 90))
          : addDays(first, int(rnd, 0, days - 60));
    const lo = from === undefined || from < first ? first : from;
    const t = rnd();
    to = t < 0.2 ? undefined : t < 0.35 ? addDays(end, int(rnd, 1, 120)) : addDays(lo, int(rnd, 20, days));
    if ((to ?? end) > lo && (to === undefined || to > (from ?? first))) break;
  }
  const sources = [
    ...new Set([...input.visits.map((v) => v.source_id), ...input.costs.map((c) => c.source_id)]),
  ];
  const s = rnd();
  const chosenSources =
    s < 0.3 ? [] : s < 0.4 ? sources : sources.filter(() => rnd() < 0.35).slice(0, int(rnd, 1, 4));
  if (s >= 0.4 && chosenSources.length === 0) chosenSources.push(pick(rnd, sources));
  const d = rnd();
  const devices = d < 0.5 ? [] : d < 0.85 ? [pick(rnd, ["desktop", "touch"])] : ["desktop", "touch"];
  const options: Partial<AnalysisOptions> = {
    horizon: int(rnd, 1, 8),
    attribution: pick(rnd, MODELS),
    cohortGrain: pick<CohortGrain>(rnd, ["month", "week"]),
    margin: rnd() < 0.7 ? 1 : 0.6,
  };
  if (from !== undefined) options.from = from;
  if (to !== undefined) options.to = to;
  return { seed, options, filter: { sources: chosenSources, devices } };
}

function near(a: number | null | undefined, b: number | null | undefined, what: string): void {
  assert.ok(
    a === b || (typeof a === "number" && typeof b === "number" && closeEnough(a, b)),
    `${what}: sql ${a} vs naive ${b}`,
  );
}

/** One slice, every model: SQL against the naive on the whole data. */
function compareSlice(input: NaiveInput, c: Case, byModel: Record<Attribution, MetricsResult>): void {
  const { first, end } = dataBounds(input);
  for (const model of MODELS) {
    const sql = byModel[model];
    assert.ok(sql !== undefined, `no result for ${model}`);
    const options: MetricOptions = {
      from: c.options.from ?? first,
      to: c.options.to ?? end,
      horizon: c.options.horizon!,
      margin: c.options.margin!,
      attribution: model,
      cohortGrain: c.options.cohortGrain!,
    };
    const naive = naiveDetails(input, options, c.filter);
    try {
      assertSameTables(sql.tables, naive.tables);
      const s = sql.sessions;
      const n = naive.sessionStats;
      assert.equal(s.valid, n.sessions, "valid sessions");
      assert.equal(s.invalid, n.invalid, "invalid sessions");
      near(s.meanS, n.mean_s, "session mean");
      near(s.medianS, n.median_s, "session median");
      near(s.modeS, n.mode_s, "session mode");
      near(s.p90S, n.p90_s, "session p90");
      assert.deepEqual(
        s.histogram.map((b) => [b.toS === null ? `${b.fromS}+` : String(b.fromS), b.sessions]),
        n.histogram.map((b) => [b.bin, b.sessions]),
        "session histogram",
      );
      const lag = sql.conversion.lag;
      assert.equal(lag.buyers, naive.conversionLag.included.length, "lag buyers");
      assert.equal(
        lag.excludedNoSession,
        naive.conversionLag.excluded_no_session,
        "lag excluded, no session",
      );
      assert.equal(
        lag.excludedOrderFirst,
        naive.conversionLag.excluded_order_first,
        "lag excluded, order first",
      );
      near(lag.meanDays, naive.conversionLag.mean_days, "lag mean days");
      near(lag.medianMinutes, naive.conversionLag.median_min, "lag median minutes");
      near(lag.medianDays, naive.conversionLag.median_days, "lag median days");
      assertSameSourceNumbers(sql.sourceNumbers, naive.sourceNumbers, "sources in numbers");
      near(sql.activity.dau.meanAllPeriods, naive.allPeriodsMean.dau, "DAU over all periods");
      near(sql.activity.mau.meanAllPeriods, naive.allPeriodsMean.mau, "MAU over all periods");
      assert.deepEqual(
        { from: sql.window.from, to: sql.window.to, clamped: sql.window.clamped },
        naive.window,
        "effective window",
      );
      assert.deepEqual(sql.data.excluded, naive.outOfWindow, "rows outside the window");
      assert.equal(sql.marketing.withheld !== null, c.filter.devices.length > 0, "spend withheld");
      const averages = sql.retention.meanByLifetime;
      assert.equal(averages.length, naive.retentionAverages.length, "retention averages");
      naive.retentionAverages.forEach((a, i) => {
        assert.equal(averages[i]!.lifetime, a.lifetime);
        assert.equal(averages[i]!.cohorts, a.cohorts, `retention average cohorts at ${a.lifetime}`);
        near(averages[i]!.retention, a.retention, `retention average at ${a.lifetime}`);
      });
      assert.deepEqual(
        sql.orders.aovByMonth.map((m) => [m.month, m.orders]),
        naive.aovByMonth.map((m) => [m.month, m.orders]),
        "orders per month",
      );
      for (const [i, m] of naive.aovByMonth.entries())
        near(sql.orders.aovByMonth[i]!.aov, m.aov, `AOV ${m.month}`);
      // As sets: the SQL lists sources in natural id order, the naive in code-point order.
      assert.deepEqual(
        sql.marketing.sources
          .filter((f) => f.tooFewBuyers)
          .map((f) => f.source)
          .sort(),
        [...naive.tooFewBuyers].sort(),
        "too_few_buyers",
      );
    } catch (error) {
      const what = error instanceof Error ? error.message : String(error);
      throw new Error(
        `case seed ${c.seed} (rerun: FILTER_CASE=${c.seed}), ${model}, options ${JSON.stringify(c.options)}, ` +
          `filter ${JSON.stringify(c.filter)}, effective window ${JSON.stringify(naive.window)}:\n${what}`,
      );
    }
  }
}

const only = process.env.FILTER_CASE === undefined ? undefined : Number(process.env.FILTER_CASE);
const soak = Math.max(1, Math.floor(Number(process.env.FILTER_SOAK ?? 1)) || 1);

for (const kind of ENGINES)
  describe(`cube slices = naive reference on the whole data, random filters (${kind.name})`, () => {
    for (const sample of SAMPLES) {
      const seeds = Array.from({ length: sample.cases * soak }, (_, i) => sample.seed * 1000 + i);
      if (only !== undefined && !seeds.includes(only)) continue;
      describe(`sample seed ${sample.seed}, ${sample.users} users`, async () => {
        const { engine: generated } = await ingestedSample(sample.users, sample.seed);
        const input = perturb(await canonicalRecords(generated), sample.seed);
        const engine = await kind.open();
        await loadRecordsOn(engine, input);
        const cube = await buildCube(engine);

        it("the data exercises the awkward paths", () => {
          assert.ok(
            input.visits.some((v) => v.end_ts < v.start_ts),
            "invalid-length sessions",
          );
          assert.ok(new Set(input.visits.map((v) => v.source_id)).size >= 6, "several sources");
        });

        for (const seed of seeds) {
          if (only !== undefined && seed !== only) continue;
          const c = randomCase(seed, input);
          it(`case ${seed}: ${JSON.stringify(c.options)} ${JSON.stringify(c.filter)}`, async () => {
            const byModel = await sliceCube(cube, c.options, c.filter);
            compareSlice(input, c, byModel);
          });
        }

        it("drops the cube", async () => {
          await dropCube(cube);
        });
      });
    }
  });

/**
 * The listing rules of decisions.md ("Shapes and edge cases") on a minimal slice, worked out by hand:
 * the random slices above disagreed on exactly these rows.
 *
 *   a  2018-01-10 10:00 src 1 desktop (a's first session)  · order 2018-01-10 11:00 10.00
 *   a  2018-02-10 10:00 src 7 touch   (a later session: src 7 and touch are never a first session)
 *   b  2018-03-20 10:00 src 1 desktop (the last visit: window [2018-01-10, 2018-03-21))
 *   costs: src 1 2018-01-15 5.00 · src 2 2018-02-15 3.00 (costs only)
 */
for (const kind of ENGINES)
  describe(`cube on a minimal slice: which rows cac_by_cohort, by_source and by_device list (${kind.name})`, async () => {
    const visit = (user_id: string, start_ts: string, source_id: string, device: string): VisitRecord => ({
      user_id,
      device,
      source_id,
      start_ts,
      end_ts: start_ts.replace(/:00$/, ":30"),
    });
    const input: NaiveInput = {
      visits: [
        visit("a", "2018-01-10 10:00:00", "1", "desktop"),
        visit("a", "2018-02-10 10:00:00", "7", "touch"),
        visit("b", "2018-03-20 10:00:00", "1", "desktop"),
      ],
      orders: [{ user_id: "a", ts: "2018-01-10 11:00:00", revenue: "10.00" }],
      costs: [
        { source_id: "1", date: "2018-01-15", costs: "5.00" },
        { source_id: "2", date: "2018-02-15", costs: "3.00" },
      ],
    };
    const engine = await kind.open();
    await loadRecordsOn(engine, input);
    const cube = await buildCube(engine);
    const options: MetricOptions = {
      from: "2018-01-10",
      to: "2018-03-21",
      horizon: 1,
      margin: 1,
      attribution: "first-touch",
      cohortGrain: "month",
    };
    const slice = async (filter: NaiveFilter) =>
      (await sliceCube(cube, { horizon: 1, attribution: "first-touch" }, filter))["first-touch"].tables;

    // decisions.md: "cac_by_cohort lists every month with spend or new buyers". March has neither.
    const cacAll = [
      { cohort: "2018-01", costs: 5, new_buyers: 1, cac: 5 }, // a
      { cohort: "2018-02", costs: 3, new_buyers: 0, cac: "infinite" as const }, // src 2's spend
    ];
    // With sources ["1"], src 2's February spend is not the slice's: February has neither either.
    const cacSource1 = [cacAll[0]!];
    // decisions.md: "by_source / by_device list every key seen in window visits or costs": src 7 and
    // touch are seen in a's February visit (users 0 by acquisition, no buyer, no spend). Under a source
    // or device filter "the keys seen are those of the chosen sources and devices": with sources ["1"]
    // a's src-7 touch visit lists neither.
    const src7 = {
      source: "7",
      users: 0,
      buyers: 0,
      conversion_rate: null,
      costs: 0,
      cac: "no_spend" as const,
      ltv_h: null,
      romi_h: null,
      payback_lifetime: null,
    };
    const touch = { device: "touch", users: 0, buyers: 0, conversion_rate: null, ltv_h: null };

    // a and b acquired through 1, a buys 10 in lifetime 0. H = 1: every month is mature. ltv_h 10 / 1;
    // romi_h 10 / 5 (src 1's spend); ROMI_1(0) = 2 ≥ 1 → payback 0.
    const src1 = {
      source: "1",
      users: 2,
      buyers: 1,
      conversion_rate: 0.5,
      costs: 5,
      cac: 5,
      ltv_h: 10,
      romi_h: 2,
      payback_lifetime: 0,
    };
    // Costs only: spend without buyers → infinite; romi_h 0 / 3 = 0; never pays back.
    const src2 = {
      source: "2",
      users: 0,
      buyers: 0,
      conversion_rate: null,
      costs: 3,
      cac: "infinite" as const,
      ltv_h: null,
      romi_h: 0,
      payback_lifetime: null,
    };
    const desktop = { device: "desktop", users: 2, buyers: 1, conversion_rate: 0.5, ltv_h: 10 };
    const cases = [
      {
        name: "no filter: no March row in cac_by_cohort; src 7 and touch rows",
        filter: { sources: [], devices: [] },
        expected: {
          cac_by_cohort: { rows: cacAll, complete: true },
          by_source: { rows: [src1, src2, src7], complete: true },
          by_device: { rows: [desktop, touch], complete: true },
        },
      },
      {
        name: 'sources ["1"]: no February or March row in cac_by_cohort; no src 7 or touch row',
        filter: { sources: ["1"], devices: [] },
        expected: {
          cac_by_cohort: { rows: cacSource1, complete: true },
          by_source: { rows: [src1], complete: true },
          by_device: { rows: [desktop], complete: true },
        },
      },
    ];
    for (const c of cases) {
      it(`naive (the oracle), ${c.name}`, () => {
        assertTablesMatch(naiveDetails(input, options, c.filter).tables, c.expected);
      });
      for (const table of ["cac_by_cohort", "by_source", "by_device"] as const) {
        it(`cube, ${c.name}: ${table}`, async () => {
          assertTablesMatch(await slice(c.filter), { [table]: c.expected[table] });
        });
      }
    }

    it("drops the cube", async () => {
      await dropCube(cube);
    });
  });
