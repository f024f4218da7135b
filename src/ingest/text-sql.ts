/**
 * What a file's values may be padded with. `none`: no value can begin or end with whitespace (the
 * CSV line scan saw no space or non-ASCII byte next to a field boundary), so trimming would change
 * nothing and is skipped: DuckDB's trim costs about 50 ns a value, a second per 4M sessions over five
 * columns. `spaces`: DuckDB's plain trim (spaces, Unicode spaces). `tabs`: tabs and no-break spaces
 * too (Excel pads with them), where the file holds any; trim with a character set is about twice as
 * slow, so files without such bytes do not pay for it.
 */
export type Padding = "none" | "spaces" | "tabs";

/** Whitespace trimmed from a text value, as the file's padding needs. */
export function trimSql(expr: string, padding: Padding = "tabs"): string {
  if (padding === "none") return expr;
  return padding === "tabs" ? `trim(${expr}, ' ' || chr(9) || chr(160))` : `trim(${expr})`;
}
