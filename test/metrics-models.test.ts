/**
 * Attribution models, week cohorts, margin, text ids and edge windows on a second small dataset.
 * Window 2018-05-02 (Wednesday) .. 2018-07-01: months May and June.
 *
 * The window is clamped to the visits' days (docs/decisions.md, "Window and filters"). The visits run
 * from 05-02 to 06-30 (100's return), so that window is the data's own and is not clamped: May's spend
 * is dated 05-02, the first visit day, and 100's June order stays inside. Every user's first session
 * and every buyer's first order fall in it, so cohorts here are the whole-history ones.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import { CANONICAL_DDL } from "../src/ingest/canonical.ts";
import { type AnalysisOptions, computeMetrics, type MetricsResult } from "../src/metrics/index.ts";

const VISITS = [
  ["100", "desktop", "a", "2018-05-02 10:00:00", "2018-05-02 10:01:00"],
  ["100", "touch", "b", "2018-05-03 10:00:00", "2018-05-03 10:01:00"],
  ["100", "desktop", "c", "2018-05-20 10:00:00", "2018-05-20 10:01:00"], // after the first order
  ["100", "desktop", "c", "2018-06-30 10:00:00", "2018-06-30 10:01:00"], // the last visit day
  ["200", "desktop", "a", "2018-05-05 09:00:00", "2018-05-05 09:01:00"],
  ["200", "desktop", "a", "2018-05-06 09:00:00", "2018-05-06 09:01:00"],
  ["200", "desktop", "b", "2018-05-07 09:00:00", "2018-05-07 09:01:00"],
  ["300", "touch", "a", "2018-06-01 12:00:00", "2018-06-01 12:01:00"], // tie on start:
  ["300", "desktop", "b", "2018-06-01 12:00:00", "2018-06-01 12:01:00"], // a first, b last
  ["07", "desktop", "a", "2018-05-10 08:00:00", "2018-05-10 08:01:00"], // "07" and "7": two users
  ["7", "touch", "b", "2018-05-11 08:00:00", "2018-05-11 08:01:00"],
];
const ORDERS = [
  ["100", "2018-05-10 12:00:00", "30.00"], // lag 8 d 2 h
  ["100", "2018-06-15 12:00:00", "10.00"],
  ["200", "2018-05-08 09:00:00", "60.00"], // lag 3 d
  ["300", "2018-06-01 12:00:00", "9.00"], // at the session start: qualifies, lag 0
];
const COSTS = [
  ["a", "2018-05-02", "40.00"],
  ["b", "2018-05-02", "20.00"],
  ["b", "2018-06-01", "10.00"],
  ["c", "2018-06-01", "5.00"],
];

const near = (actual: unknown, expected: number, what: string): void => {
  assert.equal(typeof actual, "number", `${what}: ${String(actual)}`);
  assert.ok(
    Math.abs((actual as number) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual}`,
  );
};

describe("computeMetrics: attribution models, grains and edge cases", () => {
  let engine: DuckDbEngine;
  const run = (options: Partial<AnalysisOptions>) =>
    computeMetrics(engine, { from: "2018-05-02", to: "2018-07-01", horizon: 2, ...options });
  const source = (r: MetricsResult, s: string) => r.tables.by_source.find((row) => row.source === s)!;

  before(async () => {
    engine = await DuckDbEngine.open();
    for (const ddl of Object.values(CANONICAL_DDL)) await engine.run(ddl);
    for (const [table, rows] of [
      ["visits", VISITS],
      ["orders", ORDERS],
      ["costs", COSTS],
    ] as const) {
      for (const row of rows) {
        const params = Object.fromEntries(row.map((v, i) => [`p${i}`, v]));
        await engine.run(`INSERT INTO ${table} VALUES (${row.map((_, i) => `$p${i}`).join(", ")})`, params);
      }
    }
  });
  after(() => engine.close());

  it("splits linear weights over the sessions up to the first order", async () => {
    const r = await run({ attribution: "linear" });
    // 100: a 1/2, b 1/2 (c came after the order); 200: a 2/3, b 1/3; 300: a 1/2, b 1/2
    near(source(r, "a").buyers, 0.5 + 2 / 3 + 0.5, "buyers a");
    near(source(r, "b").buyers, 0.5 + 1 / 3 + 0.5, "buyers b");
    near(source(r, "a").cac, 24, "CAC a"); // 40 / (5/3)
    near(source(r, "b").cac, 22.5, "CAC b"); // 30 / (4/3)
    assert.equal(source(r, "c").cac, "infinite");
    // Mature cohort (H = 2): May. a: 40 * 1/2 + 60 * 2/3 = 60 over 7/6 buyers; b: 20 + 20 = 40 over 5/6
    near(source(r, "a").ltv_h, 60 / (7 / 6), "ltv_h a");
    near(source(r, "b").ltv_h, 48, "ltv_h b");
    near(source(r, "a").romi_h, 1.5, "romi_h a"); // 60 / May spend 40
    near(source(r, "b").romi_h, 2, "romi_h b"); // 40 / 20
    assert.equal(source(r, "c").romi_h, null); // no spend in May
    // ROMI_a(0) = (15 + 40 + 4.5) / 40 over May and June
    near(
      r.marketing.romiBySourceLifetime.find((x) => x.source === "a" && x.lifetime === 0)?.romi,
      1.4875,
      "ROMI_a(0)",
    );
    assert.deepEqual(
      r.tables.by_source.map((s) => [s.source, s.payback_lifetime]),
      [
        ["a", 0],
        ["b", 0],
        ["c", null],
      ],
    );
    const devices = Object.fromEntries(r.tables.by_device.map((d) => [d.device, d.buyers]));
    assert.deepEqual(devices, { desktop: 2, touch: 1 }); // 1/2 + 1 + 1/2 and 1/2 + 1/2
  });

  it("takes the last session at or before the first order, ties by source id", async () => {
    const r = await run({ attribution: "last-touch" });
    assert.deepEqual(
      r.tables.by_source.map((s) => [s.source, s.buyers, s.cac]),
      [
        ["a", 0, "infinite"],
        ["b", 3, 10],
        ["c", 0, "infinite"],
      ],
    );
    assert.deepEqual(
      r.tables.by_device.map((d) => [d.device, d.buyers]),
      [
        ["desktop", 2],
        ["touch", 1],
      ],
    );
  });

  it("takes the first session for first-touch and keeps acquisition columns model-free", async () => {
    const r = await run({ attribution: "first-touch" });
    assert.deepEqual(
      r.tables.by_source.map((s) => [s.source, s.users, s.buyers, s.conversion_rate]),
      [
        ["a", 4, 3, 0.75],
        ["b", 1, 0, 0],
        ["c", 0, 0, null],
      ],
    );
    assert.equal(r.data.numericUserKeys, false); // "07" is not a canonical integer
    assert.equal(r.data.users, 5);
  });

  it("builds week cohorts for retention, lag and conversion", async () => {
    const r = await run({ cohortGrain: "week" });
    const cell = (cohort: string, k: number) =>
      r.tables.retention.find((c) => c.cohort === cohort && c.lifetime === k);
    assert.deepEqual(cell("2018-04-30", 1), {
      cohort: "2018-04-30",
      lifetime: 1,
      cohort_size: 2,
      users: 1,
      retention: 0.5,
    });
    assert.equal(cell("2018-04-30", 2)?.users, 1); // 100 on Sunday 05-20 (week of 05-14)
    assert.equal(cell("2018-05-28", 4)?.users, 0); // week of 06-25: the last observed
    assert.equal(cell("2018-04-30", 8)?.users, 1); // 100 back on Saturday 06-30, in that week
    assert.equal(cell("2018-05-28", 5)?.users, null);
    assert.equal(r.tables.retention.length, 3 * 9); // 3 week cohorts x 9 weeks
    assert.deepEqual(
      r.conversion.byCohort.map((c) => [c.cohort, c.users, c.buyers]),
      [
        ["2018-04-30", 2, 2],
        ["2018-05-07", 2, 0],
        ["2018-05-28", 1, 1],
      ],
    );
    const lag = r.tables.conversion_lag.filter((x) => x.dimension === "all" && x.buyers > 0);
    assert.deepEqual(
      lag.map((x) => x.bucket),
      ["0d", "2-7d", "8-30d"],
    );
    assert.ok(r.tables.conversion_lag.some((x) => x.dimension === "cohort" && x.key === "2018-05-28"));
    assert.deepEqual(
      r.tables.activity_weekly.filter((w) => w.partial).map((w) => w.period),
      ["2018-04-30", "2018-06-25"],
    );
  });

  it("applies the margin to LTV", async () => {
    const r = await run({ margin: 0.5 });
    assert.deepEqual(
      r.tables.ltv.map((c) => c.ltv),
      [22.5, 25, 4.5, null],
    ); // 0.5 * 90 / 2, 0.5 * 100 / 2, ...
    near(r.ltv.ltvH, 25, "ltv_h");
  });

  it("clamps a wide window to the visits and defaults the window from them", async () => {
    const narrow = await run({});
    assert.equal(narrow.window.clamped, false);
    // The first visit is on 05-02, the last on 06-30: 1900 .. 2100 is clamped to 05-02 .. 07-01, the
    // same window as `narrow`, so every table is the same (no empty months before or after the data).
    const wide = await run({ from: "1900-01-01", to: "2100-01-01" });
    assert.deepEqual(wide.window, {
      from: "2018-05-02",
      to: "2018-07-01",
      requested: { from: "1900-01-01", to: "2100-01-01" },
      clamped: true,
    });
    assert.deepEqual(wide.tables, narrow.tables);
    const defaulted = await computeMetrics(engine, {});
    assert.deepEqual([defaulted.options.from, defaulted.options.to], ["2018-05-02", "2018-07-01"]);
    assert.equal(defaulted.window.clamped, false);
  });

  it("queues concurrent runs on one engine", async () => {
    const [first, last] = await Promise.all([run({}), run({ attribution: "last-touch" })]);
    assert.deepEqual([source(first, "a").buyers, source(last, "a").buyers], [3, 0]);
  });

  it("handles empty tables without NaN", async () => {
    const empty = await DuckDbEngine.open();
    for (const ddl of Object.values(CANONICAL_DDL)) await empty.run(ddl);
    const r = await computeMetrics(empty, { from: "2018-05-01", to: "2018-05-08" });
    await empty.close();
    const summary = Object.fromEntries(r.tables.summary.map((s) => [s.metric, s.value]));
    assert.deepEqual([summary.users, summary.dau, summary.cac, summary.ltv_h], [0, 0, "no_spend", null]);
    assert.equal(r.tables.activity_daily.length, 7);
    assert.deepEqual([r.tables.retention, r.tables.by_source], [[], []]);
  });
});
