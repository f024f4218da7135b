/** Exact money, plain statistics and the string order of ids for the naive reference. */

const MONEY_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;
export const MICRO = 1_000_000n;

/**
 * Parses a decimal string into integer micro-units (the SQL side holds DECIMAL(18,6)). More than six
 * fractional digits are rounded half away from zero, as a cast to DECIMAL(·,6) does.
 */
export function parseMoney(text: string): bigint {
  const m = MONEY_RE.exec(text.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === ""))
    throw new Error(`naive: bad amount ${JSON.stringify(text)}`);
  const [, sign, int = "", frac = ""] = m;
  let micro = BigInt(int === "" ? "0" : int) * MICRO + BigInt(frac.slice(0, 6).padEnd(6, "0"));
  if (frac.length > 6 && Number(frac[6]) >= 5) micro += 1n;
  return sign === "-" ? -micro : micro;
}

/** Micro-units → the nearest JS number (via the decimal string, so 8.3 comes out as 8.3). */
export function microToNumber(micro: bigint): number {
  const neg = micro < 0n;
  const abs = neg ? -micro : micro;
  const int = abs / MICRO;
  const frac = (abs % MICRO).toString().padStart(6, "0");
  return Number(`${neg ? "-" : ""}${int}.${frac}`);
}

export function sumMicro(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/** a / b, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}

/** Linear-interpolated quantile (DuckDB `quantile_cont`). */
export function quantileCont(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/** Most frequent value; ties broken by the smallest value. */
export function modeSmallest(values: readonly number[]): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && best !== null && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** String order by Unicode code point, which equals UTF-8 byte order (how SQL compares VARCHARs). */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const ca = [...a];
  const cb = [...b];
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i]!.codePointAt(0)!;
    const y = cb[i]!.codePointAt(0)!;
    if (x !== y) return x - y;
  }
  return ca.length - cb.length;
}

export function sortedKeys<V>(map: ReadonlyMap<string, V>): string[] {
  return [...map.keys()].sort(compareText);
}
