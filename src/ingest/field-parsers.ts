import type { TableName } from "./canonical.ts";
import { type FileReader, isExactIdType } from "./file-reader.ts";
import { InputError } from "./input-error.ts";
import { detectTimestampFormat, type TimestampFormat, timestampSql } from "./timestamp-format.ts";

type FieldKind = "id" | "label" | "timestamp" | "date" | "money";

const FIELD_KINDS: Record<TableName, Record<string, FieldKind>> = {
  visits: { user_id: "id", device: "label", source_id: "id", start_ts: "timestamp", end_ts: "timestamp" },
  orders: { user_id: "id", ts: "timestamp", revenue: "money" },
  costs: { source_id: "id", date: "date", costs: "money" },
};

const TEMPORAL = /^(TIMESTAMP|DATE|TIMESTAMP_(S|MS|NS)|TIMESTAMP WITH TIME ZONE)/;
const NUMERIC = /^(DECIMAL|DOUBLE|FLOAT|REAL|U?(TINY|SMALL|BIG|HUGE)?INT)/;

export interface ParsedField {
  field: string;
  column: string;
  /** SQL giving the canonical value (NULL when missing or unparseable), over staging alias `s`. */
  sql: string;
  /** SQL giving the value as text, for the quarantine file. */
  rawSql: string;
}

/**
 * Builds the parse expression of every canonical field from the input column that feeds it, by the
 * column's type: text is trimmed and cast with try_ functions (a bad value becomes NULL and the row
 * is rejected, never the file); typed Parquet columns are used as they are.
 */
export async function fieldParsers(
  table: TableName,
  reader: FileReader,
  mapping: Record<string, string>,
  sampleOf: (identifier: string) => Promise<string[]>,
  datePattern?: string,
): Promise<{ fields: ParsedField[]; params: Record<string, string> }> {
  const fields: ParsedField[] = [];
  const params: Record<string, string> = {};
  for (const [field, kind] of Object.entries(FIELD_KINDS[table])) {
    const column = mapping[field]!;
    const id = `s.${reader.identifiers.get(column)!}`;
    const type = reader.types.get(column) ?? "VARCHAR";
    const text = type === "VARCHAR";
    const rawSql = text ? id : `CAST(${id} AS VARCHAR)`;
    const where = { path: reader.path, column };
    let sql: string;
    if (kind === "id" || kind === "label") {
      if (!isExactIdType(type) && kind === "id") {
        throw new InputError(
          `${reader.path}: column "${column}" holds ids as ${type}: ids above 2^53 cannot be exact (expected text or integer ids)`,
        );
      }
      sql = `NULLIF(trim(${rawSql}), '')`;
    } else if (kind === "money") {
      if (!text && !NUMERIC.test(type)) throw typeError(where, type, "a number");
      sql = text ? `try_cast(trim(${id}) AS DECIMAL(18,6))` : `try_cast(${id} AS DECIMAL(18,6))`;
    } else {
      if (!text && !TEMPORAL.test(type)) throw typeError(where, type, "a timestamp or date");
      const parse = text ? textTimestamp(id, await sampleOf(id), where, field, params, datePattern) : null;
      const value = parse ?? `CAST(${id} AS TIMESTAMP)`;
      sql = kind === "date" ? `CAST(${value} AS DATE)` : value;
    }
    fields.push({ field, column, sql, rawSql });
  }
  return { fields, params };
}

function textTimestamp(
  id: string,
  sample: string[],
  where: { path: string; column: string },
  field: string,
  params: Record<string, string>,
  datePattern?: string,
): string {
  const format: TimestampFormat = detectTimestampFormat(sample, where, datePattern);
  return timestampSql(id, format, `fmt_${field}`, params);
}

function typeError(where: { path: string; column: string }, type: string, expected: string): InputError {
  return new InputError(`${where.path}: column "${where.column}" has type ${type} (expected ${expected})`);
}
