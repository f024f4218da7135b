import type { TableName } from "./canonical.ts";
import { type FileReader, isExactIdType } from "./file-reader.ts";
import { InputError } from "./input-error.ts";
import { type Padding, trimSql } from "./text-sql.ts";
import { badOffsetSql, detectTimestampFormat, timestampSql } from "./timestamp-format.ts";

export type FieldKind = "id" | "label" | "timestamp" | "date" | "money";

const FIELD_KINDS: Record<TableName, Record<string, FieldKind>> = {
  visits: { user_id: "id", device: "label", source_id: "id", start_ts: "timestamp", end_ts: "timestamp" },
  orders: { user_id: "id", ts: "timestamp", revenue: "money" },
  costs: { source_id: "id", date: "date", costs: "money" },
};

const TEMPORAL = /^(TIMESTAMP|DATE|TIMESTAMP_(S|MS|NS)|TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ)/;
const NUMERIC = /^(DECIMAL|DOUBLE|FLOAT|REAL|U?(TINY|SMALL|BIG|HUGE)?INT)/;

export interface ParsedField {
  field: string;
  kind: FieldKind;
  column: string;
  /** The input column's DuckDB type (VARCHAR for text formats). */
  type: string;
  /** SQL giving the canonical value (NULL when missing or unparseable), over staging alias `s`. */
  sql: string;
  /** SQL giving the value as text, for the quarantine file. */
  rawSql: string;
  /** Helper columns the reject rules read (`<name>` over alias `s`), e.g. `revenue_inexact`. */
  aux?: { name: string; sql: string }[];
}

export interface ParseOptions {
  /** strptime pattern for text timestamp/date columns that are not ISO. */
  datePattern?: string;
  /** Money uses a decimal comma (`10,50`, `1 234,50`, `1.234,50`). */
  decimalComma?: boolean;
  /** What values may be padded with (default `tabs`: anything is trimmed). */
  padding?: Padding;
}

/** A plain decimal (no exponent, no digit separators), the only shape money is read in. */
const PLAIN_DECIMAL = "[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)";
/** ... that DECIMAL(18,6) holds exactly: below 10^12, at most 6 decimal places (trailing zeros aside). */
const EXACT_DECIMAL = "[+-]?0*[0-9]{0,12}([.][0-9]{0,6}0*)?";
/** Decimal-comma shapes: `10,50`, `1 234,50`, `1.234,50` (space, no-break space or dot grouping by three). */
const COMMA_DECIMAL = "[+-]?([0-9]+|[0-9]{1,3}([ .\xa0][0-9]{3})+)(,[0-9]+)?";

/** SQL of a money column read as text: the value (NULL unless exact) and whether it was a number held inexactly. */
function moneySql(id: string, decimalComma: boolean, padded: Padding): { value: string; inexact: string } {
  const trimmed = trimSql(id, padded);
  const norm = decimalComma
    ? `CASE WHEN regexp_full_match(${trimmed}, '${COMMA_DECIMAL}') THEN replace(regexp_replace(${trimmed}, '[ .\xa0]', '', 'g'), ',', '.') END`
    : trimmed;
  // Every exact amount is a plain decimal, so the common case costs one pattern test (DuckDB computes
  // the repeated expression once); the plain-decimal test runs only for values that are not exact.
  const exact = `regexp_full_match(${norm}, '${EXACT_DECIMAL}')`;
  return {
    value: `CASE WHEN ${exact} THEN CAST(${norm} AS DECIMAL(18,6)) END`,
    inexact: `CASE WHEN ${exact} THEN false ELSE coalesce(regexp_full_match(${norm}, '${PLAIN_DECIMAL}'), false) END`,
  };
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
  options: ParseOptions = {},
): Promise<{ fields: ParsedField[]; params: Record<string, string> }> {
  const { datePattern } = options;
  const padded = options.padding ?? "tabs";
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
    let aux: ParsedField["aux"];
    if (kind === "id" || kind === "label") {
      if (!isExactIdType(type) && kind === "id") {
        throw new InputError(
          `${reader.path}: column "${column}" holds ids as ${type}, a floating-point type that has already rounded long ids (expected text, integer or DECIMAL(n,0) ids)`,
        );
      }
      sql = `NULLIF(${trimSql(rawSql, padded)}, '')`;
    } else if (kind === "money") {
      if (!text && !NUMERIC.test(type)) throw typeError(where, type, "a number");
      if (text) {
        const money = moneySql(id, options.decimalComma === true, padded);
        sql = money.value;
        aux = [{ name: `${field}_inexact`, sql: money.inexact }];
      } else {
        sql = `try_cast(${id} AS DECIMAL(18,6))`;
        aux = [{ name: `${field}_inexact`, sql: `coalesce(abs(${id}) >= 1e12, false)` }];
      }
    } else {
      if (!text && !TEMPORAL.test(type)) throw typeError(where, type, "a timestamp or date");
      const format = text ? detectTimestampFormat(await sampleOf(id), where, datePattern) : null;
      const parse = format ? timestampSql(id, format, `fmt_${field}`, params, padded) : null;
      // An instant (TIMESTAMPTZ) is read as its UTC wall clock, never in the host's time zone.
      const value =
        parse ??
        (/WITH TIME ZONE|TIMESTAMPTZ/.test(type) ? `timezone('UTC', ${id})` : `CAST(${id} AS TIMESTAMP)`);
      sql = kind === "date" ? `CAST(${value} AS DATE)` : value;
      if (kind === "timestamp") {
        const check = format?.kind === "iso" ? badOffsetSql(id, padded) : "false";
        aux = [{ name: `${field}_bad_offset`, sql: check }];
      }
    }
    fields.push({ field, kind, column, type, sql, rawSql, ...(aux ? { aux } : {}) });
  }
  return { fields, params };
}

function typeError(where: { path: string; column: string }, type: string, expected: string): InputError {
  return new InputError(`${where.path}: column "${where.column}" has type ${type} (expected ${expected})`);
}
