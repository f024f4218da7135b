/**
 * Hostile and careless inputs (issue 12): each case is the smallest file that lost rows or gave a
 * wrong number without a word before the fix.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { type DataQualityReport, InputError, ingest, RejectedInputError } from "../src/ingest/index.ts";
import { freshEngine, tempDir, writeLines } from "./helpers/temp.ts";

const dir = tempDir();
const VISITS_HEADER = "Device,End Ts,Source Id,Start Ts,Uid";
const visit = (uid: string, day = "2018-01-01", time = "10:00:00") =>
  `desktop,${day} ${time.replace(/^10/, "11")},1,${day} ${time},${uid}`;

type Engine = Awaited<ReturnType<typeof freshEngine>>;
const file = (report: DataQualityReport, table: string) => report.files.find((f) => f.table === table)!;
const reasons = (report: DataQualityReport, table: string) =>
  Object.fromEntries(file(report, table).rejected.map((r) => [r.reason, r.exampleLines]));
const warning = (report: DataQualityReport, table: string, code: string) =>
  report.warnings.find((w) => w.table === table && w.code === code);

async function ingestOne(engine: Engine, table: "visits" | "orders" | "costs", path: string, extra = {}) {
  return ingest(engine, { [table]: { path, ...extra } });
}

describe("hostile inputs", async () => {
  const engine = await freshEngine();

  it("1: a stray quote is one malformed line, not a field swallowing the rows after it", async () => {
    const path = writeLines(dir, "stray-quote.csv", [
      VISITS_HEADER,
      visit("11"),
      `"${visit("12")}`, // line 3: the quote never closes on its line
      visit("13"),
      visit("14"),
      visit("15"),
    ]);
    const report = await ingestOne(engine, "visits", path);
    assert.equal(file(report, "visits").rowsRead, 5);
    assert.equal(file(report, "visits").rowsLoaded, 4);
    assert.deepEqual(reasons(report, "visits"), { malformed_line: [3] });
    const [row] = await engine.all<{ users: string }>(
      "SELECT string_agg(user_id, ',' ORDER BY user_id) AS users FROM visits",
    );
    assert.equal(row?.users, "11,13,14,15");
  });

  it("1: rows read is the file's line count; a field spanning lines is malformed on each line", async () => {
    const path = writeLines(dir, "multiline.csv", [
      VISITS_HEADER,
      visit("11"),
      'desktop,2018-01-01 11:00:00,"1', // 3: opens a quoted field ...
      '",2018-01-01 10:00:00,12', // 4: ... closed on the next line
      visit("13"),
    ]);
    const report = await ingestOne(engine, "visits", path);
    assert.equal(file(report, "visits").rowsRead, 4);
    assert.deepEqual(reasons(report, "visits"), { malformed_line: [3, 4] });
  });

  it("2: a truncated .csv.gz is a fatal error naming the file", async () => {
    const lines = [VISITS_HEADER, ...Array.from({ length: 2000 }, (_, i) => visit(String(100000 + i)))];
    const full = gzipSync(`${lines.join("\n")}\n`);
    const path = join(dir, "cut.csv.gz");
    writeFileSync(path, full.subarray(0, full.length - 40));
    await assert.rejects(ingestOne(engine, "visits", path), (e: Error) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /cut\.csv\.gz: the gzip stream ends early/);
      return true;
    });
  });

  it("3: every order rejected is fatal, with the audit and the decimal-comma advice", async () => {
    const path = writeLines(dir, "comma.csv", [
      "Buy Ts;Revenue;Uid",
      "2018-01-01 10:00:00;10,50;1",
      "2018-01-02 10:00:00;3,25;2",
    ]);
    await assert.rejects(ingestOne(engine, "orders", path), (e: Error) => {
      assert.ok(e instanceof RejectedInputError);
      assert.match(e.message, /every one of the 2 orders rows was rejected/);
      assert.match(e.message, /revenue looks like it uses decimal commas.*pass --decimal-comma/);
      assert.equal(e.report.quarantine.rows, 2);
      return true;
    });
  });

  it("3: --decimal-comma reads 10,50 and 1 234,50 exactly", async () => {
    const path = writeLines(dir, "comma-ok.csv", [
      "Buy Ts;Revenue;Uid",
      "2018-01-01 10:00:00;10,50;1",
      "2018-01-02 10:00:00;1 234,50;2",
      "2018-01-02 11:00:00;1.000;3",
    ]);
    const report = await ingestOne(engine, "orders", path, { decimalComma: true });
    assert.equal(file(report, "orders").rowsLoaded, 3);
    const [row] = await engine.all<{ total: string }>("SELECT sum(revenue)::VARCHAR AS total FROM orders");
    assert.equal(row?.total, "2245.000000");
  });

  it("3: more than 5 % of a table rejected is a prominent warning", async () => {
    const rows = Array.from({ length: 9 }, (_, i) => `2018-01-0${i + 1} 10:00:00,5.00,${i}`);
    const path = writeLines(dir, "some-bad.csv", [
      "Buy Ts,Revenue,Uid",
      ...rows,
      "2018-01-09 10:00:00,abc,9",
    ]);
    const report = await ingestOne(engine, "orders", path);
    const w = warning(report, "orders", "mostly_rejected");
    assert.equal(w?.count, 1);
    assert.match(w?.message ?? "", /10% of the orders rows were rejected \(1 of 10\)/);
  });

  it("4: one far-off timestamp is a warning and stays out of the default window", async () => {
    const days = Array.from({ length: 30 }, (_, i) =>
      visit(String(i), `2018-01-${String(i + 1).padStart(2, "0")}`),
    );
    const path = writeLines(dir, "outlier.csv", [VISITS_HEADER, ...days, visit("999", "1970-01-01")]);
    const report = await ingestOne(engine, "visits", path);
    assert.deepEqual(report.window, { from: "2018-01-01", to: "2018-01-31", basis: "visits" });
    const w = warning(report, "visits", "time_outliers");
    assert.equal(w?.count, 1);
    assert.deepEqual(w?.examples, ["1970-01-01 10:00:00 user 999"]);
  });

  it("4: a steady spread of times has no outliers", async () => {
    const days = Array.from({ length: 28 }, (_, i) =>
      visit(String(i), `2018-02-${String(i + 1).padStart(2, "0")}`),
    );
    const report = await ingestOne(engine, "visits", writeLines(dir, "steady.csv", [VISITS_HEADER, ...days]));
    assert.equal(warning(report, "visits", "time_outliers"), undefined);
    assert.deepEqual(report.window, { from: "2018-02-01", to: "2018-03-01", basis: "visits" });
  });

  it("5: duplicate header names are a fatal error naming both columns", async () => {
    const path = writeLines(dir, "dup-header.csv", [
      "Buy Ts,Revenue,Uid,Revenue",
      "2018-01-01 10:00:00,5.00,1,7.00",
    ]);
    await assert.rejects(
      ingestOne(engine, "orders", path),
      /ambiguous header for revenue: "Revenue" \(column 2\) and "Revenue" \(column 4\)/,
    );
  });

  it("6: two cost rows for one source and day are summed, with a warning", async () => {
    const path = writeLines(dir, "two-costs.csv", [
      "source_id,dt,costs",
      "1,2018-01-01,10.00",
      "1,2018-01-01,2.50",
      "1,2018-01-02,4.00",
    ]);
    const report = await ingestOne(engine, "costs", path);
    const w = warning(report, "costs", "duplicate_cost_days");
    assert.equal(w?.count, 1);
    assert.deepEqual(w?.examples, ["2018-01-01 source 1: 2.5 + 10.0"]);
  });

  it("7: a Parquet TIMESTAMPTZ is read as its UTC wall clock, whatever the host's time zone", async () => {
    const path = join(dir, "tz.parquet");
    await engine.run(
      `COPY (SELECT '1' AS user_id, TIMESTAMPTZ '2018-01-01 20:00:00+00' AS ts, 5.0 AS revenue) TO $path (FORMAT parquet)`,
      { path },
    );
    await engine.run("SET TimeZone = 'Asia/Tokyo'");
    try {
      await ingestOne(engine, "orders", path);
      const [row] = await engine.all<{ ts: string }>(
        "SELECT strftime(ts, '%Y-%m-%d %H:%M') AS ts FROM orders",
      );
      assert.equal(row?.ts, "2018-01-01 20:00");
    } finally {
      await engine.run("SET TimeZone = 'UTC'");
    }
  });

  it("8: a malformed row is counted once, and the lines after it keep their numbers", async () => {
    const path = writeLines(dir, "short-rows.csv", [
      "Buy Ts,Revenue,Uid",
      "2018-01-01 10:00:00,5.00,1", // 2
      "2018-01-01 10:00:00,5.00", // 3: one field missing
      "2018-01-02 10:00:00", // 4: two fields missing
      "2018-01-02 11:00:00,abc,4", // 5: bad revenue
    ]);
    const report = await ingestOne(engine, "orders", path);
    assert.equal(file(report, "orders").rowsRead, 4);
    assert.deepEqual(reasons(report, "orders"), { malformed_line: [3, 4], bad_revenue: [5] });
    assert.equal(report.quarantine.rows, 3);
  });

  it("blank lines are skipped, said, and do not shift line numbers", async () => {
    const path = writeLines(dir, "blank.csv", [
      "Buy Ts,Revenue,Uid",
      "2018-01-01 10:00:00,5.00,1", // 2
      "", // 3
      "2018-01-02 11:00:00,abc,4", // 4
    ]);
    const report = await ingestOne(engine, "orders", path);
    assert.deepEqual(reasons(report, "orders"), { bad_revenue: [4] });
    assert.equal(file(report, "orders").rowsRead, 2);
    assert.deepEqual(warning(report, "orders", "blank_lines")?.examples, ["line 3"]);
  });
});

describe("smaller input cases", async () => {
  const engine = await freshEngine();

  it("bytes that are not UTF-8, or a NUL, reject the line as not UTF-8", async () => {
    const path = join(dir, "latin1.csv");
    writeFileSync(
      path,
      Buffer.concat([
        Buffer.from("Buy Ts,Revenue,Uid\n2018-01-01 10:00:00,5.00,1\n2018-01-01 10:00:00,5.00,"),
        Buffer.from([0xcf, 0xe5, 0xf2, 0xff]), // cp1251 bytes
        Buffer.from(
          "\n2018-01-01 10:00:00,5.00,a\0b\n2018-01-01 10:00:00,5.00,3\n2018-01-01 10:00:00,5.00,4\n",
        ),
      ]),
    );
    const report = await ingestOne(engine, "orders", path);
    assert.deepEqual(reasons(report, "orders"), { not_utf8: [3, 4] });
    const rows = await engine.all<{ raw: string }>("SELECT raw FROM quarantine WHERE line = 4");
    assert.equal(rows[0]?.raw, "2018-01-01 10:00:00,5.00,a\\0b");
  });

  it("a whole file in cp1251 is a fatal error suggesting conversion", async () => {
    const path = join(dir, "cp1251.csv");
    const line = Buffer.concat([
      Buffer.from("2018-01-01 10:00:00,5.00,"),
      Buffer.from([0xc8, 0xe2, 0xe0, 0xed]),
    ]);
    writeFileSync(path, Buffer.concat([Buffer.from("Buy Ts,Revenue,Uid\n"), line, Buffer.from("\n"), line]));
    await assert.rejects(ingestOne(engine, "orders", path), /cp1251\.csv: not UTF-8 text .*iconv -f cp1251/);
  });

  it("tabs and no-break spaces around values are trimmed like spaces", async () => {
    const path = writeLines(dir, "tabs.csv", [
      "Buy Ts,Revenue,Uid",
      "\t2018-01-01 10:00:00\t,\t5.00\t,\u00a07\t",
    ]);
    const report = await ingestOne(engine, "orders", path);
    assert.equal(file(report, "orders").rowsLoaded, 1);
    const [row] = await engine.all<{ user_id: string; revenue: string }>(
      "SELECT user_id, revenue::VARCHAR AS revenue FROM orders",
    );
    assert.deepEqual(row, { user_id: "7", revenue: "5.000000" });
  });

  it("money is a plain decimal that DECIMAL(18,6) holds exactly, or the row is rejected", async () => {
    const path = writeLines(dir, "money.csv", [
      "Buy Ts,Revenue,Uid",
      "2018-01-01 10:00:00,1_000,1", // 2: digit separator
      "2018-01-01 10:00:00,2.2500005,2", // 3: 7 decimal places
      "2018-01-01 10:00:00,1e-7,3", // 4: exponent
      "2018-01-01 10:00:00,1000000000000,4", // 5: 10^12
      "2018-01-01 10:00:00,2.2500000,5", // 6: trailing zeros are exact
      "2018-01-01 10:00:00,999999999999.999999,6", // 7: the largest exact amount
    ]);
    const report = await ingestOne(engine, "orders", path);
    assert.deepEqual(reasons(report, "orders"), { bad_revenue: [2, 4], inexact_amount: [3, 5] });
    const [row] = await engine.all<{ total: string }>("SELECT sum(revenue)::VARCHAR AS total FROM orders");
    assert.equal(row?.total, "1000000000002.249999");
  });

  it("a timestamp offset must exist (+99:00 is rejected, +03:00 kept as written)", async () => {
    const path = writeLines(dir, "offsets.csv", [
      "Buy Ts,Revenue,Uid",
      "2018-01-01 10:00:00+99:00,5.00,1",
      "2018-01-01 10:00:00+03:00,5.00,2",
      "2018-01-01T10:00:00.5-14:00,5.00,3",
    ]);
    const report = await ingestOne(engine, "orders", path);
    assert.deepEqual(reasons(report, "orders"), { bad_timestamp: [2] });
  });

  it("NDJSON: a bad line is one malformed row, not a fatal error; blank lines keep line numbers", async () => {
    const path = writeLines(dir, "orders.ndjson", [
      '{"Uid":"1","Buy Ts":"2018-01-01 10:00:00","Revenue":"5.00"}', // 1
      "", // 2
      '{"Uid":"2","Buy Ts":"2018-01-01 10:00:00","Revenue":5.0', // 3: cut short
      '{"Uid":"3","Buy Ts":"2018-01-01 11:00:00","Revenue":"abc"}', // 4
      '["not", "an", "object"]', // 5
      '{"Uid":"18446744073709551615","Buy Ts":"2018-01-01 12:00:00","Revenue":7}', // 6
    ]);
    const report = await ingestOne(engine, "orders", path);
    assert.deepEqual(reasons(report, "orders"), { malformed_line: [3, 5], bad_revenue: [4] });
    assert.equal(file(report, "orders").rowsRead, 5);
    assert.deepEqual(warning(report, "orders", "blank_lines")?.examples, ["line 2"]);
    const [row] = await engine.all<{ users: string }>(
      "SELECT string_agg(user_id, ',' ORDER BY user_id) AS users FROM orders",
    );
    assert.equal(row?.users, "1,18446744073709551615");
  });

  it("a Parquet DECIMAL(20,0) id column is read exactly", async () => {
    const path = join(dir, "decimal-id.parquet");
    await engine.run(
      `COPY (SELECT CAST('18446744073709551615' AS DECIMAL(20,0)) AS user_id, TIMESTAMP '2018-01-01 10:00:00' AS ts,
             5.0 AS revenue) TO $path (FORMAT parquet)`,
      { path },
    );
    await ingestOne(engine, "orders", path);
    const [row] = await engine.all<{ user_id: string }>("SELECT user_id FROM orders");
    assert.equal(row?.user_id, "18446744073709551615");
  });

  it("a DOUBLE id column is refused as floating point, not as 'above 2^53'", async () => {
    const path = join(dir, "double-id.parquet");
    await engine.run(
      `COPY (SELECT 7.0::DOUBLE AS user_id, TIMESTAMP '2018-01-01 10:00:00' AS ts, 5.0 AS revenue) TO $path (FORMAT parquet)`,
      { path },
    );
    await assert.rejects(ingestOne(engine, "orders", path), /holds ids as DOUBLE, a floating-point type/);
  });
});
