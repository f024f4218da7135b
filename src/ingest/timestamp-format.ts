import { InputError } from "./input-error.ts";
import { type Padding, trimSql } from "./text-sql.ts";

/**
 * How a timestamp column is parsed. `iso` covers `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]`, the same
 * with `T`, and a trailing `Z` or `±HH:MM` (validated, then dropped: wall clock as written, see
 * docs/decisions.md). `pattern` is a user-given strptime format.
 */
export type TimestampFormat = { kind: "iso" } | { kind: "pattern"; pattern: string };

const ISO = /^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$/;
/** A numeric offset after a time of day, and the offsets that exist (UTC-14:00 to UTC+14:00). */
const OFFSET_AFTER_TIME = "[0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *[+-][0-9]{2}(:?[0-9]{2})?$";
const VALID_OFFSET = "[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?$";
const DAY_FIRST_OR_MONTH_FIRST = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}/;

/**
 * Decides the format of a column from a sample of its values. The majority decides: when most values
 * are ISO, the odd ones out are row-level faults (rejected with their line). A non-ISO column is an
 * error asking for --date-format rather than a guess: `03/04/2018` is March 4th in one country and
 * April 3rd in another.
 */
export function detectTimestampFormat(
  sample: readonly string[],
  where: { path: string; column: string },
  userPattern?: string,
): TimestampFormat {
  const values = sample.map((v) => v.trim()).filter((v) => v !== "");
  const foreign = values.filter((v) => !ISO.test(v));
  if (foreign.length * 2 <= values.length) return { kind: "iso" };
  // The user's pattern serves the columns that need one; ISO columns stay ISO.
  if (userPattern) return { kind: "pattern", pattern: userPattern };
  const example = foreign[0]!;
  const hint = DAY_FIRST_OR_MONTH_FIRST.test(example) ? "day and month order is ambiguous; " : "";
  throw new InputError(
    `${where.path}: column "${where.column}": cannot read timestamp "${example}" (${hint}expected YYYY-MM-DD HH:MM[:SS] or ISO 8601; pass --date-format, e.g. --date-format "%d/%m/%Y %H:%M")`,
  );
}

/**
 * SQL that parses the VARCHAR expression `raw` into a TIMESTAMP, NULL when it cannot. A pattern
 * travels as the bound parameter `param` (added to `params`), never inside the SQL text.
 */
export function timestampSql(
  raw: string,
  format: TimestampFormat,
  param: string,
  params: Record<string, string>,
  padded: Padding = "tabs",
): string {
  const trimmed = trimSql(raw, padded);
  if (format.kind === "pattern") {
    params[param] = format.pattern;
    return `try_strptime(${trimmed}, $${param})`;
  }
  // DuckDB's cast reads every ISO shape above and keeps the wall clock of an offset timestamp.
  return `try_cast(${trimmed} AS TIMESTAMP)`;
}

/**
 * SQL true when an ISO value carries an offset that does not exist (`+99:00`; real ones run from
 * -14:00 to +14:00), which DuckDB's cast would accept. Values of 19 characters or fewer
 * (`YYYY-MM-DD HH:MM:SS`) cannot carry one, so the common case skips the pattern tests.
 */
export function badOffsetSql(raw: string, padded: Padding = "tabs"): string {
  const trimmed = trimSql(raw, padded);
  return `coalesce(strlen(${raw}) > 19 AND regexp_matches(${trimmed}, '${OFFSET_AFTER_TIME}')
    AND NOT regexp_matches(${trimmed}, '${VALID_OFFSET}'), false)`;
}
