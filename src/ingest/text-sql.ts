/** Whitespace trimmed from every text value: spaces, tabs and no-break spaces (Excel pads with them). */
export function trimSql(expr: string): string {
  return `trim(${expr}, ' ' || chr(9) || chr(160))`;
}
