/*
 * Resampling plan for the block bootstrap: the days of each calendar month are cut into 7-day blocks
 * (the last one shorter), and each replicate draws, month by month, as many blocks as the month has,
 * with replacement. Keeping months intact keeps every month effect estimable; blocks of a week keep
 * the day-of-week mix and short-range dependence (adstock is computed on the original series first).
 * The same plan is applied to every source, so replicates are joint across sources.
 */

/** Replicates as arrays of positions into the common day axis. */
export function weekBlockReplicates(days: readonly string[], replicates: number, seed: number): Int32Array[] {
  const blocks = monthBlocks(days);
  const rand = mulberry32(seed);
  const out: Int32Array[] = [];
  for (let r = 0; r < replicates; r++) {
    const picked: number[] = [];
    for (const month of blocks) {
      for (let b = 0; b < month.length; b++) picked.push(...month[Math.floor(rand() * month.length)]!);
    }
    out.push(Int32Array.from(picked));
  }
  return out;
}

/** Per month (in day order), its blocks of up to 7 consecutive day positions. */
function monthBlocks(days: readonly string[]): number[][][] {
  const months: number[][][] = [];
  let label = "";
  days.forEach((day, i) => {
    if (day.slice(0, 7) !== label) {
      label = day.slice(0, 7);
      months.push([]);
    }
    const month = months[months.length - 1]!;
    const last = month[month.length - 1];
    if (last && last.length < 7) last.push(i);
    else month.push([i]);
  });
  return months;
}

/** mulberry32: small, fast and seedable; quality is ample for drawing blocks. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
