import type { Engine } from "../engine/engine.ts";
import { CANONICAL_FIELDS, type TableName } from "./canonical.ts";
import { resolveMapping } from "./column-mapping.ts";
import { fieldParsers, type ParsedField } from "./field-parsers.ts";
import type { InputFormat } from "./file-format.ts";
import { type FileReader, openReader, readingRows } from "./file-reader.ts";
import { readInPlace, readsInPlace } from "./in-place.ts";
import { InputError } from "./input-error.ts";
import { canonicalJsonSql, keyHashSql, parsed, parsedRowsSql, rawJsonSql } from "./parsed-rows.ts";
import type { RejectCode } from "./reject-rules.ts";

export interface TableSource {
  path: string;
  /** Canonical field -> input column, overriding the recognised headers. */
  columns?: Partial<Record<string, string>>;
  /** strptime pattern for timestamp/date columns that are not ISO. */
  datePattern?: string;
  /** Money is written with a decimal comma (`10,50`), as Russian or German Excel exports it. */
  decimalComma?: boolean;
  /**
   * Read a Parquet file whose columns have the canonical types in place instead of copying its rows
   * (src/ingest/in-place.ts): about half the peak memory, but every later scan decodes the file again,
   * so at 4M sessions ingest costs about twice the CPU. Ignored for a kept database (`--db`).
   */
  inPlace?: boolean;
}

export interface RejectCount {
  reason: RejectCode;
  count: number;
  /** Up to five line numbers, smallest first. */
  exampleLines: number[];
}

export interface TableLoad {
  table: TableName;
  path: string;
  format: InputFormat;
  /** Canonical field -> input column actually used. */
  mapping: Record<string, string>;
  rowsRead: number;
  rowsLoaded: number;
  rejected: RejectCount[];
  /** Empty lines the reader skipped (CSV): counted apart so that read + blank = the file's lines. */
  blankLines?: { count: number; exampleLines: number[] };
  /** What to do about the rejects when the audit can tell, e.g. "pass --decimal-comma". */
  advice?: string;
}

/** The quarantine: every rejected row with its reason and its values as read. */
export const QUARANTINE_DDL = `CREATE TABLE IF NOT EXISTS quarantine (
  table_name VARCHAR, file VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR)`;

/**
 * Loads one input file: parse and check every row, set exact repeats aside, and expose the good rows as
 * the canonical `<table>` view; rejected rows go to the quarantine with their line and their values as
 * read. The rows are copied into `ingested_<table>`, or, for a Parquet file of canonical types when
 * asked (`inPlace`), read in place (the view reads the file; only the rejects and repeats are stored).
 */
export async function loadTable(engine: Engine, table: TableName, source: TableSource): Promise<TableLoad> {
  const reader = await openReader(engine, table, source.path);
  try {
    return await loadFrom(engine, table, source, reader);
  } finally {
    reader.dispose();
  }
}

async function loadFrom(
  engine: Engine,
  table: TableName,
  source: TableSource,
  reader: FileReader,
): Promise<TableLoad> {
  const mapping = resolveMapping(table, source.path, reader.columns, source.columns);
  const sampleOf = async (identifier: string) =>
    (
      await readingRows<{ v: string }>(
        engine,
        source.path,
        `SELECT ${identifier} AS v FROM ${reader.sampleSql} s WHERE trim(${identifier}) <> '' LIMIT 2000`,
        reader.params,
      )
    ).map((r) => r.v);
  const { fields, params } = await fieldParsers(table, reader, mapping, sampleOf, {
    ...(source.datePattern ? { datePattern: source.datePattern } : {}),
    ...(source.decimalComma ? { decimalComma: true } : {}),
    // Text files: as the line scan found (tabs and no-break spaces trimmed only where it saw any, and
    // nothing where no value can be padded); Parquet values come from a program, not a spreadsheet.
    padding: reader.scan?.padding ?? "spaces",
  });
  const counts = readsInPlace(engine, source, reader, fields, params)
    ? await readInPlace(engine, table, source.path, reader, fields)
    : await copyRows(engine, table, source.path, reader, fields, params);
  if (reader.errorsTable) {
    // DuckDB lists one error per problem, so a line missing two fields appears twice: one row per line.
    await engine.run(
      `INSERT INTO quarantine SELECT $table, $path, line, 'malformed_line', trim(min(csv_line), E'\\r\\n')
       FROM ${reader.errorsTable} GROUP BY line`,
      { table, path: source.path },
    );
  }
  if (reader.scan && reader.scan.bad.length > 0) {
    await engine.run(
      `INSERT INTO quarantine SELECT $table, $path, b.line, b.reason, b.raw
       FROM (SELECT unnest(from_json($bad, '[{"line":"BIGINT","reason":"VARCHAR","raw":"VARCHAR"}]'), recursive := true)) b`,
      { table, path: source.path, bad: JSON.stringify(reader.scan.bad) },
    );
  }
  const rejected = await rejectCounts(engine, table, source.path);
  const rowsRead = counts.rows + counts.malformedLines + (reader.scan?.bad.length ?? 0);
  const load: TableLoad = {
    table,
    path: source.path,
    format: reader.format,
    mapping,
    rowsRead,
    rowsLoaded: counts.loaded,
    rejected,
  };
  if (reader.scan) {
    const blank = reader.scan.blankLines;
    // The scan counted the lines without the CSV parser: every line is a row read or a blank line.
    if (rowsRead + blank.length !== reader.scan.dataLines) {
      throw new InputError(
        `${source.path}: the CSV parser read ${rowsRead.toLocaleString("en-US")} rows from ${reader.scan.dataLines.toLocaleString("en-US")} lines (${blank.length} blank); the file's quoting is inconsistent (look for stray " characters)`,
      );
    }
    if (blank.length > 0) load.blankLines = { count: blank.length, exampleLines: blank.slice(0, 5) };
  }
  const advice = source.decimalComma ? null : await decimalCommaAdvice(engine, table, source.path, mapping);
  if (advice) load.advice = advice;
  return load;
}

/** What a load counted: rows the reader gave, rows that passed, lines DuckDB could not split (CSV). */
interface LoadCounts {
  rows: number;
  loaded: number;
  malformedLines: number;
}

/**
 * The copying load: read, parse and check every row in one pass into `ingested_<table>` (file order,
 * so rowid gives the line), mark exact repeats, expose the good rows as the canonical `<table>` view,
 * and put the rejected rows in the quarantine with their line and their values as read.
 */
async function copyRows(
  engine: Engine,
  table: TableName,
  path: string,
  reader: FileReader,
  fields: readonly ParsedField[],
  params: Record<string, string>,
): Promise<LoadCounts> {
  const names = CANONICAL_FIELDS[table];
  const target = `ingested_${table}`;
  if (reader.errorsTable) {
    // DuckDB appends to an existing rejects table: one left by an earlier load would be counted again.
    await engine.run(`DROP TABLE IF EXISTS ${reader.errorsTable}`);
    await engine.run(`DROP TABLE IF EXISTS ${reader.errorsTable}_scan`);
  }
  // DuckDB evaluates a CASE branch only for the rows that take it: raw JSON is built for rejects only.
  await readingRows(
    engine,
    path,
    `CREATE OR REPLACE TABLE ${target} AS
     SELECT ${names.map((n) => `${parsed(n)} AS ${n}`).join(", ")}, reason,
            CASE WHEN reason IS NOT NULL THEN ${rawJsonSql(fields)} END AS raw,
            CASE WHEN reason IS NULL THEN ${keyHashSql(table)} END AS key_hash
     FROM (${parsedRowsSql(table, fields, reader.fromSql)}) s`,
    { ...reader.params, ...params },
    true,
  );
  const malformedLines = await recordSkippedLines(engine, table, reader);
  const lineOf = await lineNumbering(engine, table, reader);
  await markDuplicates(engine, table, target);
  await engine.run(
    `CREATE OR REPLACE VIEW ${table} AS SELECT ${names.join(", ")} FROM ${target} WHERE reason IS NULL`,
  );
  await engine.run(
    `INSERT INTO quarantine
     SELECT $table, $path, ${lineOf("t.rowid")}, reason, coalesce(raw, ${canonicalJsonSql(table, (n) => n)})
     FROM ${target} t WHERE reason IS NOT NULL`,
    { table, path },
  );
  const [counts] = await engine.all<{ rows: number; loaded: number }>(
    `SELECT count(*)::DOUBLE AS rows, count(*) FILTER (WHERE reason IS NULL)::DOUBLE AS loaded FROM ${target}`,
  );
  return { rows: counts?.rows ?? 0, loaded: counts?.loaded ?? 0, malformedLines };
}

const MONEY_FIELD: Partial<Record<TableName, { field: string; reason: RejectCode }>> = {
  orders: { field: "revenue", reason: "bad_revenue" },
  costs: { field: "costs", reason: "bad_cost" },
};

/**
 * When most money values the load rejected are decimal-comma numbers (`10,50`, as Russian or German
 * Excel writes them), the advice to pass --decimal-comma.
 */
async function decimalCommaAdvice(
  engine: Engine,
  table: TableName,
  path: string,
  mapping: Record<string, string>,
): Promise<string | null> {
  const money = MONEY_FIELD[table];
  if (!money) return null;
  const key = `$."${(mapping[money.field] ?? money.field).replaceAll('"', "")}"`;
  const [row] = await engine.all<{ bad: number; comma: number }>(
    `SELECT count(*)::DOUBLE AS bad,
            count(*) FILTER (WHERE regexp_full_match(trim(json_extract_string(raw, $key)), '[+-]?[0-9 .]*[0-9],[0-9]+'))::DOUBLE AS comma
     FROM quarantine WHERE table_name = $table AND file = $path AND reason = $reason`,
    { key, table, path, reason: money.reason },
  );
  if (!row || row.comma === 0 || row.comma * 2 < row.bad) return null;
  return `${money.field} looks like it uses decimal commas (e.g. 10,50): pass --decimal-comma`;
}

/**
 * The data lines that gave no row, in order: lines DuckDB could not split (once each), blank lines
 * and the lines the scan emptied. Returns how many lines DuckDB set aside as malformed.
 */
async function recordSkippedLines(engine: Engine, table: TableName, reader: FileReader): Promise<number> {
  await engine.run(`CREATE OR REPLACE TEMP TABLE skipped_lines_${table} (line BIGINT)`);
  let malformed = 0;
  if (reader.errorsTable) {
    await engine.run(`INSERT INTO skipped_lines_${table} SELECT DISTINCT line FROM ${reader.errorsTable}`);
    const [row] = await engine.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM skipped_lines_${table}`,
    );
    malformed = row?.n ?? 0;
  }
  const scanned = reader.scan ? [...reader.scan.blankLines, ...reader.scan.bad.map((b) => b.line)] : [];
  if (scanned.length > 0) {
    await engine.run(`INSERT INTO skipped_lines_${table} SELECT unnest(CAST($lines AS BIGINT[]))`, {
      lines: JSON.stringify(scanned),
    });
  }
  return malformed;
}

/**
 * Maps a row's position (rowid, file order) to its line: rowid + first data line, plus one for every
 * skipped line before it. Only rejected rows are numbered, so the correction is cheap.
 */
async function lineNumbering(
  engine: Engine,
  table: TableName,
  reader: FileReader,
): Promise<(rowid: string) => string> {
  const base = (rowid: string) => `(${rowid} + ${reader.firstLine})`;
  const skipped = `skipped_lines_${table}`;
  const [row] = await engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${skipped}`);
  if ((row?.n ?? 0) === 0) return base;
  // The i-th skipped line (1-based) at line L shifts every row with rowid >= L - firstLine - (i - 1).
  return (rowid) =>
    `(${base(rowid)} + (SELECT count(*) FROM (SELECT line, row_number() OVER (ORDER BY line) AS i FROM ${skipped}) e
        WHERE e.line - ${reader.firstLine} - (e.i - 1) <= ${rowid}))`;
}

/**
 * Marks every exact repeat of an earlier valid row as `duplicate_row`. Grouping on one 64-bit hash of
 * the row's key is far cheaper than on every field; rows that share it (the same key, or a hash
 * collision) are then compared field by field, so a repeat must match in every field.
 */
async function markDuplicates(engine: Engine, table: TableName, target: string): Promise<void> {
  const names = CANONICAL_FIELDS[table];
  await engine.run(
    `CREATE OR REPLACE TEMP TABLE dup_hashes AS
     SELECT key_hash FROM ${target} WHERE reason IS NULL GROUP BY key_hash HAVING count(*) > 1`,
  );
  const [candidates] = await engine.all<{ n: number }>("SELECT count(*)::INTEGER AS n FROM dup_hashes");
  if ((candidates?.n ?? 0) > 0) {
    await engine.run(
      `UPDATE ${target} t SET reason = 'duplicate_row' FROM (
         SELECT rowid AS id, row_number() OVER (PARTITION BY ${names.join(", ")} ORDER BY rowid) AS k
         FROM ${target} WHERE reason IS NULL AND key_hash IN (SELECT key_hash FROM dup_hashes)
       ) d WHERE t.rowid = d.id AND d.k > 1`,
    );
  }
  await engine.run("DROP TABLE dup_hashes");
}

async function rejectCounts(engine: Engine, table: TableName, path: string): Promise<RejectCount[]> {
  const rows = await engine.all<{ reason: RejectCode; count: number; lines: string }>(
    `SELECT reason, count(*)::DOUBLE AS count, to_json(list(line::DOUBLE ORDER BY line)[1:5])::VARCHAR AS lines
     FROM quarantine WHERE table_name = $table AND file = $path GROUP BY reason ORDER BY count DESC, reason`,
    { table, path },
  );
  return rows.map((r) => ({
    reason: r.reason,
    count: r.count,
    exampleLines: JSON.parse(r.lines) as number[],
  }));
}
