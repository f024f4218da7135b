/** The `$name` -> `{name:Type}` rewrite every ClickHouse statement goes through (no ClickHouse needed). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clickHouseType, toClickHouseSql } from "../src/engine/clickhouse-sql.ts";

describe("toClickHouseSql", () => {
  it("types each parameter from its JS value", () => {
    assert.equal(
      toClickHouseSql("SELECT CAST($from AS DATE), $h, $m, $on, $none, $from", {
        from: "2024-01-01",
        h: 6,
        m: 0.5,
        on: true,
        none: null,
      }),
      "SELECT CAST({from:String} AS DATE), {h:Int64}, {m:Float64}, {on:Bool}, {none:Nullable(String)}, {from:String}",
    );
    assert.throws(() => clickHouseType(Number.NaN), /not a finite number/);
  });

  it("leaves $ inside literals, quoted identifiers and comments alone", () => {
    const sql = "SELECT '$a', 'it''s $a', \"$a\", `$a` -- $a\n, $a /* $a */";
    assert.equal(
      toClickHouseSql(sql, { a: 1 }),
      "SELECT '$a', 'it''s $a', \"$a\", `$a` -- $a\n, {a:Int64} /* $a */",
    );
  });

  it("refuses // (a comment in ClickHouse) and an undefined parameter", () => {
    assert.throws(() => toClickHouseSql("SELECT 7 // 2 AS x"), /reads as a comment/);
    assert.equal(toClickHouseSql("SELECT 'a//b' AS x"), "SELECT 'a//b' AS x");
    assert.throws(() => toClickHouseSql("SELECT $missing"), /\$missing/);
  });
});
