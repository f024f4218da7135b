import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ingest } from "../src/ingest/index.ts";
import { freshEngine, tempDir, writeLines } from "./helpers/temp.ts";

const dir = tempDir();

describe("row-level faults are set aside with a reason and their line numbers", async () => {
  const engine = await freshEngine();
  const visits = writeLines(dir, "visits.csv", [
    "Device,End Ts,Source Id,Start Ts,Uid", // line 1
    "desktop,2018-01-01 10:05:00,1,2018-01-01 10:00:00,11", // 2 ok
    "desktop,2018-01-01 10:05:00,1,2018-01-01 10:00:00,", // 3 missing user id
    "touch,2018-01-01 10:05:00,,2018-01-01 10:00:00,12", // 4 missing source id
    ",2018-01-01 10:05:00,2,2018-01-01 10:00:00,13", // 5 missing device
    "desktop,2018-01-01 10:05:00,2,2018-13-01 10:00:00,14", // 6 bad start timestamp
    "desktop,2018-01-01 09:59:00,2,2018-01-01 10:00:00,15", // 7 ends before it starts: kept, warned
    "desktop,2018-01-01 10:05:00,1,2018-01-01 10:00:00,11", // 8 duplicate of line 2
    "desktop,2018-01-01 10:05:00,1,2018-01-01 10:00:00,11,extra", // 9 malformed (6 fields)
    "touch,2018-01-02 10:00:00,3,2018-01-02 10:00:00,16", // 10 ok (zero-length session)
    "desktop,2018-01-01 10:05:00,1,2018-01-01 10:00:00,11", // 11 duplicate again
  ]);
  const orders = writeLines(dir, "orders.csv", [
    "Buy Ts,Revenue,Uid",
    "2018-01-01 10:03:00,5.50,11", // 2 ok
    "2018-01-01 10:03:00,abc,11", // 3 non-numeric revenue
    "2018-01-01 10:03:00,-1.00,11", // 4 negative revenue
    "yesterday,1.00,11", // 5 bad timestamp
    "2018-01-02 10:03:00,0,16", // 6 ok, zero revenue (warning)
    "2018-01-03 10:03:00,2.00,11,extra", // 7 malformed: 4 fields
    "2018-01-02 11:00:00,3.00,", // 8 missing user id
    "2018-03-01 00:00:00,3.00,16", // 9 ok, outside the window (warning)
    "2018-01-01 12:00:00,4.00,99", // 10 ok, buyer never seen in visits (warning)
  ]);
  const costs = writeLines(dir, "costs.csv", [
    "source_id,dt,costs",
    "1,2018-01-01,10.00", // 2
    "1,2018-01-03,12.00", // 3: 2018-01-02 missing for source 1
    "2,2018-01-01,x", // 4 non-numeric cost
    "2,2018-01-02,-3", // 5 negative cost
    "2,2018-02-30,3", // 6 bad date
    ",2018-01-01,3", // 7 missing source
    "2,2018-01-01,1.00", // 8 ok
    "2,2018-01-02,1.00", // 9 ok
    "2,2018-01-03,1.00", // 10 ok
    "9,2018-01-01,5.00", // 11 ok: source 9 has spend but no sessions
    "9,2018-01-02,5.00",
    "9,2018-01-03,5.00",
    "1,2018-01-01,10.00", // 14 duplicate of line 2
  ]);
  const report = await ingest(engine, {
    visits: { path: visits },
    orders: { path: orders },
    costs: { path: costs },
  });
  const byTable = Object.fromEntries(report.files.map((f) => [f.table, f]));
  const reasons = (table: string) =>
    Object.fromEntries((byTable[table]?.rejected ?? []).map((r) => [r.reason, r.exampleLines]));

  it("visits: every reason, with the offending lines", () => {
    assert.deepEqual(reasons("visits"), {
      missing_user_id: [3],
      missing_source_id: [4],
      missing_device: [5],
      bad_timestamp: [6],
      duplicate_row: [8, 11],
      malformed_line: [9],
    });
    assert.equal(byTable.visits?.rowsRead, 10);
    assert.equal(byTable.visits?.rowsLoaded, 3);
  });

  it("orders: every reason, with the offending lines", () => {
    assert.deepEqual(reasons("orders"), {
      bad_revenue: [3],
      negative_revenue: [4],
      bad_timestamp: [5],
      malformed_line: [7],
      missing_user_id: [8],
    });
    assert.equal(byTable.orders?.rowsLoaded, 4);
  });

  it("costs: every reason, with the offending lines", () => {
    assert.deepEqual(reasons("costs"), {
      bad_cost: [4],
      negative_cost: [5],
      bad_date: [6],
      missing_source_id: [7],
      duplicate_row: [14],
    });
    assert.equal(byTable.costs?.rowsLoaded, 8);
  });

  it("rejected rows never reach the canonical tables", async () => {
    const [v] = await engine.all<{ n: number; users: string }>(
      "SELECT count(*)::INT AS n, string_agg(DISTINCT user_id, ',' ORDER BY user_id) AS users FROM visits",
    );
    assert.deepEqual(v, { n: 3, users: "11,15,16" }); // 15: a session ending before it starts is a visit
    const [o] = await engine.all<{ total: string }>("SELECT sum(revenue)::VARCHAR AS total FROM orders");
    assert.equal(o?.total, "12.500000");
  });

  it("the quarantine holds every rejected row with its raw values", async () => {
    const rows = await engine.all<{ table_name: string; line: number; reason: string; raw: string }>(
      "SELECT table_name, line::INT AS line, reason, raw FROM quarantine ORDER BY table_name, line",
    );
    assert.equal(rows.length, report.quarantine.rows);
    assert.equal(rows.length, 7 + 5 + 5);
    const badRevenue = rows.find((r) => r.table_name === "orders" && r.line === 3);
    assert.deepEqual(JSON.parse(badRevenue?.raw ?? "{}"), {
      Uid: "11",
      "Buy Ts": "2018-01-01 10:03:00",
      Revenue: "abc",
    });
  });

  it("warnings keep the rows and say how many", () => {
    const warnings = Object.fromEntries(report.warnings.map((w) => [`${w.table}:${w.code}`, w]));
    assert.equal(report.window.from, "2018-01-01");
    assert.equal(report.window.to, "2018-01-03");
    assert.equal(warnings["orders:zero_revenue"]?.count, 1);
    assert.equal(warnings["orders:outside_window"]?.count, 1);
    assert.deepEqual(warnings["orders:outside_window"]?.examples, ["2018-03-01 00:00:00 user 16"]);
    assert.equal(warnings["orders:orders_without_visits"]?.count, 1); // user 99
    assert.equal(warnings["costs:outside_window"]?.count, 3); // the 2018-01-03 rows of sources 1, 2 and 9
    assert.equal(warnings["costs:missing_cost_days"]?.count, 1);
    assert.deepEqual(warnings["costs:missing_cost_days"]?.examples, ["2018-01-02: source 1"]);
    assert.equal(warnings["costs:spend_without_sessions"]?.count, 1); // source 9 has no sessions
    assert.equal(warnings["visits:end_before_start"]?.count, 1);
    assert.deepEqual(warnings["visits:end_before_start"]?.examples, [
      "2018-01-01 10:00:00 user 15 ends 2018-01-01 09:59:00",
    ]);
    assert.equal(warnings["visits:sessions_without_spend"]?.count, 1); // source 3
  });
});

describe("a duplicate is a repeat in every field, not only in its key", async () => {
  // Duplicates are looked for among rows sharing the key (user and start; user and time; source and
  // day): rows that share it but differ elsewhere are two rows, not a row and its repeat.
  const engine = await freshEngine();
  const visits = writeLines(dir, "visits-key.csv", [
    "Device,End Ts,Source Id,Start Ts,Uid",
    "desktop,2018-01-01 10:05:00,1,2018-01-01 10:00:00,21", // 2
    "desktop,2018-01-01 10:05:00,2,2018-01-01 10:00:00,21", // 3 same user and start, other source
    "desktop,2018-01-01 10:07:00,1,2018-01-01 10:00:00,21", // 4 other end
    "touch,2018-01-01 10:05:00,1,2018-01-01 10:00:00,21", // 5 other device
    "desktop,2018-01-01 10:05:00,2,2018-01-01 10:00:00,21", // 6 repeat of line 3
  ]);
  const orders = writeLines(dir, "orders-key.csv", [
    "Buy Ts,Revenue,Uid",
    "2018-01-01 10:03:00,5.50,21", // 2
    "2018-01-01 10:03:00,6.50,21", // 3 same user and time, other revenue
    "2018-01-01 10:03:00,5.50,21", // 4 repeat of line 2
  ]);
  const costs = writeLines(dir, "costs-key.csv", [
    "source_id,dt,costs",
    "1,2018-01-01,10.00", // 2
    "1,2018-01-01,12.00", // 3 same source and day, other amount (a duplicate cost day, warned)
    "2,2018-01-01,3.00", // 4
    "1,2018-01-01,12.00", // 5 repeat of line 3
  ]);
  const report = await ingest(engine, {
    visits: { path: visits },
    orders: { path: orders },
    costs: { path: costs },
  });
  const byTable = Object.fromEntries(report.files.map((f) => [f.table, f]));

  it("only the full repeats are rejected, each with its line", () => {
    for (const [table, lines, loaded] of [
      ["visits", [6], 4],
      ["orders", [4], 2],
      ["costs", [5], 3],
    ] as const) {
      assert.deepEqual(
        byTable[table]?.rejected.map((r) => [r.reason, r.exampleLines]),
        [["duplicate_row", lines]],
        table,
      );
      assert.equal(byTable[table]?.rowsLoaded, loaded, table);
    }
  });
});
