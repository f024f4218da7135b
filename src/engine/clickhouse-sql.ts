import type { SqlParam, SqlParams } from "./engine.ts";

/**
 * Metric SQL is written once, with DuckDB-style `$name` parameters. ClickHouse binds `{name:Type}`
 * placeholders instead, so every statement is rewritten here before it leaves the engine. The type
 * comes from the JS value (the SQL casts it to what it needs, e.g. `CAST($from AS DATE)`).
 *
 * The scan skips quoted strings, quoted identifiers and comments, so a `$` inside a literal is left
 * alone. It also refuses `//`: DuckDB's integer division is the start of a comment in ClickHouse,
 * which would silently cut the rest of the line away (measured: `SELECT 7 // 2 AS x` returns a column
 * named `7` holding 7).
 */
export function toClickHouseSql(sql: string, params: SqlParams = {}): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === "`") {
      const end = closingQuote(sql, i, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "/" && sql[i + 1] === "/") {
      throw new Error(
        "SQL for ClickHouse contains `//`, which ClickHouse reads as a comment: use the dialect's integer division",
      );
    } else if (c === "$" && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      const name = /^[A-Za-z_]\w*/.exec(sql.slice(i + 1))![0];
      if (!(name in params)) throw new Error(`SQL uses $${name}, which no parameter defines`);
      out += `{${name}:${clickHouseType(params[name]!)}}`;
      i += 1 + name.length;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The ClickHouse type a JS parameter value is bound as. */
export function clickHouseType(value: SqlParam): string {
  if (value === null) return "Nullable(String)";
  switch (typeof value) {
    case "string":
      return "String";
    case "boolean":
      return "Bool";
    case "number":
      if (!Number.isFinite(value)) throw new Error(`parameter value ${value} is not a finite number`);
      return Number.isInteger(value) ? "Int64" : "Float64";
  }
}

/** Index just past the quote that closes the one at `start` (a doubled or backslashed quote is kept). */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === "\\") i += 2;
    else if (sql[i] === quote && sql[i + 1] === quote) i += 2;
    else if (sql[i] === quote) return i + 1;
    else i += 1;
  }
  return sql.length;
}
