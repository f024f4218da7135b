/**
 * The SQL metric engine on a dataset small enough to work out by hand. Window 2018-01-03 .. 2018-03-05
 * (Wednesday to Monday): January and March are partial months, the week of 2018-01-01 a partial week.
 * Every expected number below is derived in the comments from the rows here.
 *
 * Meaning of the window (docs/decisions.md, "Window and filters"): acquisition comes from the whole
 * history; the window is clamped to the visits' days. The visits run from 2017-12-31 to 2018-03-04, so
 * the window above ends the day after the last visit and is not clamped (7's visit on the last day
 * keeps it so: the spend and buyer 4's order of 03-03 stay inside). Users A, A2, 3, 5, 6 are acquired
 * in the window; 7 was acquired on 2017-12-31, before it, so 7 counts in activity only.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import type { Engine } from "../src/engine/engine.ts";
import { CANONICAL_DDL } from "../src/ingest/canonical.ts";
import { buildCube, dropCube, sliceCube } from "../src/metrics/cube.ts";
import { type BySourceRow, computeMetrics, type MetricsResult } from "../src/metrics/index.ts";

const A = "18446744073709551614"; // 2^64 - 2 and 2^64 - 1: equal as doubles, two users here
const A2 = "18446744073709551615";
// user, device, source, start, end
const VISITS: [string, string, string, string, string][] = [
  [A, "desktop", "1", "2018-01-03 10:00:00", "2018-01-03 10:05:00"], // 300 s
  [A, "desktop", "2", "2018-01-03 12:00:00", "2018-01-03 12:01:00"], // 60
  [A, "touch", "2", "2018-02-10 09:00:00", "2018-02-10 09:10:00"], // 600
  [A2, "touch", "1", "2018-01-03 10:00:00", "2018-01-03 10:02:00"], // 120
  [A2, "touch", "1", "2018-02-26 20:00:00", "2018-02-26 21:10:00"], // 4200
  ["3", "desktop", "3", "2018-01-20 15:00:00", "2018-01-20 15:00:00"], // 0
  ["3", "desktop", "3", "2018-02-01 15:00:00", "2018-02-01 14:59:00"], // invalid: ends before start
  ["3", "desktop", "1", "2018-03-01 10:00:00", "2018-03-01 10:03:00"], // 180
  ["5", "touch", "2", "2018-01-12 11:00:00", "2018-01-12 11:01:00"], // 60
  ["5", "touch", "2", "2018-01-12 11:30:00", "2018-01-12 11:32:00"], // 120
  ["6", "desktop", "2", "2018-02-05 08:00:00", "2018-02-05 08:30:00"], // 1800
  ["6", "touch", "10", "2018-02-05 08:00:00", "2018-02-05 08:01:00"], // 60; same start: "10" < "2" is first
  ["6", "desktop", "2", "2018-02-20 08:00:00", "2018-02-20 08:00:00"], // 0
  ["7", "touch", "1", "2017-12-31 23:00:00", "2017-12-31 23:05:00"], // outside the window: 7's acquisition
  ["7", "touch", "1", "2018-03-04 18:00:00", "2018-03-04 18:02:00"], // 120; the last visit day
];
const ORDERS: [string, string, string][] = [
  [A, "2018-01-05 08:00:00", "10.00"],
  [A, "2018-02-12 10:00:00", "5.50"],
  [A, "2018-03-05 00:01:00", "12.00"], // outside the window
  ["3", "2018-01-20 15:30:00", "20.00"],
  ["3", "2018-03-02 12:00:00", "4.00"],
  ["4", "2018-02-15 10:00:00", "7.00"], // buyer without any session
  ["4", "2018-03-03 10:00:00", "100.00"],
  ["5", "2018-01-10 09:00:00", "3.00"], // first order before the first session
];
const COSTS: [string, string, string][] = [
  ["1", "2018-01-04", "100.00"],
  ["1", "2018-02-02", "50.00"],
  ["1", "2018-03-03", "9.00"], // March: spend, no new buyers -> infinite CAC
  ["1", "2018-03-05", "999.00"], // outside the window
  ["2", "2018-01-15", "30.00"],
  ["3", "2018-01-25", "10.00"],
  ["4", "2018-02-10", "20.00"], // a source with spend and no visits
];

/** Fills the canonical tables of a fresh in-memory engine, values bound as parameters. */
async function loadCanonical(
  engine: Engine,
  visits: string[][],
  orders: string[][],
  costs: string[][],
): Promise<void> {
  for (const ddl of Object.values(CANONICAL_DDL)) await engine.run(ddl);
  for (const [table, rows] of [
    ["visits", visits],
    ["orders", orders],
    ["costs", costs],
  ] as const) {
    for (const row of rows) {
      const params = Object.fromEntries(row.map((v, i) => [`p${i}`, v]));
      await engine.run(`INSERT INTO ${table} VALUES (${row.map((_, i) => `$p${i}`).join(", ")})`, params);
    }
  }
}

const near = (actual: unknown, expected: number, what = "value"): void => {
  assert.equal(typeof actual, "number", `${what}: ${String(actual)} is not a number`);
  assert.ok(
    Math.abs((actual as number) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} != ${expected}`,
  );
};

const WINDOW = { from: "2018-01-03", to: "2018-03-05", horizon: 2 };

describe("computeMetrics on a hand-made dataset (first-touch, month cohorts, H = 2)", () => {
  let engine: DuckDbEngine;
  let r: MetricsResult;
  let summary: Map<string, unknown>;
  before(async () => {
    engine = await DuckDbEngine.open();
    await loadCanonical(engine, VISITS, ORDERS, COSTS);
    r = await computeMetrics(engine, WINDOW);
    summary = new Map(r.tables.summary.map((row) => [row.metric, row.value]));
  });
  after(() => engine.close());

  it("counts what is inside the window, keeping 20-digit ids apart", () => {
    // The window ends the day after the last visit (03-04): nothing to clamp.
    assert.deepEqual(r.window, {
      from: "2018-01-03",
      to: "2018-03-05",
      requested: { from: "2018-01-03", to: "2018-03-05" },
      clamped: false,
    });
    // new users A, A2, 3, 5, 6 (the pair differs only in the last digit; 7 was acquired in 2017);
    // 14 sessions: A 3, A2 2, 3 3, 5 2, 6 3 and 7's return on 03-04; new buyers A, 3, 4, 5 (every first
    // order is in the window); 7 orders: all but A's of 03-05 00:01
    assert.deepEqual([r.data.users, r.data.sessions, r.data.buyers, r.data.orders], [5, 14, 4, 7]);
    near(r.data.revenue, 149.5, "revenue"); // 10 + 5.5 + 20 + 4 + 7 + 100 + 3
    near(r.data.costs, 219, "costs"); // 159 + 30 + 10 + 20
    assert.deepEqual(r.data.excluded, { visits: 1, orders: 1, costs: 1 });
    assert.equal(r.data.numericUserKeys, true);
  });

  it("builds activity series with partial weeks and months", () => {
    assert.equal(r.tables.activity_daily.length, 61);
    assert.deepEqual(r.tables.activity_daily[0], {
      period: "2018-01-03",
      users: 2,
      sessions: 3,
      partial: false,
    });
    const weeks = r.tables.activity_weekly;
    assert.deepEqual(
      weeks.map((w) => [w.period, w.users, w.sessions, w.partial]),
      [
        ["2018-01-01", 2, 3, true], // starts before from
        ["2018-01-08", 1, 2, false],
        ["2018-01-15", 1, 1, false],
        ["2018-01-22", 0, 0, false],
        ["2018-01-29", 1, 1, false],
        ["2018-02-05", 2, 3, false],
        ["2018-02-12", 0, 0, false],
        ["2018-02-19", 1, 1, false],
        // A2 on 02-26, 3 on 03-01, 7 (acquired before the window: activity counts it) on 03-04; the
        // week ends on Sunday 03-04, the last day: complete
        ["2018-02-26", 3, 3, false],
      ],
    );
    assert.deepEqual(r.tables.activity_monthly, [
      { period: "2018-01", users: 4, sessions: 6, partial: true }, // A, A2, 5, 3
      { period: "2018-02", users: 4, sessions: 6, partial: false }, // A, 3 (invalid session), 6, A2
      { period: "2018-03", users: 2, sessions: 2, partial: true }, // 3 and 7
    ]);
    // user-days: 01-03 two, then one on 01-12, 01-20, 02-01, 02-05, 02-10, 02-20, 02-26, 03-01, 03-04
    near(r.activity.dau.mean, 11 / 61, "DAU"); // 11 user-days over 61 days
    near(r.activity.wau.mean, 9 / 8, "WAU"); // 1 + 1 + 0 + 1 + 2 + 0 + 1 + 3 over the 8 complete weeks
    near(r.activity.wau.meanAllPeriods, 11 / 9, "WAU all");
    near(r.activity.mau.mean, 4, "MAU"); // February only
    near(r.activity.mau.meanAllPeriods, 10 / 3, "MAU all"); // (4 + 4 + 2) / 3
    near(summary.get("sticky_mau"), 11 / 61 / 4, "sticky MAU");
    // 10 active days: 01-03 3 sessions / 2 users, 01-12 and 02-05 2 / 1, the other seven 1 / 1
    near(summary.get("sessions_per_user_day"), 12.5 / 10, "sessions per user day");
  });

  it("summarises session lengths without the invalid session", () => {
    // valid: 0 0 60 60 60 120 120 120 180 300 600 1800 4200 (7's return is the third 120)
    assert.deepEqual([r.sessions.valid, r.sessions.invalid], [13, 1]);
    near(r.sessions.meanS, 7620 / 13, "mean"); // 180 + 360 + 180 + 300 + 600 + 1800 + 4200 = 7620
    near(r.sessions.medianS, 120, "median"); // the 7th of 13
    near(r.sessions.p90S, 1560, "p90"); // position 0.9 * 12 = 10.8: 600 + 0.8 * 1200
    assert.equal(r.sessions.modeS, 60); // 60 and 120 three times each: the tie goes to the shortest
    const bins = r.sessions.histogram.filter((b) => b.sessions > 0).map((b) => [b.fromS, b.toS, b.sessions]);
    assert.deepEqual(bins, [
      [0, 60, 2],
      [60, 120, 3],
      [120, 180, 3],
      [180, 240, 1],
      [300, 360, 1],
      [600, 660, 1],
      [1800, 1860, 1],
      [3600, null, 1],
    ]);
    assert.equal(r.sessions.histogram.length, 61);
  });

  it("computes month retention with an unobserved cell", () => {
    // cohorts are the users acquired in the window: 7 (acquired 2017-12) is in none, its March visit
    // in no cell
    const cells = r.tables.retention.map((c) => [c.cohort, c.lifetime, c.cohort_size, c.users, c.retention]);
    assert.deepEqual(cells, [
      ["2018-01", 0, 4, 4, 1],
      ["2018-01", 1, 4, 3, 0.75], // A, A2, 3 in February
      ["2018-01", 2, 4, 1, 0.25], // 3 in March
      ["2018-02", 0, 1, 1, 1],
      ["2018-02", 1, 1, 0, 0], // observed, nobody came back
      ["2018-02", 2, 1, null, null], // April: after the window
    ]);
    assert.deepEqual(r.retention.meanByLifetime[2], { lifetime: 2, retention: 0.25, cohorts: 1 });
  });

  it("measures conversion lag, excluding a buyer without session and one who ordered first", () => {
    // A: 01-03 10:00 -> 01-05 08:00 = 165600 s (1d); 3: 30 min (0d)
    assert.deepEqual(
      [r.conversion.lag.buyers, r.conversion.lag.excludedNoSession, r.conversion.lag.excludedOrderFirst],
      [2, 1, 1],
    );
    near(r.conversion.lag.meanDays, 83_700 / 86_400, "lag mean days");
    near(r.conversion.lag.medianMinutes, 1395, "lag median minutes");
    const row = (dim: string, key: string, bucket: string) =>
      r.tables.conversion_lag.find((x) => x.dimension === dim && x.key === key && x.bucket === bucket);
    assert.deepEqual(row("all", "all", "0d"), {
      dimension: "all",
      key: "all",
      bucket: "0d",
      buyers: 1,
      share: 0.5,
    });
    assert.equal(row("source", "1", "1d")?.share, 1);
    assert.equal(row("device", "desktop", "31+d")?.buyers, 0);
    assert.equal(row("cohort", "2018-01", "1d")?.buyers, 1);
    assert.equal(r.tables.conversion_lag.length, 5 * (1 + 2 + 1 + 1)); // all; sources 1, 3; desktop; 2018-01
    near(r.conversion.rate, 3 / 5, "conversion rate"); // A, 3, 5 of five users
    assert.deepEqual(r.conversion.byCohort, [
      { cohort: "2018-01", users: 4, buyers: 3, conversionRate: 0.75 },
      { cohort: "2018-02", users: 1, buyers: 0, conversionRate: 0 },
    ]);
  });

  it("computes orders, AOV and LTV by buyer cohort", () => {
    assert.deepEqual(r.tables.orders_by_cohort, [
      { cohort: "2018-01", lifetime: 0, orders: 3, revenue: 33, buyers: 3, aov: 11 },
      { cohort: "2018-01", lifetime: 1, orders: 1, revenue: 5.5, buyers: 1, aov: 5.5 },
      { cohort: "2018-01", lifetime: 2, orders: 1, revenue: 4, buyers: 1, aov: 4 },
      { cohort: "2018-02", lifetime: 0, orders: 1, revenue: 7, buyers: 1, aov: 7 },
      { cohort: "2018-02", lifetime: 1, orders: 1, revenue: 100, buyers: 1, aov: 100 },
    ]);
    assert.deepEqual(
      r.orders.aovByMonth.map((m) => m.aov),
      [11, 6.25, 52],
    );
    near(r.orders.aov, 149.5 / 7, "aov");
    near(r.orders.ordersPerBuyerH, (4 / 3 + 2) / 2, "orders per buyer within 2 months");
    const ltv = r.tables.ltv.map((c) => [c.cohort, c.lifetime, c.revenue, c.ltv]);
    assert.deepEqual(ltv.slice(3), [
      ["2018-02", 0, 7, 7],
      ["2018-02", 1, 107, 107],
      ["2018-02", 2, null, null],
    ]);
    near(r.tables.ltv[2]?.ltv, 42.5 / 3, "LTV(2018-01, 2)");
    near(r.ltv.ltvH, 145.5 / 4, "ltv_h"); // (38.5 + 107) / 4 buyers
    near(r.ltv.ltvHCohortMean, (38.5 / 3 + 107) / 2, "ltv_h_cohort_mean");
  });

  it("computes CAC, ROMI and payback by cohort", () => {
    assert.deepEqual(
      r.tables.cac_by_cohort.map((c) => [c.cohort, c.costs, c.new_buyers]),
      [
        ["2018-01", 140, 3],
        ["2018-02", 70, 1],
        ["2018-03", 9, 0],
      ],
    );
    near(r.tables.cac_by_cohort[0]?.cac, 140 / 3, "CAC January");
    assert.equal(r.tables.cac_by_cohort[2]?.cac, "infinite");
    near(r.tables.romi_by_cohort[4]?.romi, 107 / 70, "ROMI(2018-02, 1)");
    assert.equal(r.tables.romi_by_cohort[5]?.romi, null);
    assert.deepEqual(r.tables.payback_by_cohort, [
      { cohort: "2018-01", payback_lifetime: null }, // best 42.5 / 140
      { cohort: "2018-02", payback_lifetime: 1 },
    ]);
    near(summary.get("cac"), 219 / 4, "headline CAC");
    near(summary.get("romi_h"), 145.5 / 210, "romi_h"); // spend of January and February
  });

  it("reports sources by acquisition and by first-touch attribution", () => {
    // source, users, buyers, conversion, costs, cac, ltv_h, romi_h, payback. Users are new users by
    // first session: source 1 has A and A2, not 7 (acquired through it, but before the window).
    const columns = (s: BySourceRow) => Object.values(s);
    assert.deepEqual(r.tables.by_source.map(columns), [
      ["1", 2, 1, 0.5, 159, 159, 15.5, 15.5 / 150, null], // romi_h: A's 15.5 / spend of Jan + Feb
      ["2", 1, 0, 1, 30, "infinite", null, 0, null], // its acquired buyer (5) is unattributed
      ["3", 1, 1, 1, 10, 10, 20, 2, 0], // pays back in lifetime 0: 20 / 10
      ["4", 0, 0, null, 20, "infinite", null, 0, null], // spend without visits
      ["10", 1, 0, 0, 0, "no_spend", null, null, null], // organic
      ["unattributed", 0, 2, null, 0, "no_spend", 55, null, null], // 4 and 5: (107 + 3) / 2
    ]);
    assert.deepEqual(
      r.tables.by_device.map((d) => [d.device, d.users, d.buyers, d.ltv_h]),
      [
        ["desktop", 2, 2, 17.75],
        ["touch", 3, 0, null],
        ["unattributed", 0, 2, 55],
      ],
    );
    near(r.tables.by_device[1]?.conversion_rate, 1 / 3, "touch conversion");
    assert.ok(r.marketing.sources.every((s) => s.tooFewBuyers));
    assert.deepEqual(r.tables.costs_by_source_month[0], { source: "1", month: "2018-01", costs: 100 });
  });

  it("writes the summary in the contract's order", () => {
    assert.equal(summary.get("attribution"), "first-touch");
    assert.equal(summary.get("horizon_months"), 2);
    near(summary.get("conversion_lag_median_min"), 1395, "summary lag");
    assert.ok(r.tables.summary.every((row) => typeof row.value !== "number" || Number.isFinite(row.value)));
  });
});

/**
 * The window selects cohorts, it never re-dates them (docs/decisions.md, "Window and filters"). Each
 * test below fails on an engine that derived acquisition, buyer cohorts or the periods from the window.
 */
describe("the window and the filters on the same hand-made dataset", () => {
  let engine: DuckDbEngine;
  let whole: MetricsResult;
  before(async () => {
    engine = await DuckDbEngine.open();
    await loadCanonical(engine, VISITS, ORDERS, COSTS);
    whole = await computeMetrics(engine, WINDOW);
  });
  after(() => engine.close());

  it("keeps a returning buyer's earlier acquisition when from is narrowed", async () => {
    const r = await computeMetrics(engine, { ...WINDOW, from: "2018-02-01" });
    // First orders: A 01-05, 5 01-10, 3 01-20 (all before 02-01), 4 02-15. Only 4 is a new buyer; A
    // (back on 02-10 through touch / source 2, ordering 02-12) and 3 (ordering 03-02) are returning.
    // First sessions in [02-01, 03-05): only 6's (02-05). An engine re-dating acquisition to the
    // window would make A and 3 new buyers of February and March and attribute them to 2 and 3.
    assert.deepEqual([r.data.users, r.data.buyers], [1, 1]);
    // Activity still counts the returning buyers: A 5.5, 4 7, 3 4, 4 100 (A's 03-05 00:01 is after)
    assert.deepEqual([r.data.orders, r.data.revenue], [4, 116.5]);
    // Spend: Feb 50 (source 1) + 20 (source 4), March 9 (source 1). February's CAC stays 70 / 1 buyer,
    // as in the whole window (cac_by_cohort[1]); it does not drop to 70 / 2.
    assert.deepEqual(
      r.tables.cac_by_cohort.map((c) => [c.cohort, c.costs, c.new_buyers, c.cac]),
      [
        ["2018-02", 70, 1, 70],
        ["2018-03", 9, 0, "infinite"],
      ],
    );
    assert.deepEqual(whole.tables.cac_by_cohort[1], { cohort: "2018-02", costs: 70, new_buyers: 1, cac: 70 });
    assert.equal(r.tables.summary.find((s) => s.metric === "cac")?.value, 79); // 79 spend / 1 new buyer
    // Nobody new is attributed to a source (4 has no session): A's 02-10 visit through source 2 does
    // not make source 2 a buyer's source, nor touch a buyer's device.
    const source = (key: string) => r.tables.by_source.find((s) => s.source === key);
    assert.deepEqual(
      ["1", "4", "10", "unattributed"].map((k) => [
        k,
        source(k)?.users,
        source(k)?.buyers,
        source(k)?.costs,
        source(k)?.cac,
      ]),
      [
        ["1", 0, 0, 59, "infinite"], // 50 + 9, no new buyer
        ["4", 0, 0, 20, "infinite"],
        ["10", 1, 0, 0, "no_spend"], // 6
        ["unattributed", 0, 1, 0, "no_spend"], // 4
      ],
    );
    assert.ok(r.tables.by_source.every((s) => s.source === "unattributed" || s.buyers === 0));
    assert.ok(r.tables.by_device.every((d) => d.device === "unattributed" || d.buyers === 0));
    // The only buyer cohort is 4's February: 7 in lifetime 0, 100 (03-03) in lifetime 1; A's and 3's
    // orders belong to January, which is not a cohort of this window.
    assert.deepEqual(
      r.tables.orders_by_cohort.map((o) => [o.cohort, o.lifetime, o.orders, o.revenue]),
      [
        ["2018-02", 0, 1, 7],
        ["2018-02", 1, 1, 100],
      ],
    );
    near(r.ltv.ltvH, 107, "ltv_h"); // February is mature (March observed): 107 / 1 buyer
    near(r.marketing.romiH, 107 / 70, "romi_h"); // over February's spend
    near(r.conversion.rate, 0, "conversion rate"); // 6 did not buy
  });

  // decisions.md ("Shapes and edge cases"): by_source / by_device list every key seen in the window's
  // visits or costs, plus unattributed — also once `from` is narrowed past the keys' new users.
  it("lists every source and device seen in the narrowed window's visits", async () => {
    const r = await computeMetrics(engine, { ...WINDOW, from: "2018-02-01" });
    // Visits in [02-01, 03-05): 3 desktop/3 (02-01, invalid), 6 desktop/2 and touch/10 (02-05),
    // A touch/2 (02-10), 6 desktop/2 (02-20), A2 touch/1 (02-26), 3 desktop/1 (03-01), 7 touch/1
    // (03-04); spend of sources 1 and 4; buyer 4 unattributed.
    assert.deepEqual(
      r.tables.by_source.map((s) => [s.source, s.users, s.buyers, s.costs, s.cac]),
      [
        ["1", 0, 0, 59, "infinite"],
        ["2", 0, 0, 0, "no_spend"],
        ["3", 0, 0, 0, "no_spend"],
        ["4", 0, 0, 20, "infinite"],
        ["10", 1, 0, 0, "no_spend"],
        ["unattributed", 0, 1, 0, "no_spend"],
      ],
    );
    assert.deepEqual(
      r.tables.by_device.map((d) => [d.device, d.users, d.buyers]),
      [
        ["desktop", 0, 0],
        ["touch", 1, 0], // 6 (its tie goes to touch / source 10)
        ["unattributed", 0, 1],
      ],
    );
  });

  it("clamps a window that reaches past the visits, and observes no invented period", async () => {
    // The last visit is 7's on 03-04, so to = 06-01 is clamped to 03-05: the same window as `whole`.
    const r = await computeMetrics(engine, { ...WINDOW, to: "2018-06-01" });
    assert.deepEqual(r.window, {
      from: "2018-01-03",
      to: "2018-03-05",
      requested: { from: "2018-01-03", to: "2018-06-01" },
      clamped: true,
    });
    assert.deepEqual([r.options.from, r.options.to], ["2018-01-03", "2018-03-05"]);
    // No April or May with 0 users: they are after the data, not observed.
    assert.deepEqual(
      r.tables.activity_monthly.map((m) => [m.period, m.users, m.partial]),
      [
        ["2018-01", 4, true],
        ["2018-02", 4, false],
        ["2018-03", 2, true],
      ],
    );
    assert.equal(r.tables.activity_daily.length, 61);
    // 11 user-days over 61 days, as unclamped; not 11 / 149 over 01-03 .. 05-31
    near(r.activity.dau.mean, 11 / 61, "DAU");
    near(r.activity.dau.mean, whole.activity.dau.mean as number, "DAU vs the data window");
    // 6's February cohort in April stays unobserved (null), not an observed 0
    const april = r.tables.retention.find((c) => c.cohort === "2018-02" && c.lifetime === 2);
    assert.deepEqual([april?.users, april?.retention], [null, null]);
    assert.deepEqual(r.tables, whole.tables);

    // from before the first visit (7's, 2017-12-31) is clamped too: the default window exactly.
    const wide = await computeMetrics(engine, { ...WINDOW, from: "2017-06-01", to: "2019-01-01" });
    const defaulted = await computeMetrics(engine, { horizon: 2 });
    assert.deepEqual(defaulted.window, {
      from: "2017-12-31",
      to: "2018-03-05",
      requested: { from: "2017-12-31", to: "2018-03-05" },
      clamped: false,
    });
    assert.deepEqual(
      [wide.window.from, wide.window.to, wide.window.clamped],
      ["2017-12-31", "2018-03-05", true],
    );
    assert.deepEqual(wide.tables, defaulted.tables);
  });

  it("withholds spend numbers under a device filter: spend has no device", async () => {
    const cube = await buildCube(engine);
    try {
      const byModel = await sliceCube(cube, WINDOW, { sources: [], devices: ["touch"] });
      for (const r of Object.values(byModel)) {
        const model = r.options.attribution;
        assert.equal(r.marketing.withheld, "spend_not_split_by_device", model);
        assert.equal(r.marketing.cac, "not_applicable", model);
        const summary = new Map(r.tables.summary.map((row) => [row.metric, row.value]));
        assert.deepEqual(
          [summary.get("cac"), summary.get("romi_h"), r.marketing.romiH],
          ["not_applicable", null, null],
        );
        // Every CAC cell: months with spend (Jan, Feb, Mar) and every source row.
        assert.deepEqual(
          r.tables.cac_by_cohort.map((c) => [c.cohort, c.cac]),
          [
            ["2018-01", "not_applicable"],
            ["2018-02", "not_applicable"],
            ["2018-03", "not_applicable"],
          ],
        );
        assert.ok(
          r.tables.by_source.length > 0 && r.tables.by_source.every((s) => s.cac === "not_applicable"),
        );
        assert.ok(
          r.marketing.cacBySourceCohort.every((c) => c.cac === "not_applicable"),
          model,
        );
        assert.ok(
          r.tables.romi_by_cohort.length > 0 && r.tables.romi_by_cohort.every((c) => c.romi === null),
        );
        assert.ok(
          r.tables.payback_by_cohort.every((c) => c.payback_lifetime === null),
          model,
        );
        assert.ok(
          r.tables.by_source.every((s) => s.romi_h === null && s.payback_lifetime === null),
          model,
        );
        assert.ok(
          r.marketing.romiBySourceLifetime.every((x) => x.romi === null),
          model,
        );
      }
      // What is not spend is still there. Touch-acquired users: A2, 5, 6 (its tie goes to touch /
      // source 10) and 7 (before the window); A (first session desktop) and 4 (no session) are out.
      // New users A2, 5, 6; sessions A2 2, 5 2, 6 3 (its desktop ones too), 7 1; new buyer 5 (3.00 on
      // 01-10, January cohort, mature: ltv_h 3 / 1).
      const r = byModel["first-touch"];
      assert.deepEqual(
        [r.data.users, r.data.sessions, r.data.buyers, r.data.orders, r.data.revenue],
        [3, 8, 1, 1, 3],
      );
      near(r.ltv.ltvH, 3, "ltv_h touch");
    } finally {
      await dropCube(cube);
    }
  });
});
