/**
 * The HTTP path of the ClickHouse engine: @clickhouse/client over a real loopback socket to a small
 * endpoint that runs each request on embedded ClickHouse (test/helpers/chdb-http-endpoint.ts). It
 * checks what travels on the wire: parameters, settings, the database, credentials, Parquet uploads
 * and errors. README.md says what this does not prove.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ClickHouseEngine } from "../src/engine/clickhouse-engine.ts";
import { QueryError } from "../src/engine/query-error.ts";
import { loadRecords } from "./helpers/canonical-records.ts";
import { startChdbHttpEndpoint } from "./helpers/chdb-http-endpoint.ts";
import { CHDB_SKIP } from "./helpers/engines.ts";

const MAX = "18446744073709551615";
const MAX_1 = "18446744073709551614";
const credentials = { username: "analyst", password: "s3cret'pw" };

describe("ClickHouse engine over HTTP (loopback endpoint backed by chdb)", { skip: CHDB_SKIP }, async () => {
  if (CHDB_SKIP) return;
  const endpoint = await startChdbHttpEndpoint(credentials);
  const engine = await ClickHouseEngine.connect({ url: endpoint.url, ...credentials, database: "cs_http" });
  after(async () => {
    await engine.close();
    await endpoint.close();
  });

  it("binds $name parameters as typed ClickHouse parameters, text exactly as given", async () => {
    const tricky = "it's a \\ back\tslash\nand 'quotes'";
    const [row] = await engine.all(
      "SELECT $s AS s, $n AS n, $f AS f, $b AS b, CAST($d AS DATE) AS d, $z IS NULL AS z_null",
      { s: tricky, n: 9_007_199_254_740_991, f: 0.25, b: true, d: "2024-02-29", z: null },
    );
    assert.deepEqual(row, { s: tricky, n: "9007199254740991", f: 0.25, b: true, d: "2024-02-29", z_null: 1 });
    const sent = endpoint.requests.at(-1)!;
    assert.match(
      sent.query,
      /\{s:String\}.*\{n:Int64\}.*\{f:Float64\}.*\{b:Bool\}.*\{z:Nullable\(String\)\}/s,
    );
    assert.equal(sent.params.s, tricky);
  });

  it("sends the exactness settings and the run's database with every request, credentials only in the header", async () => {
    await engine.all("SELECT 1 AS x");
    const sent = endpoint.requests.at(-1)!;
    for (const [k, v] of Object.entries({
      join_use_nulls: "1",
      group_by_use_nulls: "1",
      prefer_column_name_to_alias: "1",
      session_timezone: "UTC",
      output_format_json_quote_64bit_integers: "1",
      output_format_json_quote_decimals: "1",
    }))
      assert.equal(sent.settings[k], v, k);
    assert.equal(sent.database, "cs_http");
    for (const r of endpoint.requests) assert.ok(!r.url.includes("s3cret"), "the password is never in a URL");
    const [miss] = await engine.all(
      "SELECT b.v AS v FROM (SELECT 2 AS k) AS a LEFT JOIN (SELECT 1 AS k, 5 AS v) AS b ON a.k = b.k",
    );
    assert.deepEqual(miss, { v: null });
  });

  it("uploads canonical tables as Parquet; ids 2^64-1 and 2^64-2 stay distinct end to end", async () => {
    await loadRecords(engine.staging, {
      visits: [MAX, MAX_1].map((user_id, i) => ({
        user_id,
        device: "touch",
        source_id: "007",
        start_ts: `2024-01-0${i + 1} 23:59:59.999999`,
        end_ts: `2024-01-0${i + 2} 00:00:00.5`,
      })),
      orders: [{ user_id: MAX, ts: "2024-01-03 10:00:00", revenue: "1234567890.123456" }],
      costs: [{ source_id: "007", date: "2024-01-01", costs: "0.10" }],
    });
    await engine.importCanonical();
    assert.ok(
      endpoint.requests.some((r) => /FROM file\(.*Parquet\)/.test(r.query)),
      "sent as Parquet",
    );
    const visits = await engine.all(
      `SELECT user_id, source_id, toString(start_ts) AS start_ts, ${engine.dialect.secondsBetween("start_ts", "end_ts")} AS s
       FROM visits ORDER BY user_id`,
    );
    assert.deepEqual(visits, [
      { user_id: MAX_1, source_id: "007", start_ts: "2024-01-02 23:59:59.999999", s: "1" },
      { user_id: MAX, source_id: "007", start_ts: "2024-01-01 23:59:59.999999", s: "1" },
    ]);
    assert.deepEqual(await engine.all("SELECT sum(revenue) AS r FROM orders"), [{ r: "1234567890.123456" }]);
    assert.deepEqual(await engine.all("SELECT toString(date) AS d, costs FROM costs"), [
      { d: "2024-01-01", costs: "0.100000" },
    ]);
  });

  it("creates and drops run-scoped tables in the run's database", async () => {
    await engine.createTemp("cs_probe", "SELECT number AS n FROM numbers(3) WHERE number < $k", { k: 2 });
    assert.deepEqual(await engine.all("SELECT count() AS c FROM cs_http.cs_probe"), [{ c: "2" }]);
    await engine.dropTemp("cs_probe");
    await engine.dropTemp("cs_probe");
    await assert.rejects(engine.all("SELECT * FROM cs_probe"), QueryError);
  });

  it("reports ClickHouse's own error message as a QueryError with the SQL", async () => {
    await assert.rejects(engine.all("SELECT no_such_column AS x"), (e: unknown) => {
      assert.ok(e instanceof QueryError, String(e));
      assert.match(e.message, /no_such_column/);
      assert.match(e.sql, /SELECT no_such_column/);
      return true;
    });
  });

  it("a wrong password fails with the server's message, naming neither user nor password", async () => {
    await assert.rejects(
      ClickHouseEngine.connect({ url: endpoint.url, username: "analyst", password: "wrong" }),
      (e: unknown) => {
        assert.ok(e instanceof QueryError);
        assert.match(
          e.message,
          /cannot reach ClickHouse at http:\/\/127\.0\.0\.1:\d+: .*Authentication failed/,
        );
        assert.ok(!e.message.includes("wrong"));
        return true;
      },
    );
  });
});
