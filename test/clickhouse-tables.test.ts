/**
 * Inputs that are tables already in ClickHouse (`--visits-table db.visits`), read in place: the same
 * rows as CSV files through the DuckDB ingest must give the same audit (reject reasons and counts,
 * warnings with their examples and messages) and the same metrics. The tables use the types a
 * warehouse would: integer ids, LowCardinality, DateTime in a zone, Float64 money, text columns.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { ingestFor } from "../src/analyze.ts";
import { ClickHouseEngine } from "../src/engine/clickhouse-engine.ts";
import { InputError } from "../src/ingest/index.ts";
import { computeAllModels } from "../src/metrics/compute.ts";
import { CHDB_SKIP } from "./helpers/engines.ts";
import { jsonDifferences } from "./helpers/json-differences.ts";
import { freshEngine, tempDir, writeLines } from "./helpers/temp.ts";

const VISITS = [
  ["Uid", "Device", "Source Id", "Start Ts", "End Ts"],
  ["18446744073709551615", "desktop", "1", "2018-01-01 10:00:00", "2018-01-01 10:05:00"],
  ["18446744073709551614", "touch", "2", "2018-01-02 23:59:00", "2018-01-03 00:10:30"],
  ["18446744073709551614", "touch", "2", "2018-01-02 23:59:00", "2018-01-03 00:10:30"], // duplicate
  ["3", "desktop", "1", "2018-01-05 12:00:00", "2018-01-05 11:00:00"], // ends before it starts (kept)
  ["4", "desktop", "9", "2018-02-01 08:00:00", "2018-02-01 08:30:00"], // source without spend
  ["5", "touch", "1", "2018-02-03 09:00:00", "not a time"], // bad timestamp
  ["6", "desktop", "", "2018-02-04 09:00:00", "2018-02-04 09:01:00"], // missing source
  // A steady stream of visits, so that no day is a time outlier: DuckDB's approx_quantile and the
  // exact quartiles of the ClickHouse audit could judge a fence on a handful of rows differently.
  ...Array.from({ length: 40 }, (_, i) => {
    const day = new Date(Date.UTC(2018, 0, 1 + i)).toISOString().slice(0, 10);
    return [String(9000 + i), "touch", "2", `${day} 12:00:00`, `${day} 12:03:00`];
  }),
];
const ORDERS = [
  ["Buy Ts", "Revenue", "Uid"],
  ["2018-01-01 10:03:00", "4.25", "18446744073709551615"],
  ["2018-01-20 10:00:00", "0", "18446744073709551615"], // zero revenue
  ["2018-01-03 00:00:00", "-1.5", "18446744073709551614"], // negative revenue
  ["2018-02-10 10:00:00", "12.1", "77"], // buyer without visits
  ["2018-03-10 10:00:00", "3.3", "18446744073709551614"],
];
const COSTS = [
  ["source_id", "dt", "costs"],
  ["1", "2018-01-01", "10.50"],
  ["1", "2018-01-03", "11.25"], // 2018-01-02 missing for source 1
  ["2", "2018-01-01", "7.00"],
  ["2", "2018-01-02", "7.10"],
  ["2", "2018-01-03", "7.20"],
  ["3", "2018-01-02", "5.00"], // spend without sessions
  ["3", "2018-01-03", ".5"], // a decimal without its leading zero
  ["2", "2018-01-03", "+0.25"], // a second row for the day: summed, with a warning
  ["2", "2018-01-04", "1.0000001"], // more places than DECIMAL(18,6) holds: inexact_amount
];

const values = (rows: string[][]) =>
  rows
    .slice(1)
    .map((r) => `(${r.map((v) => `'${v}'`).join(", ")})`)
    .join(", ");

describe("ClickHouse tables read in place = the same rows as files", { skip: CHDB_SKIP }, async () => {
  if (CHDB_SKIP) return;
  const dir = tempDir();
  const csv = (name: string, rows: string[][]) =>
    writeLines(
      dir,
      name,
      rows.map((r) => r.join(",")),
    );
  const files = {
    visits: { path: csv("visits.csv", VISITS) },
    orders: { path: csv("orders.csv", ORDERS) },
    costs: { path: csv("costs.csv", COSTS) },
  };
  const duck = await freshEngine();
  const fromFiles = await ingestFor(duck, files, undefined, {});

  const ch = await ClickHouseEngine.openChdb({ database: "cs_tables_test" });
  await ch.run("CREATE DATABASE IF NOT EXISTS warehouse");
  await ch.run(`CREATE OR REPLACE TABLE warehouse.sessions (Uid UInt64, Device LowCardinality(String),
    \`Source Id\` Nullable(String), \`Start Ts\` DateTime('Europe/Moscow'), \`End Ts\` String) ENGINE = MergeTree ORDER BY tuple()`);
  await ch.run(
    `INSERT INTO warehouse.sessions SELECT Uid, Device, nullIf(s, ''), st, et FROM (SELECT * FROM values('Uid UInt64, Device String, s String, st String, et String', ${values(VISITS)}))`,
  );
  await ch.run(`CREATE OR REPLACE TABLE warehouse.purchases (\`Buy Ts\` DateTime64(3), Revenue Float64, Uid String)
    ENGINE = MergeTree ORDER BY tuple()`);
  await ch.run(`INSERT INTO warehouse.purchases VALUES ${values(ORDERS)}`);
  await ch.run(`CREATE OR REPLACE TABLE warehouse.spend (channel UInt32, day Date, amount String)
    ENGINE = MergeTree ORDER BY tuple()`);
  await ch.run(`INSERT INTO warehouse.spend VALUES ${values(COSTS)}`);
  const tables = {
    visits: { path: "warehouse.sessions", columns: {} },
    orders: { path: "warehouse.purchases", columns: {} },
    costs: { path: "warehouse.spend", columns: { source_id: "channel", date: "day", costs: "amount" } },
  };
  const inPlace = await ingestFor(ch, {}, tables, {});

  it("finds the same rejects, counts and warnings", () => {
    assert.deepEqual(inPlace.window, fromFiles.window);
    for (const table of ["visits", "orders", "costs"] as const) {
      const a = fromFiles.files.find((f) => f.table === table)!;
      const b = inPlace.files.find((f) => f.table === table)!;
      assert.equal(b.format, "clickhouse");
      assert.deepEqual([b.rowsRead, b.rowsLoaded], [a.rowsRead, a.rowsLoaded], table);
      const reasons = (f: typeof a) => f.rejected.map((r) => [r.reason, r.count]).sort();
      assert.deepEqual(reasons(b), reasons(a), table);
    }
    // The same warnings; only the per-file ones name lines, which a table does not have.
    const lineless = (ws: typeof inPlace.warnings) =>
      ws.map((w) =>
        w.code === "mostly_rejected"
          ? { ...w, examples: w.examples.map((e) => e.replace(/ \(line [\d, ]+\)$/, "")) }
          : w,
      );
    assert.deepEqual(inPlace.warnings, lineless(fromFiles.warnings));
    assert.deepEqual(
      [...new Set(inPlace.warnings.map((w) => w.code))].sort(),
      [
        "duplicate_cost_days",
        "end_before_start",
        "missing_cost_days",
        "mostly_rejected",
        "orders_without_visits",
        "outside_window",
        "sessions_without_spend",
        "spend_without_sessions",
        "zero_revenue",
      ].sort(),
    );
    assert.equal(inPlace.quarantine.rows, fromFiles.quarantine.rows);
  });

  it("computes the same metrics", async () => {
    const options = { from: "2018-01-01", to: "2018-04-01", horizon: 3 };
    assert.deepEqual(
      jsonDifferences(await computeAllModels(duck, options), await computeAllModels(ch, options)),
      [],
    );
  });

  it("keeps a few sample rows per reason in the quarantine, not the rejected rows themselves", async () => {
    const samples = await ch.staging.all<{ reason: string; file: string; raw: string }>(
      "SELECT reason, file, raw FROM quarantine ORDER BY reason",
    );
    assert.deepEqual(
      samples.map((s) => [s.reason, s.file]),
      [
        ["bad_timestamp", "warehouse.sessions"],
        ["inexact_amount", "warehouse.spend"],
        ["missing_source_id", "warehouse.sessions"],
        ["negative_revenue", "warehouse.purchases"],
      ],
    );
    assert.deepEqual(JSON.parse(samples[0]!.raw), {
      Uid: "5",
      Device: "touch",
      "Source Id": "1",
      "Start Ts": "2018-02-03 09:00:00",
      "End Ts": "not a time",
    });
  });

  it("names a missing table, a missing column and a floating-point id column", async () => {
    const fails = (t: object, pattern: RegExp) =>
      assert.rejects(
        ingestFor(ch, {}, t, {}),
        (e: unknown) => e instanceof InputError && pattern.test(e.message),
      );
    await fails({ visits: { path: "warehouse.nope" } }, /warehouse\.nope: no such table/);
    await fails(
      { visits: { path: "warehouse.spend", columns: {} } },
      /warehouse\.spend: given as the visits input, but this looks like the costs export/,
    );
    await ch.run(
      "CREATE OR REPLACE TABLE warehouse.floaty (Uid Float64, ts DateTime, Revenue Float64) ENGINE = Memory",
    );
    await fails(
      { orders: { path: "warehouse.floaty" } },
      /column "Uid" for user_id is Float64: ids must be text or integers/,
    );
    await assert.rejects(ingestFor(duck, {}, tables, {}), /need --engine clickhouse or chdb/);
  });

  it("check --engine chdb names a malformed table name, exit status 2", () => {
    const bin = new URL("../bin/channelscope.js", import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, "check", "--engine", "chdb", "--visits-table", "x"], {
      encoding: "utf8",
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /invalid --visits-table: "x" \(expected DATABASE\.TABLE\)/);
  });
});
