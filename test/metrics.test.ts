/**
 * The SQL metric engine on a dataset small enough to work out by hand. Window 2018-01-03 .. 2018-03-05
 * (Wednesday to Monday): January and March are partial months, the week of 2018-01-01 a partial week.
 * Every expected number below is derived in the comments from the rows here.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import type { Engine } from "../src/engine/engine.ts";
import { CANONICAL_DDL } from "../src/ingest/canonical.ts";
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
  ["7", "touch", "1", "2017-12-31 23:00:00", "2017-12-31 23:05:00"], // outside the window
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
    // users A, A2, 3, 5, 6 (the pair differs only in the last digit); 13 sessions; buyers A, 3, 4, 5
    assert.deepEqual([r.data.users, r.data.sessions, r.data.buyers, r.data.orders], [5, 13, 4, 7]);
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
        ["2018-02-26", 2, 2, false], // ends on Sunday 03-04, the last day: complete
      ],
    );
    assert.deepEqual(r.tables.activity_monthly, [
      { period: "2018-01", users: 4, sessions: 6, partial: true },
      { period: "2018-02", users: 4, sessions: 6, partial: false },
      { period: "2018-03", users: 1, sessions: 1, partial: true },
    ]);
    near(r.activity.dau.mean, 10 / 61, "DAU"); // 10 user-days over 61 days
    near(r.activity.wau.mean, 1, "WAU"); // 8 users over the 8 complete weeks
    near(r.activity.wau.meanAllPeriods, 10 / 9, "WAU all");
    near(r.activity.mau.mean, 4, "MAU"); // February only
    near(r.activity.mau.meanAllPeriods, 3, "MAU all");
    near(summary.get("sticky_mau"), 10 / 61 / 4, "sticky MAU");
    near(summary.get("sessions_per_user_day"), 11.5 / 9, "sessions per user day"); // 1.5, 2, 1 x 7
  });

  it("summarises session lengths without the invalid session", () => {
    // valid: 0 0 60 60 60 120 120 180 300 600 1800 4200
    assert.deepEqual([r.sessions.valid, r.sessions.invalid], [12, 1]);
    near(r.sessions.meanS, 625, "mean");
    near(r.sessions.medianS, 120, "median");
    near(r.sessions.p90S, 1680, "p90"); // position 9.9: 600 + 0.9 * 1200
    assert.equal(r.sessions.modeS, 60);
    const bins = r.sessions.histogram.filter((b) => b.sessions > 0).map((b) => [b.fromS, b.toS, b.sessions]);
    assert.deepEqual(bins, [
      [0, 60, 2],
      [60, 120, 3],
      [120, 180, 2],
      [180, 240, 1],
      [300, 360, 1],
      [600, 660, 1],
      [1800, 1860, 1],
      [3600, null, 1],
    ]);
    assert.equal(r.sessions.histogram.length, 61);
  });

  it("computes month retention with an unobserved cell", () => {
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
    // source, users, buyers, conversion, costs, cac, ltv_h, romi_h, payback
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
