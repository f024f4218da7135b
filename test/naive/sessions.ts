/** Session-length statistics (spec "Session length", decisions.md quantiles / mode / histogram). */
import type { Context } from "./context.ts";
import { mean, modeSmallest, quantileCont } from "./numbers.ts";

export interface HistogramBin {
  /** `0`, `60`, …, `3540` (bin [x, x+60) seconds) or `3600+`. */
  bin: string;
  sessions: number;
}

export interface SessionStats {
  /** Sessions with a valid length (end >= start): the ones the statistics are over. */
  sessions: number;
  /** Sessions that end before they start: still visits, left out of the length statistics. */
  invalid: number;
  mean_s: number | null;
  median_s: number | null;
  mode_s: number | null;
  p90_s: number | null;
  histogram: HistogramBin[];
}

export function histogramBin(seconds: number): string {
  return seconds >= 3600 ? "3600+" : String(Math.floor(seconds / 60) * 60);
}

/** Over the window's sessions of the kept users; invalid lengths (end before start) only counted. */
export function sessionStats(ctx: Context): SessionStats {
  const lengths = ctx.sessions.filter((s) => s.durationS >= 0).map((s) => s.durationS);
  const bins = new Map<string, number>();
  for (let b = 0; b < 3600; b += 60) bins.set(String(b), 0);
  bins.set("3600+", 0);
  for (const len of lengths) {
    const bin = histogramBin(len);
    bins.set(bin, (bins.get(bin) ?? 0) + 1);
  }
  return {
    sessions: lengths.length,
    invalid: ctx.sessions.length - lengths.length,
    mean_s: mean(lengths),
    median_s: quantileCont(lengths, 0.5),
    mode_s: modeSmallest(lengths),
    p90_s: quantileCont(lengths, 0.9),
    histogram: [...bins].map(([bin, sessions]) => ({ bin, sessions })),
  };
}
