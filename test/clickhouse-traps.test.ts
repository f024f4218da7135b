/**
 * Each place where ClickHouse, left to its defaults, computes something other than DuckDB: first the
 * wrong answer on a bare client (no settings, no dialect), then the right one through
 * ClickHouseEngine, compared with DuckDB where DuckDB is the reference. On embedded ClickHouse (chdb).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { type ClickHouseSettings, createClient } from "@clickhouse/client";
import { openChdbConnection } from "../src/engine/chdb-connection.ts";
import { ClickHouseEngine } from "../src/engine/clickhouse-engine.ts";
import type { Engine, Row } from "../src/engine/engine.ts";
import { QueryError } from "../src/engine/query-error.ts";
import { loadRecords } from "./helpers/canonical-records.ts";
import { CHDB_SKIP } from "./helpers/engines.ts";
import { freshEngine } from "./helpers/temp.ts";

const MAX = "18446744073709551615"; // 2^64 - 1
const MAX_1 = "18446744073709551614"; // 2^64 - 2

describe("ClickHouse exactness traps", { skip: CHDB_SKIP }, async () => {
  if (CHDB_SKIP) return;
  const ch = await ClickHouseEngine.openChdb({ threads: 2 });
  const duck = await freshEngine();
  // A client with ClickHouse's defaults, on the same embedded server: what a naive port would get.
  const bare = createClient({ connection: await openChdbConnection() });
  after(async () => {
    await bare.close();
    await ch.close();
  });
  const bareText = async (query: string, settings: ClickHouseSettings = {}): Promise<string> => {
    const result = await bare.query({ query, format: "JSONEachRow", clickhouse_settings: settings });
    return (await result.text()).trim();
  };
  const bareRows = async (query: string, settings: ClickHouseSettings = {}) =>
    (await bareText(query, settings))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Row);
  const one = async (engine: Engine, sql: string) => (await engine.all(sql))[0]!;

  it("UInt64 in JSON loses digits unless quoted: 2^64-1 and 2^64-2 stay distinct end to end", async () => {
    const sql = `SELECT toUInt64('${MAX}') AS a, toUInt64('${MAX_1}') AS b`;
    const [lossy] = await bareRows(sql);
    assert.equal(lossy!.a, lossy!.b, "unquoted, JSON.parse rounds both to the same double");
    assert.deepEqual(await one(ch, sql), { a: MAX, b: MAX_1 });

    await loadRecords(ch.staging!, {
      visits: [MAX, MAX_1].map((user_id) => ({
        user_id,
        device: "desktop",
        source_id: MAX,
        start_ts: "2024-01-01 10:00:00",
        end_ts: "2024-01-01 10:05:00",
      })),
      orders: [{ user_id: MAX_1, ts: "2024-01-02 10:00:00", revenue: "1.00" }],
      costs: [],
    });
    await ch.importCanonical!();
    const users = await ch.all(
      `SELECT user_id, ${ch.dialect.toU64("user_id")} AS n, ${ch.dialect.isCanonicalU64("user_id")} AS ok
       FROM visits ORDER BY user_id`,
    );
    assert.deepEqual(users, [
      { user_id: MAX_1, n: MAX_1, ok: true },
      { user_id: MAX, n: MAX, ok: true },
    ]);
    const [buyer] = await ch.all(
      `SELECT v.user_id AS user_id, count() AS n FROM visits AS v JOIN orders AS o ON o.user_id = v.user_id
       GROUP BY v.user_id`,
    );
    assert.deepEqual(buyer, { user_id: MAX_1, n: "1" });
  });

  it("join_use_nulls: a LEFT JOIN miss is NULL, not 0", async () => {
    const sql = `SELECT a.k AS k, b.v AS v FROM (SELECT 1 AS k UNION ALL SELECT 2 AS k) AS a
      LEFT JOIN (SELECT 1 AS k, 5 AS v) AS b ON a.k = b.k ORDER BY k`;
    assert.deepEqual(await bareRows(sql), [
      { k: 1, v: 5 },
      { k: 2, v: 0 },
    ]);
    assert.deepEqual(await ch.all(sql), [
      { k: 1, v: 5 },
      { k: 2, v: null },
    ]);
  });

  it("group_by_use_nulls: the ROLLUP total row is keyed NULL, not 0 (which is a real key here)", async () => {
    const sql = `SELECT k, count() AS n FROM (SELECT arrayJoin([0, 0, 1]) AS k) GROUP BY ROLLUP(k)
      ORDER BY k NULLS LAST`;
    const wrong = await bareRows(sql);
    assert.equal(wrong.filter((r) => r.k === 0).length, 2, "total and key 0 both read k = 0");
    assert.deepEqual(await ch.all(sql), [
      { k: 0, n: "2" },
      { k: 1, n: "1" },
      { k: null, n: "3" },
    ]);
  });

  it("prefer_column_name_to_alias: an alias does not shadow the input column of the same name", async () => {
    const sql = "SELECT x * 2 AS x, x + 1 AS y FROM (SELECT 10 AS x)";
    assert.deepEqual(await bareRows(sql), [{ x: 20, y: 21 }]);
    assert.deepEqual(await ch.all(sql), [{ x: 20, y: 11 }]);
    assert.deepEqual(await duck.all(sql), [{ x: 20, y: 11 }]);
  });

  it("aggregate_functions_null_for_empty: sum over no rows is NULL, as in DuckDB", async () => {
    const sql = "SELECT sum(x) AS s, max(x) AS m FROM (SELECT 1 AS x) WHERE x > 1";
    assert.deepEqual(await bareRows(sql), [{ s: 0, m: 0 }]);
    assert.deepEqual(await ch.all(sql), [{ s: null, m: null }]);
    assert.deepEqual(await duck.all(sql), [{ s: null, m: null }]);
  });

  it("`//` starts a comment in ClickHouse: the engine refuses it instead of cutting the line", async () => {
    assert.deepEqual(await bareRows("SELECT 7 // 2 AS x"), [{ 7: 7 }]);
    await assert.rejects(ch.all("SELECT 7 // 2 AS x"), (e: unknown) => {
      assert.ok(e instanceof QueryError && /reads as a comment/.test(e.message), String(e));
      return true;
    });
    // Inside a literal it is text, not an operator.
    assert.deepEqual(await ch.all("SELECT 'http://x' AS u"), [{ u: "http://x" }]);
  });

  const dayList = (engine: Engine) =>
    engine === duck
      ? "SELECT CAST(DATE '2023-12-01' + CAST(i AS INTEGER) AS DATE) AS d FROM range(70) t(i)"
      : "SELECT toDate('2023-12-01') + number AS d FROM numbers(70)";

  it("toStartOfWeek starts on Sunday; the dialect's toMonday is DuckDB's ISO week", async () => {
    const [row] = await bareRows("SELECT toStartOfWeek(toDate('2024-01-03')) AS s");
    assert.equal(row!.s, "2023-12-31");
    const weeks = async (engine: Engine) =>
      (
        await engine.all(
          `SELECT ${engine.dialect.formatDay(engine.dialect.truncWeek("d"))} AS w FROM (${dayList(engine)}) ORDER BY d`,
        )
      ).map((r) => r.w);
    assert.deepEqual(await weeks(ch), await weeks(duck));
    assert.equal((await weeks(ch))[33], "2024-01-01"); // 2024-01-03 is a Wednesday
  });

  it("dateDiff('month') counts calendar boundaries like DuckDB; age() does not", async () => {
    const [row] = await bareRows(
      "SELECT dateDiff('month', toDate('2024-01-31'), toDate('2024-02-01')) AS dd, age('month', toDate('2024-01-31'), toDate('2024-02-01')) AS ag",
    );
    assert.deepEqual(row, { dd: 1, ag: 0 });
    const months = async (engine: Engine) => {
      const start = engine === duck ? "DATE '2024-01-31'" : "toDate('2024-01-31')";
      return (
        await engine.all(
          `SELECT ${engine.dialect.monthsBetween(start, "d")} AS m, ${engine.dialect.daysBetween(start, "d")} AS dd
           FROM (${dayList(engine)}) ORDER BY d`,
        )
      ).map((r) => [r.m, r.dd]);
    };
    assert.deepEqual(await months(ch), await months(duck));
  });

  it("quantileExactInclusive equals DuckDB's quantile_cont; plain quantile() is approximate", async () => {
    const [approx] = await bareRows("SELECT quantile(0.9)(number) AS q FROM numbers(100001)");
    assert.notEqual(approx!.q, 90000);
    const q = async (engine: Engine, from: string) =>
      (
        await engine.all(
          `SELECT ${engine.dialect.quantile("x", 0.9)} AS q, ${engine.dialect.quantile("x", 0.5)} AS m FROM ${from}`,
        )
      )[0];
    const chq = await q(ch, "(SELECT number * 3 % 1000 AS x FROM numbers(100001))");
    const dq = await q(duck, "(SELECT i * 3 % 1000 AS x FROM range(100001) t(i))");
    assert.deepEqual(chq, dq);
    assert.deepEqual(await q(ch, "(SELECT arrayJoin([1, 2, 3, 10]) AS x)"), { q: 7.900000000000001, m: 2.5 });
  });

  it("float -> int truncates in ClickHouse where DuckDB rounds: secondsBetween rounds like DuckDB", async () => {
    const [t] = await bareRows("SELECT toInt64(2.7) AS a, CAST(-2.7 AS INTEGER) AS b");
    assert.deepEqual(t, { a: 2, b: -2 });
    assert.deepEqual(
      await duck.all("SELECT CAST(2.7::DOUBLE AS BIGINT) AS a, CAST(-2.7::DOUBLE AS INTEGER) AS b"),
      [{ a: "3", b: -3 }],
    );
    // Session lengths ending on .5 s (DuckDB rounds half to even), just under, and negative.
    const pairs = [
      ["2024-03-31 01:59:59.5", "2024-03-31 03:00:00"],
      ["2024-03-31 01:59:58.5", "2024-03-31 03:00:00"],
      ["2024-01-01 00:00:00.000001", "2024-01-01 00:00:02.5"],
      ["2024-01-01 00:00:00", "2024-01-01 00:00:02.499999"],
      ["2024-01-01 00:00:03", "2024-01-01 00:00:00.5"],
      ["2024-01-01 00:00:00", "2024-01-01 00:00:00.7"],
    ];
    const seconds = async (engine: Engine) => {
      const ts = (s: string) => (engine === duck ? `TIMESTAMP '${s}'` : `toDateTime64('${s}', 6)`);
      const sql = pairs.map(([a, b], i) => `${engine.dialect.secondsBetween(ts(a!), ts(b!))} AS s${i}`);
      return one(engine, `SELECT ${sql.join(", ")}`);
    };
    const want = await seconds(duck);
    assert.deepEqual(await seconds(ch), want);
    assert.deepEqual(Object.values(want), ["3600", "3602", "2", "2", "-2", "1"]);
  });

  it("argMax ties are arbitrary: a tie-break on the key makes the result independent of row order", async () => {
    const picks = new Set<string>();
    const stable = new Set<string>();
    for (const order of ["ASC", "DESC"]) {
      const from = `(SELECT * FROM (SELECT arrayJoin(['a', 'b', 'c']) AS s, 1 AS v) ORDER BY s ${order})`;
      const [r] = await ch.all(`SELECT argMax(s, v) AS naive, argMax(s, (v, s)) AS tie_broken FROM ${from}`);
      picks.add(String(r!.naive));
      stable.add(String(r!.tie_broken));
    }
    assert.equal(picks.size, 2, "the plain argMax follows the order rows arrive in");
    assert.deepEqual([...stable], ["c"]);
  });

  it("DateTime64 with session_timezone = 'UTC': a daylight-saving change does not bend the wall clock", async () => {
    const sql =
      "SELECT dateDiff('second', toDateTime64('2024-03-31 01:00:00', 6), toDateTime64('2024-03-31 04:00:00', 6)) AS s";
    assert.deepEqual(await bareRows(sql, { session_timezone: "Europe/Berlin" }), [{ s: 7200 }]);
    assert.deepEqual(await ch.all(sql), [{ s: "10800" }]);
    const [d] = await ch.all(
      `SELECT ${ch.dialect.microsBetween("toDateTime64('2024-03-31 01:00:00', 6)", "toDateTime64('2024-03-31 04:00:00.000001', 6)")} AS us`,
    );
    assert.equal(d!.us, "10800000001");
  });

  it("money is Decimal: sums are exact to the cent and come back as strings", async () => {
    const floats = "SELECT sum(x) AS s FROM (SELECT arrayJoin([0.1, 0.2, 0.3]) AS x)";
    assert.deepEqual(await bareRows(floats), [{ s: 0.6000000000000001 }]);
    const decimals =
      "SELECT sum(x) AS s FROM (SELECT arrayJoin([toDecimal64('0.1', 6), toDecimal64('0.2', 6), toDecimal64('0.3', 6)]) AS x)";
    assert.equal(typeof (await bareRows(decimals))[0]!.s, "number", "unquoted, a decimal is a JSON number");
    assert.deepEqual(await ch.all(decimals), [{ s: "0.600000" }]);
    assert.deepEqual(
      await duck.all("SELECT sum(x) AS s FROM (SELECT unnest([0.1, 0.2, 0.3]::DECIMAL(18,6)[]) AS x)"),
      [{ s: "0.600000" }],
    );
  });

  it("every Dialect member runs on ClickHouse and agrees with DuckDB", async () => {
    const exprs = (engine: Engine) => {
      const d = engine.dialect;
      const ts =
        engine === duck ? "TIMESTAMP '2024-02-29 23:59:59.75'" : "toDateTime64('2024-02-29 23:59:59.75', 6)";
      const later =
        engine === duck ? "TIMESTAMP '2024-05-01 00:00:00'" : "toDateTime64('2024-05-01 00:00:00', 6)";
      return [
        `${d.formatDay(d.truncDay(ts))} AS day`,
        `${d.formatDay(d.truncWeek(ts))} AS week`,
        `${d.formatMonth(d.truncMonth(ts))} AS month`,
        `${d.monthsBetween(d.truncMonth(ts), d.truncMonth(later))} AS months`,
        `${d.weeksBetween(d.truncWeek(ts), d.truncWeek(later))} AS weeks`,
        `${d.daysBetween(ts, later)} AS days`,
        `${d.secondsBetween(ts, later)} AS seconds`,
        `${d.microsBetween(ts, later)} AS micros`,
        `${d.formatDay(d.truncDay(d.addMicros(ts, "250000")))} AS next_day`,
        `${d.safeDivide("3", "0")} AS div0`,
        `${d.safeDivide("3", "4")} AS div`,
        `${d.countDistinct("x")} AS n`,
        `${d.isCanonicalU64("'007'")} AS c007`,
        `${d.isCanonicalU64("'18446744073709551616'")} AS c_over`,
        `${d.isCanonicalU64(`'${MAX}'`)} AS c_max`,
        `${d.toU64(`'${MAX}'`)} AS u_max`,
        `${d.formatDay(d.addDays(d.truncDay(ts), "3"))} AS plus3`,
        `${d.intDivide("17", "5")} AS q`,
        `${d.bucketOf(`'${MAX}'`, 128)} AS bucket_max`,
        `${d.bucketOf("'a'", 128)} AS bucket_a`,
      ].join(", ");
    };
    const from = (engine: Engine) =>
      engine === duck
        ? "(SELECT unnest(['a', 'b', 'a', NULL]) AS x)"
        : "(SELECT arrayJoin([toNullable('a'), 'b', 'a', NULL]) AS x)";
    const got = await one(ch, `SELECT ${exprs(ch)} FROM ${from(ch)}`);
    const want = await one(duck, `SELECT ${exprs(duck)} FROM ${from(duck)}`);
    assert.deepEqual(got, want);
    assert.equal(want.week, "2024-02-26");
    assert.equal(want.n, "2");
  });
});
