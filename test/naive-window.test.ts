/**
 * The naive reference on the meaning of the window and the filters (docs/decisions.md, "Window and
 * filters") and on sessions that end before they start (spec "Session length"). A small fixture; every
 * expected number is worked out by hand in the comments, never by calling metric code.
 *
 *  user  session start        end                 src dev      len   orders
 *  r     2018-01-10 10:00:00  2018-01-10 10:05:00 1   desktop  300   01-10 11:00 10.00
 *  r     2018-02-05 10:00:00  2018-02-05 10:10:00 2   touch    600   02-05 10:30 20.00 (repeat)
 *  n     2018-02-03 09:00:00  2018-02-03 09:01:00 2   desktop   60   02-04 09:00 30.00 (lag 1 d)
 *  m     2018-02-10 14:00:00  2018-02-10 14:02:00 1   touch    120   never buys
 *  m     2018-03-20 20:00:00  2018-03-20 20:30:00 2   touch   1800   (the data's last day)
 *  v     2018-02-15 12:00:00  2018-02-15 11:59:00 1   desktop  -60   02-15 12:30 5.00: ends before it
 *                                                                     starts, still v's first visit
 *  k     no session                                                  02-20 12:00 7.00 (buyer only)
 *  costs: src 1 01-05 30.00, 02-01 12.00 · src 2 02-01 6.00 → Jan 30, Feb 18, all 48.
 *
 * Data bounds: first visit day 2018-01-10, last 2018-03-20 → default window [2018-01-10, 2018-03-21),
 * 22 + 28 + 20 = 70 days. Whole-history acquisition: r Jan src1 desktop; n Feb src2 desktop; m Feb
 * src1 touch; v Feb src1 desktop. First orders: r Jan, n Feb, v Feb, k Feb.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { MetricOptions, Tables, VisitRecord } from "../src/metrics/tables.ts";
import { assertSameTables, closeEnough } from "./fixtures/compare-tables.ts";
import { type NaiveFilter, naiveDetails } from "./naive/index.ts";

function v(
  user_id: string,
  start_ts: string,
  end_ts: string,
  source_id: string,
  device: string,
): VisitRecord {
  return { user_id, device, source_id, start_ts, end_ts };
}

const input = {
  visits: [
    v("r", "2018-01-10 10:00:00", "2018-01-10 10:05:00", "1", "desktop"),
    v("r", "2018-02-05 10:00:00", "2018-02-05 10:10:00", "2", "touch"),
    v("n", "2018-02-03 09:00:00", "2018-02-03 09:01:00", "2", "desktop"),
    v("m", "2018-02-10 14:00:00", "2018-02-10 14:02:00", "1", "touch"),
    v("m", "2018-03-20 20:00:00", "2018-03-20 20:30:00", "2", "touch"),
    v("v", "2018-02-15 12:00:00", "2018-02-15 11:59:00", "1", "desktop"),
  ],
  orders: [
    { user_id: "r", ts: "2018-01-10 11:00:00", revenue: "10.00" },
    { user_id: "r", ts: "2018-02-05 10:30:00", revenue: "20.00" },
    { user_id: "n", ts: "2018-02-04 09:00:00", revenue: "30.00" },
    { user_id: "v", ts: "2018-02-15 12:30:00", revenue: "5.00" },
    { user_id: "k", ts: "2018-02-20 12:00:00", revenue: "7.00" },
  ],
  costs: [
    { source_id: "1", date: "2018-01-05", costs: "30.00" }, // before the first visit day: outside
    { source_id: "1", date: "2018-02-01", costs: "12.00" },
    { source_id: "2", date: "2018-02-01", costs: "6.00" },
  ],
};

function options(over: Partial<MetricOptions> = {}): MetricOptions {
  return {
    from: "2018-01-10",
    to: "2018-03-21",
    horizon: 1,
    margin: 1,
    attribution: "first-touch",
    cohortGrain: "month",
    ...over,
  };
}

function summary(t: Tables, metric: string): number | string | null | undefined {
  return t.summary.find((r) => r.metric === metric)?.value;
}

function near(got: unknown, want: number, what: string): void {
  assert.ok(typeof got === "number" && closeEnough(got, want), `${what}: got ${got}, want ${want}`);
}

const cacOf = (t: Tables, cohort: string) => t.cac_by_cohort.find((r) => r.cohort === cohort);

describe("naive: the window selects cohorts, it never re-dates them", () => {
  test("default window: r is a January buyer, n v k February; the 01-05 spend is before the data", () => {
    const d = naiveDetails(input, options());
    assert.equal(d.window.clamped, false);
    assert.equal(summary(d.tables, "users"), 4); // r n m v
    assert.equal(summary(d.tables, "buyers"), 4); // r n v k
    // Jan: no spend in the window (01-05 < 01-10), buyer r → no_spend. Feb: 18 / {n v k} = 6.
    assert.deepEqual(cacOf(d.tables, "2018-01"), {
      cohort: "2018-01",
      costs: 0,
      new_buyers: 1,
      cac: "no_spend",
    });
    assert.deepEqual(cacOf(d.tables, "2018-02"), { cohort: "2018-02", costs: 18, new_buyers: 3, cac: 6 });
    assert.deepEqual(d.outOfWindow, { visits: 0, orders: 0, costs: 1 });
  });

  test("narrowing from to 2018-02-01 keeps r a returning buyer: February CAC does not drop", () => {
    const d = naiveDetails(input, options({ from: "2018-02-01" }));
    const t = d.tables;
    // New users: n m v (r was acquired in January). New buyers: n v k (r's first order is 01-10).
    assert.equal(summary(t, "users"), 3);
    assert.equal(summary(t, "buyers"), 3);
    // Feb spend 12 + 6 = 18 over n v k = 6, as in the whole window (re-dating r would give 18 / 4).
    assert.deepEqual(cacOf(t, "2018-02"), { cohort: "2018-02", costs: 18, new_buyers: 3, cac: 6 });
    assert.equal(cacOf(t, "2018-01"), undefined); // no January in the window
    near(summary(t, "cac"), 18 / 3, "headline cac");
    // Activity still counts r: sessions r 02-05, n, m 02-10, m 03-20, v = 5; orders r 20, n 30, v 5,
    // k 7 = 4, revenue 62.
    assert.equal(summary(t, "sessions"), 5);
    assert.equal(summary(t, "orders"), 4);
    near(summary(t, "revenue"), 62, "revenue");
    // r's 20.00 is no cohort's: Feb cohort n 30 + v 5 + k 7 = 42 over 3.
    assert.deepEqual(
      t.ltv.filter((r) => r.cohort === "2018-02").map((r) => [r.lifetime, r.revenue]),
      [
        [0, 42],
        [1, 42],
      ],
    );
    // r's February session (src 2, touch) does not make r a source-2 user or buyer.
    const src2 = t.by_source.find((r) => r.source === "2")!;
    assert.equal(src2.users, 1); // n
    assert.equal(src2.buyers, 1); // n
    assert.equal(t.by_source.find((r) => r.source === "1")?.users, 2); // m v
    // Retention: one cohort, Feb {n m v}; March: m (03-20) → 1/3. r is in none.
    assert.deepEqual(
      t.retention.map((r) => [r.cohort, r.lifetime, r.cohort_size, r.users]),
      [
        ["2018-02", 0, 3, 3],
        ["2018-02", 1, 3, 1],
      ],
    );
    // Lag of the new buyers: n 86400 s (1d), v 1800 s (0d) from its invalid-length first visit;
    // k has no session at all.
    assert.equal(d.conversionLag.included.length, 2);
    assert.equal(d.conversionLag.excluded_no_session, 1);
    near(d.conversionLag.mean_days, (86400 + 1800) / 2 / 86400, "lag mean");
    // conversion rate: new users n m v, new buyers among them n v → 2/3
    near(summary(t, "conversion_rate"), 2 / 3, "conversion rate");
  });

  test("an acquisition before the window keeps its source: r's later buy is not re-attributed", () => {
    // Window [2018-02-01, …), last-touch: r is not a new buyer at all, so source 2 (r's February
    // session) gets only n.
    const t = naiveDetails(input, options({ from: "2018-02-01", attribution: "last-touch" })).tables;
    assert.equal(t.by_source.find((r) => r.source === "2")?.buyers, 1);
    assert.equal(
      t.by_source.reduce((n, r) => n + r.buyers, 0),
      3,
    ); // n v k (k unattributed)
  });
});

describe("naive: a window beyond the data is clamped to the visits", () => {
  test("to past the last visit and from before the first give the default window's numbers", () => {
    const wide = naiveDetails(input, options({ from: "2017-11-01", to: "2018-06-01" }));
    const exact = naiveDetails(input, options());
    assert.deepEqual(wide.window, { from: "2018-01-10", to: "2018-03-21", clamped: true });
    assertSameTables(wide.tables, exact.tables);
    // No April or May: no month with 0 users marked observed.
    assert.deepEqual(
      wide.tables.activity_monthly.map((r) => [r.period, r.users, r.partial]),
      [
        ["2018-01", 1, true], // r; the month starts before from (01-10)
        ["2018-02", 4, false], // r n m v
        ["2018-03", 1, true], // m; ends after to (03-21)
      ],
    );
    // DAU: user-days r 01-10, n 02-03, r 02-05, m 02-10, v 02-15, m 03-20 = 6 over 70 days (unclamped
    // to 06-01 it would be 6 over 142).
    near(summary(wide.tables, "dau"), 6 / 70, "dau");
    assert.equal(wide.tables.activity_daily.length, 70);
    // The February cohort's lifetime 2 (April) is after the data: unobserved, never 0.
    const feb2 = wide.tables.ltv.find((r) => r.cohort === "2018-02" && r.lifetime === 2)!;
    assert.equal(feb2.ltv, null);
    const ret = wide.tables.retention.find((r) => r.cohort === "2018-02" && r.lifetime === 2)!;
    assert.equal(ret.users, null);
  });
});

describe("naive: source and device filters keep acquisition cells", () => {
  const DESKTOP: NaiveFilter = { sources: [], devices: ["desktop"] };
  const SOURCE_1: NaiveFilter = { sources: ["1"], devices: [] };

  test("a device filter keeps r n v and withholds CAC, ROMI and payback", () => {
    const t = naiveDetails(input, options({ horizon: 1 }), DESKTOP).tables;
    assert.equal(summary(t, "users"), 3); // r n v (m is touch, k has no session)
    assert.equal(summary(t, "buyers"), 3); // r n v
    // Sessions of kept users, whatever their device: r 2 (one touch), n 1, v 1.
    assert.equal(summary(t, "sessions"), 4);
    assert.equal(summary(t, "costs"), 18); // spend has no device: all of it, but nothing divides by it
    assert.equal(summary(t, "cac"), "not_applicable");
    assert.equal(summary(t, "romi_h"), null);
    assert.ok(t.cac_by_cohort.length > 0);
    for (const r of t.cac_by_cohort) assert.equal(r.cac, "not_applicable", r.cohort);
    assert.ok(t.romi_by_cohort.length > 0);
    for (const r of t.romi_by_cohort) assert.equal(r.romi, null, `${r.cohort} ${r.lifetime}`);
    for (const r of t.payback_by_cohort) assert.equal(r.payback_lifetime, null, r.cohort);
    for (const r of t.by_source) {
      assert.equal(r.cac, "not_applicable", r.source);
      assert.equal(r.romi_h, null, r.source);
      assert.equal(r.payback_lifetime, null, r.source);
    }
    // LTV does not divide by spend: Feb cohort {n v}: 35 / 2 (k is gone)
    assert.equal(t.ltv.find((r) => r.cohort === "2018-02" && r.lifetime === 0)?.ltv, 17.5);
    // by_device: r's February touch session lists no touch row under a device filter (decisions.md:
    // the keys seen are those of the chosen devices); nobody is credited to touch either (r's only
    // session before the first order is desktop).
    assert.deepEqual(
      t.by_device.map((r) => [r.device, r.users, r.buyers]),
      [["desktop", 3, 3]],
    );
  });

  test("a source filter keeps the users acquired through it, with their later sessions elsewhere", () => {
    const d = naiveDetails(input, options({ horizon: 1 }), SOURCE_1);
    const t = d.tables;
    // Kept: r (first session src 1), m, v; n (src 2) and k (no session) are gone.
    assert.equal(summary(t, "users"), 3);
    assert.equal(summary(t, "buyers"), 2); // r Jan, v Feb
    // r's src-2 session and m's src-2 session still count: r 2 + m 2 + v 1.
    assert.equal(summary(t, "sessions"), 5);
    assert.equal(summary(t, "orders"), 3); // r 10, r 20, v 5
    near(summary(t, "revenue"), 35, "revenue");
    // DAU: r 01-10, r 02-05, m 02-10, v 02-15, m 03-20 = 5 over 70 days.
    near(summary(t, "dau"), 5 / 70, "dau");
    // Spend of source 1 only: 12 (02-01); 01-05 is outside the window.
    assert.equal(summary(t, "costs"), 12);
    assert.deepEqual(t.costs_by_source_month, [{ source: "1", month: "2018-02", costs: 12 }]);
    assert.deepEqual(
      t.cac_by_cohort.map((r) => [r.cohort, r.costs, r.new_buyers, r.cac]),
      [
        ["2018-01", 0, 1, "no_spend"], // r
        ["2018-02", 12, 1, 12], // v
      ],
    );
    // r's and m's later src-2 sessions list no src-2 row (decisions.md: under a filter the keys seen
    // are those of the chosen sources), and no model credits src 2 (r's first order precedes it).
    assert.deepEqual(
      t.by_source.map((r) => [r.source, r.users, r.buyers, r.costs, r.cac]),
      [["1", 3, 2, 12, 6]], // r m v; buyers r v
    );
    assert.deepEqual(
      t.by_device.map((r) => [r.device, r.users, r.buyers]),
      [
        ["desktop", 2, 2], // r v (r's touch visit is through src 2: not listed)
        ["touch", 1, 0], // m's src-1 touch visit
      ],
    );
    // Retention: Jan {r}: Feb r (02-05) → 1, Mar 0; Feb {m v}: Mar m → 1/2.
    assert.deepEqual(
      t.retention.map((r) => [r.cohort, r.lifetime, r.users]),
      [
        ["2018-01", 0, 1],
        ["2018-01", 1, 1],
        ["2018-01", 2, 0],
        ["2018-02", 0, 2],
        ["2018-02", 1, 1],
        ["2018-02", 2, null],
      ],
    );
    assert.equal(d.conversionLag.excluded_no_session, 0); // k is only in the unfiltered view
  });

  test("the acquisition cells partition the users: counts add up across them", () => {
    const cells: NaiveFilter[] = [];
    for (const s of ["1", "2"])
      for (const dev of ["desktop", "touch"]) cells.push({ sources: [s], devices: [dev] });
    const all = naiveDetails(input, options()).tables;
    const parts = cells.map((f) => naiveDetails(input, options(), f).tables);
    const total = (metric: string) => parts.reduce((n, t) => n + (summary(t, metric) as number), 0);
    assert.equal(total("users"), summary(all, "users"));
    assert.equal(total("sessions"), summary(all, "sessions"));
    // k (no session) is in no cell: the cells hold one buyer fewer.
    assert.equal(total("buyers"), (summary(all, "buyers") as number) - 1);
  });
});

describe("naive: a session that ends before it starts is a visit without a length", () => {
  test("left out of session length, counted, and still v's first visit", () => {
    const d = naiveDetails(input, options());
    // Valid lengths 300, 600, 60, 120, 1800: mean 576, median 300; v's -60 s is only counted.
    assert.equal(d.sessionStats.sessions, 5);
    assert.equal(d.sessionStats.invalid, 1);
    near(d.sessionStats.mean_s, 2880 / 5, "session mean");
    assert.equal(d.sessionStats.median_s, 300);
    assert.equal(
      d.sessionStats.histogram.reduce((n, b) => n + b.sessions, 0),
      5,
    );
    // It is a session and an active day (02-15) and v's acquisition (src 1, desktop, Feb).
    assert.equal(summary(d.tables, "sessions"), 6);
    assert.equal(d.tables.activity_daily.find((r) => r.period === "2018-02-15")?.users, 1);
    const vLag = d.conversionLag.included.find((b) => b.user_id === "v");
    assert.deepEqual(vLag && [vLag.seconds, vLag.bucket, vLag.source, vLag.device, vLag.cohort], [
      1800,
      "0d",
      "1",
      "desktop",
      "2018-02",
    ]);
  });
});
