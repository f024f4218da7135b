import type { Engine } from "../engine/engine.ts";
import { CANONICAL_FIELDS, type TableName } from "./canonical.ts";
import { resolveMapping } from "./column-mapping.ts";
import { fieldParsers } from "./field-parsers.ts";
import type { FileFormat } from "./file-format.ts";
import { type RejectCode, rejectCaseSql } from "./reject-rules.ts";
import { stageFile } from "./stage.ts";

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
  format: FileFormat;
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
 * Loads one input file into its canonical table: stage as read, parse every field once, set aside
 * rows that fail a check or repeat an earlier row exactly, and insert the rest.
 */
export async function loadTable(engine: Engine, table: TableName, source: TableSource): Promise<TableLoad> {
  const staged = await stageFile(engine, table, source.path);
  const mapping = resolveMapping(table, source.path, staged.columns, source.columns);
  const sampleOf = async (identifier: string) =>
    (
      await engine.all<{ v: string }>(
        `SELECT ${identifier} AS v FROM stage_${table} s WHERE trim(${identifier}) <> '' LIMIT 2000`,
      )
    ).map((r) => r.v);
  const { fields, params } = await fieldParsers(table, staged, mapping, sampleOf, source.datePattern);
  const names = CANONICAL_FIELDS[table];
  const checked = `checked_${table}`;
  const rawJson = `to_json(struct_pack(${fields.map((f) => `"${f.column.replaceAll('"', "")}" := ${f.rawSql}`).join(", ")}))`;

  await engine.run(
    `CREATE OR REPLACE TEMP TABLE ${checked} AS
     SELECT line, ${names.join(", ")}, reason, CASE WHEN reason IS NOT NULL THEN raw_all END AS raw FROM (
       SELECT line, ${names.join(", ")}, ${rejectCaseSql(table)} AS reason, raw_all FROM (
         SELECT ${staged.lineSql} AS line, ${fields.map((f) => `${f.sql} AS ${f.field}`).join(", ")},
                ${rawJson} AS raw_all
         FROM stage_${table} s))`,
    params,
  );
  await engine.run(`DROP TABLE stage_${table}`);
  await markDuplicates(engine, table, checked);

  await engine.run(`INSERT INTO ${table} SELECT ${names.join(", ")} FROM ${checked} WHERE reason IS NULL`);
  await engine.run(
    `INSERT INTO quarantine
     SELECT $table, $path, line, reason, coalesce(raw, to_json(struct_pack(${names.map((n) => `${n} := ${n}`).join(", ")})))
     FROM ${checked} WHERE reason IS NOT NULL`,
    { table, path: source.path },
  );
  for (const bad of staged.malformed) {
    await engine.run("INSERT INTO quarantine VALUES ($table, $path, $line, 'malformed_line', $raw)", {
      table,
      path: source.path,
      line: bad.line,
      raw: bad.raw,
    });
  }
  const counts = await engine.all<{ rows: number; loaded: number }>(
    `SELECT count(*)::DOUBLE AS rows, count(*) FILTER (WHERE reason IS NULL)::DOUBLE AS loaded FROM ${checked}`,
  );
  const rejected = await rejectCounts(engine, table, source.path);
  await engine.run(`DROP TABLE ${checked}`);
  return {
    table,
    path: source.path,
    format: staged.format,
    mapping,
    rowsRead: (counts[0]?.rows ?? 0) + staged.malformed.length,
    rowsLoaded: counts[0]?.loaded ?? 0,
    rejected,
  };
}

/** Marks every exact repeat of an earlier valid row (same canonical fields) as `duplicate_row`. */
async function markDuplicates(engine: Engine, table: TableName, checked: string): Promise<void> {
  const names = CANONICAL_FIELDS[table];
  await engine.run(
    `CREATE OR REPLACE TEMP TABLE dup_${table} AS
     SELECT ${names.join(", ")}, min(line) AS first_line FROM ${checked}
     WHERE reason IS NULL GROUP BY ALL HAVING count(*) > 1`,
  );
  const [dups] = await engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM dup_${table}`);
  if ((dups?.n ?? 0) > 0) {
    await engine.run(
      `UPDATE ${checked} c SET reason = 'duplicate_row' FROM dup_${table} d
       WHERE c.reason IS NULL AND ${names.map((n) => `c.${n} = d.${n}`).join(" AND ")} AND c.line <> d.first_line`,
    );
  }
  await engine.run(`DROP TABLE dup_${table}`);
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
