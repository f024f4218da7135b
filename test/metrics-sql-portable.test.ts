/**
 * The metric SQL stays portable (issue 8: the ClickHouse engine is a dialect, not a fork of the
 * metrics): engine syntax lives in src/engine/dialect.ts only. This reads the SQL text of every metric
 * module (template literals that contain SELECT, with `${...}` holes replaced by a placeholder) and
 * checks the rules; each rule names the ClickHouse behaviour it guards against.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";

const DIR = new URL("../src/metrics/", import.meta.url);

/** SQL fragments of a module: template literals that contain a SELECT, holes replaced by `X`. */
function sqlOf(source: string): string[] {
  const out: string[] = [];
  for (let i = source.indexOf("`"); i !== -1; i = source.indexOf("`", i)) {
    let j = i + 1;
    let text = "";
    while (j < source.length && source[j] !== "`") {
      if (source[j] === "$" && source[j + 1] === "{") {
        let depth = 1;
        j += 2;
        while (j < source.length && depth > 0) {
          if (source[j] === "{") depth++;
          else if (source[j] === "}") depth--;
          else if (source[j] === "`") {
            // a nested template inside a hole: skip it whole
            j = source.indexOf("`", j + 1);
          }
          j++;
        }
        text += " X ";
        continue;
      }
      text += source[j];
      j++;
    }
    if (/\bSELECT\b/i.test(text)) out.push(text);
    i = j + 1;
  }
  return out;
}

const FORBIDDEN: [RegExp, string][] = [
  [/::/, "`::` casts are DuckDB/Postgres syntax: use CAST(x AS T)"],
  [/\w\s*\/\/\s*\w/, "`//` starts a comment in ClickHouse: use dialect.intDivide"],
  [/\bGROUP BY ALL\b/i, "GROUP BY ALL: name the grouping columns"],
  [/\bFILTER\s*\(\s*WHERE/i, "aggregate FILTER: use sum(CASE WHEN ...)"],
  [
    /\b(list|list_\w+|unnest|arg_max|arg_min|bool_and|bool_or|any_value|epoch|epoch_us|strftime|date_trunc|datediff|range)\s*\(/i,
    "a DuckDB function: go through the dialect",
  ],
  [/\bIS NOT DISTINCT FROM\b/i, "IS NOT DISTINCT FROM: use dialect.nullSafeEquals"],
  [/\bTRY_CAST\b|\bUBIGINT\b/i, "DuckDB types and casts: go through the dialect"],
  [/\bCREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?TABLE\b/i, "DDL differs per engine: use engine.createTemp"],
  [/\b(true|false)\b/i, "boolean literals: write flags as 0/1 integers"],
];

/** Top-level select items of each SELECT ... FROM in a fragment. */
function selectItems(sql: string): string[] {
  const items: string[] = [];
  const re = /\bSELECT\b(?:\s+DISTINCT\b)?/gi;
  for (let m = re.exec(sql); m !== null; m = re.exec(sql)) {
    let depth = 0;
    let item = "";
    for (let k = m.index + m[0].length; k < sql.length; k++) {
      const ch = sql[k]!;
      if (ch === "(") depth++;
      if (ch === ")") {
        if (depth === 0) break;
        depth--;
      }
      if (depth === 0 && /^\s*FROM\b/i.test(sql.slice(k))) break;
      if (depth === 0 && ch === ",") {
        items.push(item.trim());
        item = "";
        continue;
      }
      item += ch;
    }
    if (item.trim()) items.push(item.trim());
  }
  return items;
}

/**
 * A trailing ORDER BY (or LIMIT) after a UNION ALL at the same nesting depth: DuckDB orders the whole
 * union, ClickHouse binds it to the union's last SELECT only (stop 16: orders_by_cohort came out in
 * another row order on chdb). Wrap the union in a subquery and order outside it.
 */
function orderAfterUnion(sql: string): string | null {
  const unionDepths = new Set<number>();
  let depth = 0;
  for (let k = 0; k < sql.length; k++) {
    const ch = sql[k]!;
    if (ch === "(") depth++;
    else if (ch === ")") {
      unionDepths.delete(depth);
      depth--;
    } else if (/^UNION\s+ALL\b/i.test(sql.slice(k, k + 16)) && /\W/.test(sql[k - 1] ?? " "))
      unionDepths.add(depth);
    else if (
      unionDepths.has(depth) &&
      /^(ORDER\s+BY|LIMIT)\b/i.test(sql.slice(k, k + 12)) &&
      /\W/.test(sql[k - 1] ?? " ")
    )
      return sql.slice(k, k + 40);
  }
  return null;
}

describe("metric SQL is portable", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".ts"));
  it("finds the SQL of the metric modules", () => {
    const count = files.reduce((n, f) => n + sqlOf(readFileSync(new URL(f, DIR), "utf8")).length, 0);
    assert.ok(count >= 40, `only ${count} SQL fragments found: the scanner is broken`);
  });
  for (const file of files) {
    it(`${file}: no engine-specific syntax, every computed select item aliased`, () => {
      const problems: string[] = [];
      for (const sql of sqlOf(readFileSync(new URL(file, DIR), "utf8"))) {
        const code = sql.replace(/--[^\n]*/g, "");
        for (const [re, why] of FORBIDDEN) if (re.test(code)) problems.push(`${why}: ${code.match(re)?.[0]}`);
        const trailing = orderAfterUnion(code);
        if (trailing)
          problems.push(`ORDER BY/LIMIT after UNION ALL binds to the last SELECT on ClickHouse: ${trailing}`);
        for (const item of selectItems(code)) {
          // Plain column names and stars keep their names on every engine; anything else needs AS.
          if (/^(\*|\w+\.\*|\w+|X)$/.test(item)) continue;
          if (!/\bAS\s+\w+$/i.test(item)) problems.push(`select item without an alias: ${item.slice(0, 80)}`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }
  it("the scanner catches what it should", () => {
    const bad = sqlOf("const q = `SELECT a.x, count(*) FROM t GROUP BY ALL`;")[0]!;
    assert.ok(FORBIDDEN.some(([re]) => re.test(bad)));
    assert.deepEqual(selectItems(bad), ["a.x", "count(*)"]);
    assert.ok(orderAfterUnion("SELECT a AS a FROM t UNION ALL SELECT b AS a FROM u ORDER BY a"));
    assert.equal(
      orderAfterUnion("SELECT * FROM (SELECT a AS a FROM t UNION ALL SELECT b AS a FROM u) x ORDER BY a"),
      null,
    );
    assert.equal(
      orderAfterUnion(
        "SELECT a AS a FROM (SELECT a AS a FROM t ORDER BY a LIMIT 1) x UNION ALL SELECT b AS a FROM u",
      ),
      null,
    );
  });
});
