import type { Engine } from "../engine/engine.ts";
import { assertReadableFile, detectFormat, type FileFormat, readCsvHeader } from "./file-format.ts";
import { InputError } from "./input-error.ts";

/** An input file read into a staging table `stage_<table>` with a `line` column and its own columns. */
export interface StagedFile {
  path: string;
  format: FileFormat;
  /** Input column names in file order. */
  columns: string[];
  /** SQL identifier of each input column in the staging table. */
  identifiers: Map<string, string>;
  /** DuckDB type of each staged column (VARCHAR for text formats). */
  types: Map<string, string>;
  /** SQL for a row's line number, over the staging table aliased `s`. */
  lineSql: string;
  /** Lines DuckDB could not split into the header's columns (CSV only), with their line numbers. */
  malformed: { line: number; message: string; raw: string }[];
}

const INTEGER_TYPES = /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|U?HUGEINT)$/;

/**
 * Reads a file into a staging table. Text formats are read entirely as VARCHAR so that every value,
 * good or bad, reaches validation with its line number and nothing is coerced on the way (a 20-digit
 * id auto-detected as DOUBLE would merge users).
 */
export async function stageFile(engine: Engine, table: string, path: string): Promise<StagedFile> {
  assertReadableFile(path);
  const format = detectFormat(path);
  const target = `stage_${table}`;
  if (format === "csv") return stageCsv(engine, target, path);
  if (format === "parquet") return stageParquet(engine, target, path);
  return stageNdjson(engine, target, path);
}

async function stageCsv(engine: Engine, target: string, path: string): Promise<StagedFile> {
  const header = readCsvHeader(path);
  const identifiers = new Map(header.columns.map((c, i) => [c, `c${i}`] as const));
  const columnTypes = header.columns.map((_, i) => `'c${i}': 'VARCHAR'`).join(", ");
  const rejectsTable = `${target}_errors`;
  await runReading(
    engine,
    path,
    `CREATE OR REPLACE TEMP TABLE ${target} AS SELECT * FROM read_csv($path, header = true,
      auto_detect = false, delim = $delim, quote = '"', escape = '"', columns = {${columnTypes}},
      store_rejects = true, rejects_table = '${rejectsTable}', rejects_scan = '${target}_scan')`,
    { path, delim: header.delimiter },
  );
  const malformedRows = await engine.all<{ line: number; message: string; raw: string }>(
    `SELECT CAST(line AS BIGINT)::DOUBLE AS line, error_message AS message, trim(csv_line, E'\\r\\n') AS raw
     FROM ${rejectsTable} ORDER BY line`,
  );
  const malformed = malformedRows.map((r) => ({ ...r, line: Number(r.line) }));
  // Rows keep file order (DuckDB preserves insertion order), so rowid + 2 is the line number, shifted by
  // one for every malformed line DuckDB set aside before it (rare: only then pay for the correction).
  const lineSql =
    malformed.length === 0
      ? "(s.rowid + 2)"
      : `(s.rowid + 2 + (SELECT count(*) FROM (SELECT line, row_number() OVER (ORDER BY line) AS i
           FROM ${rejectsTable}) e WHERE e.line - 1 - e.i <= s.rowid))`;
  const types = new Map(header.columns.map((c) => [c, "VARCHAR"] as const));
  return { path, format: "csv", columns: header.columns, identifiers, types, lineSql, malformed };
}

async function stageParquet(engine: Engine, target: string, path: string): Promise<StagedFile> {
  const described = await describe(engine, path, "SELECT * FROM read_parquet($path)");
  await runReading(
    engine,
    path,
    `CREATE OR REPLACE TEMP TABLE ${target} AS
     SELECT file_row_number + 1 AS line, * EXCLUDE (file_row_number)
     FROM read_parquet($path, file_row_number = true)`,
    { path },
  );
  return { path, format: "parquet", ...described, lineSql: "s.line", malformed: [] };
}

async function stageNdjson(engine: Engine, target: string, path: string): Promise<StagedFile> {
  const described = await describe(
    engine,
    path,
    "SELECT * FROM read_json($path, format = 'newline_delimited', sample_size = 1000)",
  );
  // Read every key as VARCHAR: JSON numbers keep their exact text (ids up to 2^64-1 included).
  const columns = described.columns.map((c) => `${quoteString(c)}: 'VARCHAR'`).join(", ");
  await runReading(
    engine,
    path,
    `CREATE OR REPLACE TEMP TABLE ${target} AS
     SELECT * FROM read_json($path, format = 'newline_delimited', columns = {${columns}})`,
    { path },
  );
  const types = new Map(described.columns.map((c) => [c, "VARCHAR"] as const));
  const { columns: names, identifiers } = described;
  return {
    path,
    format: "ndjson",
    columns: names,
    identifiers,
    types,
    lineSql: "(s.rowid + 1)",
    malformed: [],
  };
}

async function describe(engine: Engine, path: string, select: string) {
  const rows = await readingRows<{ column_name: string; column_type: string }>(
    engine,
    path,
    `SELECT column_name, column_type FROM (DESCRIBE ${select})`,
    { path },
  );
  const columns = rows.map((r) => r.column_name);
  const identifiers = new Map(columns.map((c) => [c, quoteIdentifier(c)] as const));
  const types = new Map(rows.map((r) => [r.column_name, r.column_type] as const));
  return { columns, identifiers, types };
}

/** True when a staged column holds exact integers or text, i.e. can carry ids without loss. */
export function isExactIdType(type: string): boolean {
  return type === "VARCHAR" || INTEGER_TYPES.test(type);
}

async function runReading(engine: Engine, path: string, sql: string, params: Record<string, string>) {
  await readingRows(engine, path, sql, params, true);
}

async function readingRows<T extends Record<string, string | number | boolean | null>>(
  engine: Engine,
  path: string,
  sql: string,
  params: Record<string, string>,
  statement = false,
): Promise<T[]> {
  try {
    if (statement) {
      await engine.run(sql, params);
      return [];
    }
    return await engine.all<T>(sql, params);
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new InputError(`${path}: unreadable file (${first})`);
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
