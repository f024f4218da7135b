import type { Engine } from "../engine/engine.ts";
import { CANONICAL_FIELDS, type TableName } from "./canonical.ts";
import { resolveMapping } from "./column-mapping.ts";
import { fieldParsers } from "./field-parsers.ts";
import type { InputFormat } from "./file-format.ts";
import { type FileReader, openReader, readingRows } from "./file-reader.ts";
import { type RejectCode, rejectCaseSql } from "./reject-rules.ts";

export interface TableSource {
  path: string;
  /** Canonical field -> input column, overriding the recognised headers. */
  columns?: Partial<Record<string, string>>;
  /** strptime pattern for timestamp/date columns that are not ISO. */
  datePattern?: string;
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
}

/** The quarantine: every rejected row with its reason and its values as read. */
export const QUARANTINE_DDL = `CREATE TABLE IF NOT EXISTS quarantine (
  table_name VARCHAR, file VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR)`;

/**
 * Loads one input file: read, parse and check every row in one pass into `ingested_<table>` (file order,
 * so rowid gives the line), mark exact repeats, and expose the good rows as the canonical `<table>`
 * view. Rejected rows go to the quarantine with their line and their values as read.
 */
export async function loadTable(engine: Engine, table: TableName, source: TableSource): Promise<TableLoad> {
  const reader = await openReader(engine, table, source.path);
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
  const { fields, params } = await fieldParsers(table, reader, mapping, sampleOf, source.datePattern);
  const names = CANONICAL_FIELDS[table];
  const target = `ingested_${table}`;
  const raw = `to_json(struct_pack(${fields.map((f) => `"${f.column.replaceAll('"', "")}" := ${f.rawSql}`).join(", ")}))`;

  // Parsed values carry a p_ prefix so they never collide with the file's own column names. DuckDB
  // evaluates a CASE branch only for the rows that take it: raw JSON is built for rejects only.
  const parsed = (n: string) => `p_${n}`;
  await readingRows(
    engine,
    source.path,
    `CREATE OR REPLACE TABLE ${target} AS
     SELECT ${names.map((n) => `${parsed(n)} AS ${n}`).join(", ")}, reason,
            CASE WHEN reason IS NOT NULL THEN ${raw} END AS raw,
            CASE WHEN reason IS NULL THEN hash(${names.map(parsed).join(", ")}) END AS row_hash
     FROM (SELECT *, ${rejectCaseSql(table, "p_")} AS reason FROM (
             SELECT ${fields.map((f) => `${f.sql} AS ${parsed(f.field)}`).join(", ")}, s.*
             FROM ${reader.fromSql} s) s) s`,
    { ...reader.params, ...params },
    true,
  );
  const lineOf = await lineNumbering(engine, reader);
  await markDuplicates(engine, table, target);
  await engine.run(
    `CREATE OR REPLACE VIEW ${table} AS SELECT ${names.join(", ")} FROM ${target} WHERE reason IS NULL`,
  );
  await engine.run(
    `INSERT INTO quarantine
     SELECT $table, $path, ${lineOf("t.rowid")}, reason,
            coalesce(raw, to_json(struct_pack(${names.map((n) => `${n} := ${n}`).join(", ")})))
     FROM ${target} t WHERE reason IS NOT NULL`,
    { table, path: source.path },
  );
  if (reader.errorsTable) {
    await engine.run(
      `INSERT INTO quarantine SELECT $table, $path, line, 'malformed_line', trim(csv_line, E'\\r\\n')
       FROM ${reader.errorsTable}`,
      { table, path: source.path },
    );
  }
  const [counts] = await engine.all<{ rows: number; loaded: number }>(
    `SELECT count(*)::DOUBLE AS rows, count(*) FILTER (WHERE reason IS NULL)::DOUBLE AS loaded FROM ${target}`,
  );
  const rejected = await rejectCounts(engine, table, source.path);
  const malformed = rejected.find((r) => r.reason === "malformed_line")?.count ?? 0;
  return {
    table,
    path: source.path,
    format: reader.format,
    mapping,
    rowsRead: (counts?.rows ?? 0) + malformed,
    rowsLoaded: counts?.loaded ?? 0,
    rejected,
  };
}

/**
 * Maps a row's position (rowid, file order) to its line: rowid + first data line, plus one for every
 * malformed line DuckDB set aside before it. Only rejected rows are numbered, so the correction is cheap.
 */
async function lineNumbering(engine: Engine, reader: FileReader): Promise<(rowid: string) => string> {
  const base = (rowid: string) => `(${rowid} + ${reader.firstLine})`;
  if (!reader.errorsTable) return base;
  const [row] = await engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${reader.errorsTable}`);
  if ((row?.n ?? 0) === 0) return base;
  const errors = reader.errorsTable;
  // The i-th malformed line (1-based) at line L shifts every row with rowid >= L - firstLine - (i - 1).
  return (rowid) =>
    `(${base(rowid)} + (SELECT count(*) FROM (SELECT line, row_number() OVER (ORDER BY line) AS i FROM ${errors}) e
        WHERE e.line - ${reader.firstLine} - (e.i - 1) <= ${rowid}))`;
}

/**
 * Marks every exact repeat of an earlier valid row as `duplicate_row`. Grouping on one 64-bit hash is
 * far cheaper than on every field; rows that share a hash are then compared field by field.
 */
async function markDuplicates(engine: Engine, table: TableName, target: string): Promise<void> {
  const names = CANONICAL_FIELDS[table];
  await engine.run(
    `CREATE OR REPLACE TEMP TABLE dup_hashes AS
     SELECT row_hash FROM ${target} WHERE reason IS NULL GROUP BY row_hash HAVING count(*) > 1`,
  );
  const [candidates] = await engine.all<{ n: number }>("SELECT count(*)::INTEGER AS n FROM dup_hashes");
  if ((candidates?.n ?? 0) > 0) {
    await engine.run(
      `UPDATE ${target} t SET reason = 'duplicate_row' FROM (
         SELECT rowid AS id, row_number() OVER (PARTITION BY ${names.join(", ")} ORDER BY rowid) AS k
         FROM ${target} WHERE reason IS NULL AND row_hash IN (SELECT row_hash FROM dup_hashes)
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
