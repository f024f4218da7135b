import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Attribution,
  type CohortGrain,
  type CostRecord,
  type MetricOptions,
  type OrderRecord,
  SUMMARY_METRICS,
  type Tables,
  type VisitRecord,
} from "../src/metrics/tables.ts";
import { assertTablesMatch, closeEnough, sortRows } from "./fixtures/compare-tables.ts";
import {
  expectedFor,
  expectedLagStats,
  expectedOutOfWindow,
  expectedSessionStats,
  expectedSourceNumbers,
  handMadeInput,
  handMadeOptions,
  P4,
  P5,
} from "./fixtures/hand-made.ts";
import { mulberry32 } from "./helpers/prng.ts";
import { assertSameSourceNumbers } from "./helpers/source-numbers.ts";
import { naiveConversionLag, naiveDetails, naiveSessionStats, naiveTables } from "./naive/index.ts";
import { parseMoney } from "./naive/numbers.ts";

const MODELS: Attribution[] = ["first-touch", "last-touch", "linear"];

function summaryValue(tables: Tables, metric: string): number | string | null | undefined {
  return tables.summary.find((r) => r.metric === metric)?.value;
}

describe("naive reference on the hand-made fixture", () => {
  for (const model of MODELS) {
    test(`every expected table, ${model}`, () => {
      const { options, tables } = expectedFor(model);
      assertTablesMatch(naiveTables(handMadeInput, options), tables);
    });
  }

  test("weekly acquisition cohorts", () => {
    const { options, tables } = expectedFor("first-touch", "week");
    assert.ok(tables.retention);
    assertTablesMatch(naiveTables(handMadeInput, options), { retention: tables.retention });
  });

  test("summary rows follow SUMMARY_METRICS", () => {
    const t = naiveTables(handMadeInput, handMadeOptions());
    assert.deepEqual(
      t.summary.map((r) => r.metric),
      [...SUMMARY_METRICS],
    );
  });

  test("daily series covers every day of the window", () => {
    const days = naiveTables(handMadeInput, handMadeOptions()).activity_daily;
    assert.equal(days.length, 31 + 28 + 14);
    assert.equal(days[0]?.period, "2018-01-01");
    assert.equal(days.at(-1)?.period, "2018-03-14");
    assert.equal(
      days.reduce((n, d) => n + d.sessions, 0),
      21,
    );
  });

  test("money is summed exactly", () => {
    const t = naiveTables(handMadeInput, handMadeOptions());
    assert.equal(summaryValue(t, "revenue"), 147.99);
    assert.equal(summaryValue(t, "costs"), 87.8);
    assert.equal(t.costs_by_source_month.find((r) => r.source === "2" && r.month === "2018-01")?.costs, 8.3);
    assert.notEqual(8.1 + 0.2, 8.3); // what naive float summing would give
    assert.equal(parseMoney("0.1") + parseMoney("0.2"), parseMoney("0.3"));
  });

  test("20-digit ids stay distinct", () => {
    assert.equal(Number(P4), Number(P5)); // why they must never be numbers
    const t = naiveTables(handMadeInput, handMadeOptions());
    assert.equal(summaryValue(t, "users"), 11);
    assert.equal(summaryValue(t, "buyers"), 8);
  });

  test("session statistics", () => {
    const s = naiveSessionStats(handMadeInput, handMadeOptions());
    assert.ok(closeEnough(s.mean_s!, expectedSessionStats.mean_s));
    assert.equal(s.median_s, expectedSessionStats.median_s);
    assert.equal(s.mode_s, expectedSessionStats.mode_s);
    assert.equal(s.p90_s, expectedSessionStats.p90_s);
    const nonEmpty = Object.fromEntries(
      s.histogram.filter((b) => b.sessions > 0).map((b) => [b.bin, b.sessions]),
    );
    assert.deepEqual(nonEmpty, expectedSessionStats.histogram);
    assert.equal(s.histogram.length, 61);
  });

  test("conversion lag exclusions", () => {
    const lag = naiveConversionLag(handMadeInput, handMadeOptions());
    assert.equal(lag.included.length, expectedLagStats.included);
    assert.equal(lag.excluded_no_session, expectedLagStats.excluded_no_session);
    assert.equal(lag.excluded_order_first, expectedLagStats.excluded_order_first);
    assert.ok(closeEnough(lag.mean_days!, expectedLagStats.mean_days));
    assert.equal(lag.median_min, expectedLagStats.median_min);
  });

  test("sources in numbers: orders, revenue and lag mean / median per acquisition source", () => {
    const d = naiveDetails(handMadeInput, handMadeOptions());
    assertSameSourceNumbers(d.sourceNumbers, expectedSourceNumbers, "naive");
  });

  test("details: window filter, all-period means, retention averages", () => {
    const d = naiveDetails(handMadeInput, handMadeOptions());
    assert.deepEqual(d.outOfWindow, expectedOutOfWindow);
    assert.ok(closeEnough(d.allPeriodsMean.dau!, 20 / 73));
    assert.ok(closeEnough(d.allPeriodsMean.wau!, 18 / 11)); // the partial week too
    assert.ok(closeEnough(d.allPeriodsMean.mau!, 16 / 3));
    // lifetime 1: Jan 1/5 and Feb 1/4 observed (Mar not) → 2 cohorts
    const k1 = d.retentionAverages.find((a) => a.lifetime === 1);
    assert.equal(k1?.cohorts, 2);
    assert.ok(closeEnough(k1!.retention!, (1 / 5 + 1 / 4) / 2));
    assert.deepEqual(d.tooFewBuyers, ["1", "2", "3", "4", "unattributed"]);
  });

  test("margin scales LTV, ROMI and ltv_h", () => {
    const base = naiveTables(handMadeInput, handMadeOptions());
    const half = naiveTables(handMadeInput, { ...handMadeOptions(), margin: 0.5 });
    assert.ok(
      closeEnough(summaryValue(half, "ltv_h") as number, (summaryValue(base, "ltv_h") as number) / 2),
    );
    assert.ok(closeEnough(summaryValue(half, "romi_h") as number, 67.5 / 70.3 / 2));
    assert.equal(half.ltv.find((r) => r.cohort === "2018-01" && r.lifetime === 1)?.ltv, 38 / 3 / 2);
    assert.equal(summaryValue(half, "revenue"), 147.99); // revenue itself is not margined
  });

  test("input order does not matter", () => {
    const shuffled = {
      visits: [...handMadeInput.visits].reverse(),
      orders: [...handMadeInput.orders].reverse(),
      costs: [...handMadeInput.costs].reverse(),
    };
    for (const model of MODELS) {
      const a = naiveTables(handMadeInput, handMadeOptions(model));
      const b = naiveTables(shuffled, handMadeOptions(model));
      assert.deepEqual(b, a);
    }
  });
});

/* ---------------------------------- properties on random inputs --------------------------------- */

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** A wall-clock timestamp `minutes` after 2018-01-01 00:00 (may fall outside the window on purpose). */
function tsAfter(minutes: number): string {
  const d = new Date(Date.UTC(2018, 0, 1) + minutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
}

function randomInput(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const users = [
    "18446744073709551615",
    "18446744073709551614",
    "007",
    "7",
    "u1",
    "u2",
    "u3",
    "u4",
    "u5",
    "u6",
  ];
  const sources = ["1", "2", "3", "10"];
  const devices = ["desktop", "touch"];
  const span = 110 * 24 * 60; // ~3.6 months of minutes, a little past the window
  const visits: VisitRecord[] = [];
  const orders: OrderRecord[] = [];
  const costs: CostRecord[] = [];
  for (let i = 0; i < 60; i++) {
    const start = Math.floor(rnd() * span) - 3 * 24 * 60;
    const length = pick([0, 1, 1, 2, 5, 30, 90]);
    // Coarse starts (whole hours) so same-start ties across sources happen.
    const s = Math.floor(start / 60) * 60;
    visits.push({
      user_id: pick(users),
      device: pick(devices),
      source_id: pick(sources),
      start_ts: tsAfter(s),
      end_ts: tsAfter(s + length),
    });
  }
  for (let i = 0; i < 25; i++) {
    const cents = Math.floor(rnd() * 5000);
    orders.push({
      user_id: pick([...users, "buyer-only"]),
      ts: tsAfter(Math.floor((rnd() * span) / 60) * 60),
      revenue: `${Math.floor(cents / 100)}.${pad(cents % 100)}`,
    });
  }
  for (let i = 0; i < 30; i++) {
    const cents = Math.floor(rnd() * 3000);
    costs.push({
      source_id: pick([...sources, "99"]),
      date: tsAfter(Math.floor(rnd() * span)).slice(0, 10),
      costs: `${Math.floor(cents / 100)}.${pad(cents % 100)}`,
    });
  }
  return { visits, orders, costs };
}

describe("naive reference properties on random inputs", () => {
  const grains: CohortGrain[] = ["month", "week"];
  for (let seed = 1; seed <= 40; seed++) {
    const model = MODELS[seed % 3]!;
    const grain = grains[seed % 2]!;
    test(`seed ${seed} (${model}, ${grain})`, () => {
      const input = randomInput(seed);
      const options: MetricOptions = {
        from: "2018-01-01",
        to: seed % 4 === 0 ? "2018-04-01" : "2018-03-20",
        horizon: 1 + (seed % 3),
        margin: 1,
        attribution: model,
        cohortGrain: grain,
      };
      const t = naiveTables(input, options);
      const buyers = summaryValue(t, "buyers") as number;

      // attribution weights of each buyer sum to 1
      const bySource = t.by_source.reduce((n, r) => n + r.buyers, 0);
      const byDevice = t.by_device.reduce((n, r) => n + r.buyers, 0);
      assert.ok(closeEnough(bySource, buyers), `by_source buyers ${bySource} vs ${buyers}`);
      assert.ok(closeEnough(byDevice, buyers), `by_device buyers ${byDevice} vs ${buyers}`);

      // retention at k = 0 is 1; unobserved cells are null, never 0
      for (const r of t.retention) {
        if (r.lifetime === 0) assert.equal(r.retention, 1);
        if (r.retention === null) assert.equal(r.users, null);
      }

      // LTV non-decreasing in lifetime (observed cells)
      const ltv = sortRows("ltv", t.ltv);
      for (let i = 1; i < ltv.length; i++) {
        const prev = ltv[i - 1]!;
        const cur = ltv[i]!;
        if (prev.cohort !== cur.cohort || prev.ltv === null || cur.ltv === null) continue;
        assert.ok(cur.ltv >= prev.ltv, `LTV ${cur.cohort} decreases at ${cur.lifetime}`);
      }

      // conversion lag: included + excluded = buyers; shares sum to 1 per key
      const lag = naiveConversionLag(input, options);
      const all = t.conversion_lag.filter((r) => r.dimension === "all").reduce((n, r) => n + r.buyers, 0);
      assert.equal(all + lag.excluded_no_session + lag.excluded_order_first, buyers);
      const shares = new Map<string, number>();
      for (const r of t.conversion_lag) {
        const key = `${r.dimension}/${r.key}`;
        shares.set(key, (shares.get(key) ?? 0) + r.share);
      }
      for (const [key, s] of shares) assert.ok(closeEnough(s, 1), `${key} shares sum to ${s}`);

      // orders and revenue by cohort add up to the window's orders of the new buyers (first order
      // of the whole input in the window; the window may be clamped to the visits); the summary's
      // orders and revenue are every order in the window. Sessions by day add up too.
      const { window } = naiveDetails(input, options);
      const inWindow = (ts: string) => ts.slice(0, 10) >= window.from && ts.slice(0, 10) < window.to;
      const firstOrder = new Map<string, string>();
      for (const o of input.orders) {
        const prev = firstOrder.get(o.user_id);
        if (prev === undefined || o.ts < prev) firstOrder.set(o.user_id, o.ts);
      }
      const ofNewBuyers = input.orders.filter((o) => inWindow(o.ts) && inWindow(firstOrder.get(o.user_id)!));
      assert.equal(
        t.orders_by_cohort.reduce((n, r) => n + r.orders, 0),
        ofNewBuyers.length,
      );
      const revenue = t.orders_by_cohort.reduce((n, r) => n + r.revenue, 0);
      const newBuyerRevenue = ofNewBuyers.reduce((n, o) => n + Number(o.revenue), 0);
      assert.ok(closeEnough(revenue, newBuyerRevenue, 1e-9));
      assert.equal(summaryValue(t, "orders"), input.orders.filter((o) => inWindow(o.ts)).length);
      assert.equal(
        t.activity_daily.reduce((n, r) => n + r.sessions, 0),
        summaryValue(t, "sessions"),
      );
      const spend = t.costs_by_source_month.reduce((n, r) => n + r.costs, 0);
      assert.ok(closeEnough(spend, summaryValue(t, "costs") as number));

      // one summary row per metric, in order
      assert.deepEqual(
        t.summary.map((r) => r.metric),
        [...SUMMARY_METRICS],
      );
    });
  }
});
