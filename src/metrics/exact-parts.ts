/*
 * Exact decimal values as doubles: a DECIMAL(38, 12) value is an integer count of 1e-12, held as a
 * high part (÷ 2³²) and a low part (< 2³² as read), both exact doubles. Sums add the parts separately
 * and carry the low part into the high one before it could leave the exact integers, so they are
 * exact whatever their order; only a final sum becomes a double (`toDouble`: the one
 * CAST(sum AS DOUBLE) gives). Used where BigInt (exact-decimal.ts) would cost too much per value: the
 * bootstrap's bucket sums (trust-memory.ts) and the buyers' revenue (buyer-memory.ts).
 */

export const TWO32 = 2 ** 32;
export const MASK32 = (1n << 32n) - 1n;
const SCALE = 12;

/** A decimal's text ("-12.5", "3.100000000000", "7") as an integer count of 1e-12. */
export function decimalUnits(value: string): bigint {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!match || (match[2] === "" && (match[3] ?? "") === "") || (match[3] ?? "").length > SCALE)
    throw new Error(`not a decimal with at most ${SCALE} places in the window's trust tables: ${value}`);
  const units = BigInt(`${match[2] || "0"}${(match[3] ?? "").padEnd(SCALE, "0")}`);
  return match[1] === "-" ? -units : units;
}

/** Low parts at or above this move into the high part (exact: both stay integers below 2⁵³). */
export const CARRY_AT = 2 ** 52;

export function carry(hi: Float64Array, lo: Float64Array, b: number): void {
  const c = Math.floor(lo[b]! / TWO32);
  hi[b]! += c;
  lo[b]! -= c * TWO32;
}

/**
 * Adds the value (h, l) — or, with `sign` −1, subtracts it — into slot `i` of exact sums held as
 * high and low parts, carrying before the low part could leave the exact integers either way.
 */
export function addExact(
  hi: Float64Array,
  lo: Float64Array,
  i: number,
  h: number,
  l: number,
  sign = 1,
): void {
  hi[i]! += sign * h;
  lo[i]! += sign * l;
  if (lo[i]! >= CARRY_AT || lo[i]! <= -CARRY_AT) carry(hi, lo, i);
}

/** (h, l) against (h2, l2) as the counts they stand for (low parts within 0..2³², as decimalParts gives). */
export function compareExact(h: number, l: number, h2: number, l2: number): number {
  return h !== h2 ? h - h2 : l - l2;
}

/** 10¹² = 2¹² · 5¹²: a whole number times 10¹² is split through 5¹² without leaving the exact doubles. */
const FIVE12 = 5 ** 12;
const TWO20 = 2 ** 20;
/** Whole parts below this take the double path in decimalParts; above, BigInt. */
const WHOLE_FAST = 2 ** 25;

/**
 * A decimal `whole + fraction · 10⁻¹²` (whole an integer, fraction an integer in 0..10¹²−1: what
 * floor(x) and (x − floor(x)) · 10¹² give in SQL, both exact doubles) as the high and low parts of its
 * count of 1e-12, as decimalUnits gives them. Doubles only for |whole| < 2²⁵ (every product and sum
 * below stays an exact integer), BigInt beyond.
 */
export function decimalParts(whole: number, fraction: number): [number, number] {
  if (!Number.isInteger(whole) || !Number.isInteger(fraction) || fraction < 0 || fraction >= 1e12)
    throw new Error(`not a decimal's whole part and 1e-12 fraction: ${whole}, ${fraction}`);
  if (Math.abs(whole) >= WHOLE_FAST) {
    const units = BigInt(whole) * 10n ** BigInt(SCALE) + BigInt(fraction);
    return [Number(units >> 32n), Number(units & MASK32)];
  }
  // units = whole · 5¹² · 2¹² + fraction; whole · 5¹² = p · 2²⁰ + q with 0 ≤ q < 2²⁰, so
  // units = p · 2³² + (q · 2¹² + fraction), the second term below 2⁴¹.
  const product = whole * FIVE12;
  const p = Math.floor(product / TWO20);
  const rest = (product - p * TWO20) * 4096 + fraction;
  const c = Math.floor(rest / TWO32);
  return [p + c, rest - c * TWO32];
}

/**
 * As decimalParts, from `whole`, an integer near the value (the floor of its double), and `rest`, the
 * value minus `whole` computed exactly in the engine and sent as a double (|rest| < 2 with at most 12
 * places): rest · 10¹² is within 10⁻³ of its integer count of 1e-12, so rounding it is exact.
 */
export function decimalPartsNear(whole: number, rest: number): [number, number] {
  if (!Number.isInteger(whole) || Math.abs(whole) >= 2 ** 52 || !(Math.abs(rest) < 2))
    throw new Error(`not a decimal's near whole number and rest: ${whole}, ${rest}`);
  let w = whole;
  let f = Math.round(rest * 1e12);
  if (f < 0) {
    w -= 1;
    f += 1e12;
  } else if (f >= 1e12) {
    w += 1;
    f -= 1e12;
  }
  return decimalParts(w, f);
}

/** One exact sum in high and low parts (a one-slot addExact). */
export class ExactSum {
  private readonly hi = new Float64Array(1);
  private readonly lo = new Float64Array(1);

  add(h: number, l: number, sign = 1): void {
    addExact(this.hi, this.lo, 0, h, l, sign);
  }

  /** As the engine's CAST of the exact sum to DOUBLE (toDouble). */
  value(): number {
    return toDouble(this.hi[0]!, this.lo[0]!);
  }

  /** The exact count of 1e-12 (tests). */
  units(): bigint {
    return BigInt(this.hi[0]!) * BigInt(TWO32) + BigInt(this.lo[0]!);
  }
}

/**
 * hi·2³² + lo counts of 1e-12 as the double nearest the decimal value (what DuckDB's
 * CAST(DECIMAL AS DOUBLE) gives; ClickHouse's can differ from it in the last bit). Below 2⁵³ counts
 * the count is an exact double and one division rounds correctly; beyond, through the decimal text.
 */
export function toDouble(hi: number, lo: number): number {
  const approx = hi * TWO32 + lo;
  if (Math.abs(approx) < 2 ** 52) return approx / 10 ** SCALE;
  const units = BigInt(hi) * BigInt(TWO32) + BigInt(lo);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(SCALE + 1, "0");
  return Number(`${negative ? "-" : ""}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`);
}
