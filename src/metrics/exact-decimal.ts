/*
 * Exact sums of money in JavaScript: DECIMAL cells arrive as text ("1234.500000"), are added as scaled
 * BigInts and turned into a double only at the end. Number() of the decimal text is the correctly
 * rounded double, which is what the engines' CAST(DECIMAL AS DOUBLE) gives (checked on 1.2M random
 * DECIMAL(38, 6) and (38, 12) values against DuckDB), so a sum taken here equals CAST(sum(x) AS DOUBLE)
 * taken in SQL, digit for digit.
 */

/** Fraction digits kept: the cube's money has 6 (revenue, costs) or 12 (attributed shares). */
const SCALE = 12;
const UNIT = 10n ** BigInt(SCALE);

/** A DECIMAL cell (text, or a number the engine sent for an integer) as a scaled integer. */
export function decimalOf(value: unknown): bigint {
  const text = typeof value === "number" && Number.isInteger(value) ? String(value) : value;
  if (typeof text !== "string")
    throw new Error(`metric query returned ${String(value)} where a decimal was expected`);
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[3] ?? "").replace(/0+$/, "").length > SCALE)
    throw new Error(`metric query returned ${text} where a decimal of at most ${SCALE} places was expected`);
  const scaled =
    BigInt(match[2]!) * UNIT + BigInt((match[3] ?? "").padEnd(SCALE, "0").slice(0, SCALE) || "0");
  return match[1] ? -scaled : scaled;
}

/** The double nearest to a scaled integer (as CAST(... AS DOUBLE) of the exact decimal). */
export function decimalToNumber(scaled: bigint): number {
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const text = `${abs / UNIT}.${(abs % UNIT).toString().padStart(SCALE, "0")}`;
  return negative ? -Number(text) : Number(text);
}

/**
 * CAST(x AS DECIMAL(38, 12)) of a double as DuckDB computes it: x x 10^12 in double arithmetic, rounded
 * to the nearest integer (checked on 3,000 random values; ClickHouse truncates instead, so the two
 * engines' SQL differed in the 12th place: here both get DuckDB's rounding). Used where a mean over
 * cohorts is taken as fixed-point decimals, so it does not depend on the order of the terms.
 */
export function decimalOfDouble(x: number): bigint {
  return BigInt(Math.round(x * 1e12));
}

/** Extra digits of the quotient in decimalMean: far more than a double holds. */
const QUOTIENT_DIGITS = 10n ** 20n;

/** The mean of `n` scaled decimals summing to `sum`, as the nearest double (avg(DECIMAL) in SQL). */
export function decimalMean(sum: bigint, n: number): number | null {
  if (n === 0) return null;
  const negative = sum < 0n;
  const q = ((negative ? -sum : sum) * QUOTIENT_DIGITS) / BigInt(n);
  const unit = UNIT * QUOTIENT_DIGITS;
  const digits = SCALE + 20;
  const value = Number(`${q / unit}.${(q % unit).toString().padStart(digits, "0")}`);
  return negative ? -value : value;
}
