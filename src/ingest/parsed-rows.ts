import { CANONICAL_FIELDS, type TableName } from "./canonical.ts";
import type { ParsedField } from "./field-parsers.ts";
import { rejectCaseSql } from "./reject-rules.ts";

/*
 * The SQL both ways of loading a file share (copied into a table, or read in place): every row of the
 * file with its parsed fields, its reject reason and its values as read. Copying and reading in place
 * build their statements from these, so a row is parsed, checked and compared the same either way.
 */

/** Parsed values carry a p_ prefix so they never collide with the file's own column names. */
export const parsed = (name: string): string => `p_${name}`;

/**
 * The rows of `fromSql` (a FROM item over alias `s`): every parsed field as `p_<field>`, the helper
 * columns the rules read, the file's own columns (`s.*`) and `reason` (NULL when the row passes).
 */
export function parsedRowsSql(table: TableName, fields: readonly ParsedField[], fromSql: string): string {
  const values = fields.map((f) => `${f.sql} AS ${parsed(f.field)}`).join(", ");
  const aux = fields.flatMap((f) => (f.aux ?? []).map((a) => `${a.sql} AS ${parsed(a.name)}, `)).join("");
  return `SELECT *, ${rejectCaseSql(table, "p_")} AS reason FROM (
            SELECT ${values}, ${aux}s.* FROM ${fromSql} s) s`;
}

/** A row's values as read, as a JSON object keyed by input column: the quarantine's `raw`. */
export function rawJsonSql(fields: readonly ParsedField[]): string {
  return `to_json(struct_pack(${fields.map((f) => `"${f.column.replaceAll('"', "")}" := ${f.rawSql}`).join(", ")}))`;
}

/** A row's canonical values as a JSON object: the quarantine's `raw` of an exact duplicate. */
export function canonicalJsonSql(table: TableName, column: (name: string) => string): string {
  return `to_json(struct_pack(${CANONICAL_FIELDS[table].map((n) => `${n} := ${column(n)}`).join(", ")}))`;
}

/**
 * What two rows must share to be able to be exact repeats: a session's user and start, an order's user
 * and time, a cost row's source and day. The load hashes only these (two columns, not all of them) and
 * compares every field only within the few groups whose key repeats.
 */
const DUPLICATE_KEY = {
  visits: ["user_id", "start_ts"],
  orders: ["user_id", "ts"],
  costs: ["source_id", "date"],
} as const satisfies { [T in TableName]: readonly (typeof CANONICAL_FIELDS)[T][number][] };

/** One 64-bit hash of a parsed row's duplicate key. */
export function keyHashSql(table: TableName): string {
  return `hash(${DUPLICATE_KEY[table].map(parsed).join(", ")})`;
}
