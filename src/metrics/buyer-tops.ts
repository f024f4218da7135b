import type { BuyerTable } from "./buyer-memory.ts";
import { compareExact, ExactSum, TWO32, toDouble } from "./exact-parts.ts";
import { type TopValues, topValues } from "./exact-top.ts";

/*
 * The buyers of a part of a buyer table at a horizon, the largest of them and the m largest of a
 * slice's parts (the concentration numbers' top buyer and top 1 %, concentration.ts).
 *
 * A buyer's rows hold its cumulative revenue through each lifetime it ordered in; at horizon H it
 * counts with one of them (the last below H, countsAt). Every part's buyers are counted at every
 * horizon once per table (a pass over its rows). The largest are found in one of two ways:
 * - linear: a slice gathers its parts' buyers at H and selects (exact-top.ts), a pass over every
 *   buyer of its sources per model;
 * - ranked: each part's rows are sorted once (largest exact revenue first, whatever their lifetime)
 *   and a slice merges the heads of its parts, skipping rows that do not count at H; a few hundred
 *   rows per slice instead of every buyer (gathering and selecting had been a third of a trust
 *   slice's CPU in serve).
 * The sort costs as much as 15-20 linear slices of one model (at 4M sessions, 1.45M rows: ~0.4 s), so
 * a table is ranked only once it is sliced more than RANK_AFTER times, or when asked to: serve's trust
 * thread ranks a window's tables as they arrive (so no request's slice waits for the sort), a report
 * (one slice per model) never does, and at 100M sessions its 36M buyer rows are not sorted for three
 * slices. Both ways give the same numbers
 * exactly (doubles order the candidates, ties are settled by the exact parts; test/buyer-tops.test.ts).
 */

/** Uses of a table before it is ranked: one slice of every model (serve ranks from its second). */
export const RANK_AFTER = 3;

/** Each part's rows (indexes into the table), largest value first: part p's are rows[start[p] .. start[p + 1]). */
type Ranking = Int32Array;

/** A table's buyers per part and horizon, and its largest buyers (see above). */
export class BuyerTops {
  private uses = 0;
  private ranking: Ranking | null = null;
  /** Buyers of part p at horizon H (min(H, months)): buyers[p · (months + 1) + H]. */
  private readonly buyers: Int32Array;

  constructor(readonly table: BuyerTable) {
    this.buyers = countBuyers(table);
  }

  /** Called once per slice that reads the table: ranks it past RANK_AFTER. */
  used(): void {
    this.uses += 1;
    if (this.uses > RANK_AFTER) this.rank();
  }

  /** Ranks the table now (serve's trust thread does as a window arrives, before any request waits). */
  rank(): void {
    this.ranking ??= rank(this.table);
  }

  /** Part p's buyers at horizon H. */
  buyersAt(p: number, H: number): number {
    return this.buyers[p * (this.table.months + 1) + Math.min(H, this.table.months)]!;
  }

  /** Part p's largest row at horizon H, −1 without buyers there. */
  bestAt(p: number, H: number): number {
    const t = this.table;
    const end = t.start[p + 1]!;
    if (this.ranking) {
      for (let i = t.start[p]!; i < end; i++) if (countsAt(t, this.ranking[i]!, H)) return this.ranking[i]!;
      return -1;
    }
    let best = -1;
    for (let j = t.start[p]!; j < end; j++)
      if (countsAt(t, j, H) && (best < 0 || compareExact(t.hi[j]!, t.lo[j]!, t.hi[best]!, t.lo[best]!) > 0))
        best = j;
    return best;
  }

  /** The largest value and the exact sum of the m largest among the parts' buyers at H. */
  top(parts: readonly number[], H: number, m: number): TopValues {
    return this.ranking
      ? mergedTop(this.table, this.ranking, parts, H, m)
      : gatheredTop(this.table, parts, H, m);
  }
}

const tops = new WeakMap<BuyerTable, BuyerTops>();

/** The table's BuyerTops, made on first use (a window's tables live as long as the window). */
export function buyerTops(table: BuyerTable): BuyerTops {
  let t = tops.get(table);
  if (!t) {
    t = new BuyerTops(table);
    tops.set(table, t);
  }
  return t;
}

/** Whether row j is its buyer's row at horizon H: the last lifetime below H the buyer ordered in. */
export function countsAt(table: BuyerTable, j: number, H: number): boolean {
  const lt = table.lifetime[j]!;
  const next = table.next[j]!;
  return lt < H && (next === lt || next >= H);
}

/** Buyers per part and horizon 0..months: a row counts at lt + 1 .. next (every later one on a buyer's last row). */
function countBuyers(table: BuyerTable): Int32Array {
  const parts = table.start.length - 1;
  const M = table.months;
  const { lifetime, next } = table;
  // +1 where a row's range of horizons starts and −1 after it ends, summed along the horizons.
  const buyers = new Int32Array(parts * (M + 1));
  for (let p = 0; p < parts; p++) {
    const base = p * (M + 1);
    for (let j = table.start[p]!; j < table.start[p + 1]!; j++) {
      const lt = lifetime[j]!;
      const nx = next[j]!;
      if (lt + 1 > M) continue;
      buyers[base + lt + 1]! += 1;
      if (nx !== lt && nx + 1 <= M) buyers[base + nx + 1]! -= 1;
    }
    for (let H = 1; H <= M; H++) buyers[base + H]! += buyers[base + H - 1]!;
  }
  return buyers;
}

function rank(table: BuyerTable): Ranking {
  const { hi, lo } = table;
  const approx = new Float64Array(hi.length);
  for (let j = 0; j < hi.length; j++) approx[j] = hi[j]! * TWO32 + lo[j]!;
  const byValue = (a: number, b: number) =>
    approx[b]! - approx[a]! || compareExact(hi[b]!, lo[b]!, hi[a]!, lo[a]!);
  const rows = new Int32Array(hi.length);
  for (let j = 0; j < rows.length; j++) rows[j] = j;
  for (let p = 0; p < table.start.length - 1; p++)
    rows.subarray(table.start[p]!, table.start[p + 1]!).sort(byValue);
  return rows;
}

/** Buyer rows a linear slice gathers (grown as needed). */
let gatheredHi = new Float64Array(1024);
let gatheredLo = new Uint32Array(1024);

/** The parts' buyers at H copied out and selected among (exact-top.ts). */
function gatheredTop(table: BuyerTable, parts: readonly number[], H: number, m: number): TopValues {
  let rows = 0;
  for (const p of parts) rows += table.start[p + 1]! - table.start[p]!;
  if (gatheredHi.length < rows) {
    gatheredHi = new Float64Array(Math.max(rows, gatheredHi.length * 2));
    gatheredLo = new Uint32Array(gatheredHi.length);
  }
  let n = 0;
  for (const p of parts)
    for (let j = table.start[p]!; j < table.start[p + 1]!; j++)
      if (countsAt(table, j, H)) {
        gatheredHi[n] = table.hi[j]!;
        gatheredLo[n] = table.lo[j]!;
        n += 1;
      }
  return topValues(gatheredHi, gatheredLo, n, m);
}

/**
 * The largest value and the exact sum of the m largest among the given parts' buyers at horizon H
 * (exact-top.ts's topValues over all of them): a merge of the parts' rankings by a binary heap of
 * their heads, each head the next row that counts at H.
 */
function mergedTop(
  table: BuyerTable,
  order: Ranking,
  parts: readonly number[],
  H: number,
  m: number,
): TopValues {
  const { hi, lo } = table;
  const sum = new ExactSum();
  // Per heap slot: the position in `order` of its part's head, and where its part ends.
  const at: number[] = [];
  const end: number[] = [];
  const advance = (from: number, stop: number): number => {
    let i = from;
    while (i < stop && !countsAt(table, order[i]!, H)) i++;
    return i;
  };
  for (const p of parts) {
    const stop = table.start[p + 1]!;
    const i = advance(table.start[p]!, stop);
    if (i < stop) {
      at.push(i);
      end.push(stop);
    }
  }
  const above = (a: number, b: number) => {
    const ra = order[at[a]!]!;
    const rb = order[at[b]!]!;
    return compareExact(hi[ra]!, lo[ra]!, hi[rb]!, lo[rb]!) > 0;
  };
  const down = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      let top = i;
      if (l < at.length && above(l, top)) top = l;
      if (l + 1 < at.length && above(l + 1, top)) top = l + 1;
      if (top === i) return;
      [at[i], at[top]] = [at[top]!, at[i]!];
      [end[i], end[top]] = [end[top]!, end[i]!];
      i = top;
    }
  };
  for (let i = (at.length >> 1) - 1; i >= 0; i--) down(i);
  let top = 0;
  for (let taken = 0; taken < m && at.length > 0; taken++) {
    const row = order[at[0]!]!;
    if (taken === 0) top = toDouble(hi[row]!, lo[row]!);
    sum.add(hi[row]!, lo[row]!);
    const i = advance(at[0]! + 1, end[0]!);
    if (i < end[0]!) at[0] = i;
    else {
      at[0] = at[at.length - 1]!;
      end[0] = end[end.length - 1]!;
      at.pop();
      end.pop();
    }
    down(0);
  }
  return { top, topSum: sum };
}
