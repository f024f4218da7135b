import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Engine } from "../engine/engine.ts";
import { CANONICAL_FIELDS, type TableName } from "./canonical.ts";
import type { ParsedField } from "./field-parsers.ts";
import { type FileReader, quoteString, readingRows } from "./file-reader.ts";
import { InputError } from "./input-error.ts";
import type { TableSource } from "./load-table.ts";
import { canonicalJsonSql, keyHashSql, parsed, parsedRowsSql, rawJsonSql } from "./parsed-rows.ts";

/*
 * Parquet read in place (issue 14). A Parquet file whose columns already have the canonical types
 * needs no parsing worth storing: copying its rows into DuckDB's own table cost as much as the checks.
 * Instead the load stores only what the file cannot say by itself, the rows set aside (rejected, with
 * reasons and values as read, or exact repeats of an earlier row), by their row number in the file.
 * The canonical `<table>` is then a view over the file that leaves those rows out. Its values are the
 * copying load's parse expressions over the same columns (src/ingest/parsed-rows.ts), so every
 * number, the quarantine and the audit are those of the copy (test/ingest-in-place.test.ts).
 *
 * The view leaves rows out by number (an anti-join with a table of a few rows) rather than by
 * re-applying the checks: a later scan then reads only the columns it asks for, where the checks would
 * read every field of every row each time.
 */

/** Row numbers (from 0, file order) of the rows the view leaves out, with the quarantine's reason and raw. */
const excludedTable = (table: TableName) => `in_place_excluded_${table}`;

/** The files read in place, with their size and modification time when they were checked. */
export const IN_PLACE_FILES_DDL =
  "CREATE OR REPLACE TABLE in_place_files (table_name VARCHAR, path VARCHAR, size DOUBLE, mtime_ms DOUBLE)";

/** DuckDB's name for the row-number column of read_parquet; a file column of that name would clash. */
const ROW_NUMBER = "file_row_number";

/**
 * Whether this load reads the file in place: asked for (`inPlace`, `--parquet-in-place`), and a
 * Parquet file whose every field is read without parsing
 * text (ids and labels VARCHAR, times and money typed columns), into a database that does not outlive
 * the process (a kept database must hold its rows: the file may move or change after the run).
 */
export function readsInPlace(
  engine: Engine,
  source: TableSource,
  reader: FileReader,
  fields: readonly ParsedField[],
  params: Record<string, string>,
): boolean {
  if (reader.format !== "parquet" || source.inPlace !== true || engine.kept === true) return false;
  // A view holds no bound parameters: only loads whose parse needs none (no --date-format) qualify.
  if (Object.keys(params).length > 0 || reader.columns.includes(ROW_NUMBER)) return false;
  return fields.every((f) =>
    f.kind === "id" || f.kind === "label" ? f.type === "VARCHAR" : f.type !== "VARCHAR",
  );
}

/**
 * The in-place load: one pass for the rejects, one grouping of the rows' key hashes, and, only where
 * keys repeat, a field-by-field comparison that finds the exact repeats; then the quarantine and the
 * view. Returns the counts the load reports.
 */
export async function readInPlace(
  engine: Engine,
  table: TableName,
  path: string,
  reader: FileReader,
  fields: readonly ParsedField[],
): Promise<{ rows: number; loaded: number; malformedLines: number }> {
  const names = CANONICAL_FIELDS[table];
  const excluded = excludedTable(table);
  const rows = parsedRowsSql(table, fields, `read_parquet($path, ${ROW_NUMBER} = true)`);
  const stat = statSync(path);
  await engine.run(`DROP TABLE IF EXISTS ingested_${table}`);
  // The rejects, and the valid rows whose text the parse changes (a padded id): where there are
  // none, the view reads that column as stored instead of trimming every value on every scan.
  const text = fields.filter((f) => f.kind === "id" || f.kind === "label");
  const altered = (f: ParsedField) => `altered_${f.field}`;
  await readingRows(
    engine,
    path,
    `CREATE OR REPLACE TABLE ${excluded} AS SELECT * FROM (
       SELECT ${ROW_NUMBER} AS row_index, reason, CASE WHEN reason IS NOT NULL THEN ${rawJsonSql(fields)} END AS raw,
              ${text.map((f) => `(reason IS NULL AND ${parsed(f.field)} IS DISTINCT FROM ${f.rawSql}) AS ${altered(f)}`).join(", ")}
       FROM (${rows}) s)
     WHERE reason IS NOT NULL ${text.map((f) => `OR ${altered(f)}`).join(" ")}`,
    reader.params,
    true,
  );
  const [changed] = await engine.all<Record<string, boolean | null>>(
    `SELECT ${text.map((f) => `bool_or(${altered(f)}) AS ${altered(f)}`).join(", ")} FROM ${excluded}`,
  );
  const asStored = new Set(text.filter((f) => changed?.[altered(f)] !== true).map((f) => f.field));
  await engine.run(`DELETE FROM ${excluded} WHERE reason IS NULL`);
  // Key hashes that repeat, over every row: without the checks the scan reads and parses the two key
  // columns only. A reject sharing a valid row's key only makes a candidate that the comparison
  // below, over valid rows, clears.
  await readingRows(
    engine,
    path,
    `CREATE OR REPLACE TEMP TABLE dup_hashes AS
     SELECT ${keyHashSql(table)} AS key_hash FROM (${rows}) s GROUP BY 1 HAVING count(*) > 1`,
    reader.params,
    true,
  );
  const [candidates] = await engine.all<{ n: number }>("SELECT count(*)::INTEGER AS n FROM dup_hashes");
  if ((candidates?.n ?? 0) > 0) {
    // The first of a group of equal rows (file order) is kept, as the copying load keeps it.
    const all = names.map(parsed).join(", ");
    await readingRows(
      engine,
      path,
      `INSERT INTO ${excluded} (row_index, reason, raw)
       SELECT row_index, 'duplicate_row', ${canonicalJsonSql(table, parsed)} FROM (
         SELECT ${ROW_NUMBER} AS row_index, ${all}, row_number() OVER (PARTITION BY ${all} ORDER BY ${ROW_NUMBER}) AS k
         FROM (${rows}) s WHERE reason IS NULL AND ${keyHashSql(table)} IN (SELECT key_hash FROM dup_hashes))
       WHERE k > 1`,
      reader.params,
      true,
    );
  }
  await engine.run("DROP TABLE dup_hashes");
  await engine.run(
    `INSERT INTO quarantine SELECT $table, $path, row_index + ${reader.firstLine}, reason, raw FROM ${excluded}`,
    { table, path },
  );
  const [counts] = await readingRows<{ rows: number; excluded: number }>(
    engine,
    path,
    `SELECT (SELECT count(*) FROM read_parquet($path))::DOUBLE AS rows,
            (SELECT count(*) FROM ${excluded})::DOUBLE AS excluded`,
    reader.params,
  );
  const left = counts?.excluded ?? 0;
  await createView(engine, table, path, fields, asStored, left > 0);
  await engine.run("INSERT INTO in_place_files VALUES ($table, $path, $size, $mtime)", {
    table,
    path,
    size: stat.size,
    mtime: stat.mtimeMs,
  });
  return { rows: counts?.rows ?? 0, loaded: (counts?.rows ?? 0) - left, malformedLines: 0 };
}

/**
 * The canonical view over the file: each field by the copying load's parse, or as stored where the
 * parse changes no value the view shows (`asStored`: for a row the view shows, the parse of a text id
 * is its trimmed value, equal to the stored one when trimming changes nothing). A view cannot hold a
 * bound parameter, so the file's absolute path is written into it as a quoted SQL string: the one
 * value in SQL text, and only ever a path just read.
 */
async function createView(
  engine: Engine,
  table: TableName,
  path: string,
  fields: readonly ParsedField[],
  asStored: ReadonlySet<string>,
  leavesOut: boolean,
): Promise<void> {
  const byField = new Map(fields.map((f) => [f.field, f] as const));
  const value = (f: ParsedField) => (asStored.has(f.field) ? f.rawSql : f.sql);
  const values = CANONICAL_FIELDS[table].map((n) => `${value(byField.get(n)!)} AS ${n}`).join(", ");
  const file = quoteString(resolve(path));
  const from = leavesOut
    ? `read_parquet(${file}, ${ROW_NUMBER} = true) s ANTI JOIN ${excludedTable(table)} e ON e.row_index = s.${ROW_NUMBER}`
    : `read_parquet(${file}) s`;
  await engine.run(`CREATE OR REPLACE VIEW ${table} AS SELECT ${values} FROM ${from}`);
}

/**
 * Stops when a file read in place has changed since it was checked: the view would read rows the
 * checks never saw, and the row numbers set aside would name other rows. Called after every step that
 * reads the views (the audit, the metrics).
 */
export async function assertInPlaceUnchanged(engine: Engine): Promise<void> {
  const [ingested] = await engine.all(
    "SELECT 1 AS x FROM information_schema.tables WHERE table_name = 'in_place_files' AND table_schema = 'main'",
  );
  if (!ingested) return;
  const known = await engine.all<{ path: string; size: number; mtime_ms: number }>(
    "SELECT path, size, mtime_ms FROM in_place_files ORDER BY path",
  );
  for (const f of known) {
    let now: { size: number; mtimeMs: number } | null;
    try {
      now = statSync(f.path);
    } catch {
      now = null;
    }
    if (!now || now.size !== f.size || now.mtimeMs !== f.mtime_ms) {
      throw new InputError(
        `${f.path}: the file changed while it was being analysed (it is read in place, not copied); run again once it is written`,
      );
    }
  }
}
