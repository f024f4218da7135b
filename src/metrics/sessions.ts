import type { HistogramBin, SessionStats } from "./result.ts";
import { rowsOf, type WindowMemory } from "./window-memory.ts";

/** Histogram: 60-second bins up to 3600 s, then one open bin (docs/decisions.md). */
const BIN_S = 60;
const BINS = 60;

/*
 * Length statistics come from the slice's frequency table of lengths (a few hundred rows for
 * minute-resolution data; the window's memory keeps sessions per (acquisition combo, length), and a
 * slice merges its combos' tables), not from a sort of every session: the median and p90 interpolate between order statistics found by cumulative counts,
 * exactly as quantile_cont does on raw values. Counts and length sums are integers, exact in a double
 * far beyond any real log (2^53 s).
 */
export function sessionStats(memory: WindowMemory, combos: readonly number[] | null): SessionStats {
  const merged = new Map<number, number>();
  for (const rows of rowsOf(memory.lengths, combos))
    for (const r of rows) merged.set(r.len, (merged.get(r.len) ?? 0) + r.sessions);
  const freq = [...merged].map(([len, n]) => ({ len, n })).sort((a, b) => a.len - b.len);
  const valid = freq.filter((f) => f.len >= 0);
  const invalid = freq.filter((f) => f.len < 0).reduce((s, f) => s + f.n, 0);
  const total = valid.reduce((s, f) => s + f.n, 0);
  const lengthSum = valid.reduce((s, f) => s + f.len * f.n, 0);
  let mode: { len: number; n: number } | null = null;
  for (const f of valid) if (mode === null || f.n > mode.n) mode = f;
  return {
    valid: total,
    invalid,
    meanS: total > 0 ? lengthSum / total : null,
    medianS: quantile(valid, total, 0.5),
    modeS: mode?.len ?? null,
    p90S: quantile(valid, total, 0.9),
    histogram: histogram(valid),
  };
}

/** quantile_cont over the values behind a frequency table sorted by value. */
function quantile(freq: { len: number; n: number }[], total: number, p: number): number | null {
  if (total === 0) return null;
  const pos = p * (total - 1);
  const valueAt = (index: number): number => {
    let upto = 0;
    for (const f of freq) {
      upto += f.n;
      if (upto > index) return f.len;
    }
    return freq[freq.length - 1]!.len;
  };
  const lo = valueAt(Math.floor(pos));
  return lo + (pos - Math.floor(pos)) * (valueAt(Math.ceil(pos)) - lo);
}

function histogram(freq: { len: number; n: number }[]): HistogramBin[] {
  const counts = new Array<number>(BINS + 1).fill(0);
  for (const f of freq) counts[Math.min(Math.floor(f.len / BIN_S), BINS)]! += f.n;
  return counts.map((sessions, bin) => ({
    fromS: bin * BIN_S,
    toS: bin < BINS ? (bin + 1) * BIN_S : null,
    sessions,
  }));
}
