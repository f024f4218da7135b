/**
 * Whitespace trimmed from a text value: spaces always; tabs and no-break spaces too (Excel pads with
 * them) when the file holds any (`padded`, from the line scan). DuckDB's trim with a character set is
 * about twice as slow as its plain trim, so files without such bytes do not pay for it.
 */
export function trimSql(expr: string, padded = true): string {
  return padded ? `trim(${expr}, ' ' || chr(9) || chr(160))` : `trim(${expr})`;
}
