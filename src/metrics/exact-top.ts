import { compareExact, ExactSum, TWO32, toDouble } from "./exact-parts.ts";

/*
 * The largest of n exact values and the exact sum of the m largest (the concentration numbers' top
 * buyer and top 1 %), in linear time: values are exact counts of 1e-12 in high and low parts
 * (trust-memory.ts), ranked by their doubles (hi · 2³² + lo rounds monotonically, so the order of two
 * doubles never contradicts the order of the values), the m-th largest double found by a quickselect,
 * and the values tied with it settled exactly. A sort per slice of every buyer would cost ~10× more.
 */

/** Below this a value's double is exact: equal doubles are equal values. */
const EXACT_DOUBLES = 2 ** 52;

let scratch = new Float64Array(1024);

export interface TopValues {
  /** The largest value as a double (as CAST(max(x) AS DOUBLE)); 0 without values. */
  top: number;
  /** The sum of the m largest, exact (its value() as CAST(sum(x) AS DOUBLE) over them). */
  topSum: ExactSum;
}

/** The largest of values 0..n−1 and the sum of the m largest (ties: any of them, the sum is the same). */
export function topValues(hi: ArrayLike<number>, lo: ArrayLike<number>, n: number, m: number): TopValues {
  const sum = new ExactSum();
  if (n === 0) return { top: 0, topSum: sum };
  let best = 0;
  for (let i = 1; i < n; i++) if (compareExact(hi[i]!, lo[i]!, hi[best]!, lo[best]!) > 0) best = i;
  const top = toDouble(hi[best]!, lo[best]!);
  const take = Math.min(Math.max(m, 0), n);
  if (take === n) {
    for (let i = 0; i < n; i++) sum.add(hi[i]!, lo[i]!);
    return { top, topSum: sum };
  }
  if (take === 0) return { top, topSum: sum };
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  const approx = scratch;
  for (let i = 0; i < n; i++) approx[i] = hi[i]! * TWO32 + lo[i]!;
  // The take-th largest double: position n − take in ascending order.
  const threshold = nth(approx, n, n - take);
  const tied: number[] = [];
  let above = 0;
  for (let i = 0; i < n; i++) {
    const a = hi[i]! * TWO32 + lo[i]!;
    if (a > threshold) {
      sum.add(hi[i]!, lo[i]!);
      above += 1;
    } else if (a === threshold) tied.push(i);
  }
  // Values tied with the threshold's double: equal when the doubles are exact, else ranked exactly.
  if (Math.abs(threshold) >= EXACT_DOUBLES) tied.sort((a, b) => compareExact(hi[b]!, lo[b]!, hi[a]!, lo[a]!));
  for (let k = 0; k < take - above; k++) sum.add(hi[tied[k]!]!, lo[tied[k]!]!);
  return { top, topSum: sum };
}

/**
 * The value at position k of a[0..n) in ascending order (a is reordered): a quickselect with
 * three-way partitions (many equal revenues are common) around a median of three; after a few dozen
 * rounds without converging (an adversarial order) the rest is sorted. With `from` (≤ k) the search
 * starts at a[from..n), for a caller that knows a[0..from) to hold the `from` smallest values.
 */
export function nth(a: Float64Array, n: number, k: number, from = 0): number {
  let left = from;
  let right = n - 1;
  for (let round = 0; right > left; round++) {
    if (round > 64) {
      const rest = a.subarray(left, right + 1).sort();
      return rest[k - left]!;
    }
    const pivot = medianOf3(a[left]!, a[(left + right) >>> 1]!, a[right]!);
    // [left, lt) < pivot, [lt, i) = pivot, (gt, right] > pivot
    let lt = left;
    let i = left;
    let gt = right;
    while (i <= gt) {
      const x = a[i]!;
      if (x < pivot) {
        a[i] = a[lt]!;
        a[lt] = x;
        lt += 1;
        i += 1;
      } else if (x > pivot) {
        a[i] = a[gt]!;
        a[gt] = x;
        gt -= 1;
      } else i += 1;
    }
    if (k < lt) right = lt - 1;
    else if (k > gt) left = gt + 1;
    else return pivot;
  }
  return a[k]!;
}

function medianOf3(x: number, y: number, z: number): number {
  return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
}
