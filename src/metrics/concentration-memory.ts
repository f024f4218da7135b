import type { Engine } from "../engine/engine.ts";
import type { WindowTables } from "./cube-tables.ts";
import { BoundSql, num, text } from "./query.ts";
import { decimalUnits, toDouble } from "./trust-memory.ts";
import { NO_COMBO } from "./window-memory.ts";

/*
 * The concentration numbers' per-buyer revenue (metrics/concentration.ts) read once per (window,
 * horizon) into memory, so that a slice's top buyer and top 1 % are a merge of its combos' sorted
 * lists instead of a window function ranking every buyer of every source per request and model (the
 * largest part of a trust slice before: ~0.2 s CPU per model at 4M sessions).
 *
 * What is kept is what no sum can replace: per (model, source key, combo, buyer cohort) the buyers'
 * attributed revenue through lifetime H−1, sorted from the largest, and the exact sums of revenue,
 * capped revenue and attributed weight; per (combo, cohort) the all-source revenue and its largest buyer.
 * Exact as trust-memory.ts: every value an integer count of 1e-12 split into a high and a low part,
 * both exact doubles, sums carried before the low parts could round, and only a final sum becomes a
 * double (toDouble: DuckDB's CAST(DECIMAL AS DOUBLE) of the exact sum).
 */

const TWO32 = 2 ** 32;
const MASK32 = (1n << 32n) - 1n;
/** Low parts at or above this move into the high part (both stay integers below 2⁵³). */
const CARRY_AT = 2 ** 52;

/** An exact sum of 1e-12 counts, as a high (÷ 2³²) and a low part. */
export class ExactSum {
  hi = 0;
  lo = 0;

  add(hi: number, lo: number): void {
    this.hi += hi;
    this.lo += lo;
    if (this.lo >= CARRY_AT) {
      const c = Math.floor(this.lo / TWO32);
      this.hi += c;
      this.lo -= c * TWO32;
    }
  }

  addSum(other: ExactSum): void {
    this.add(other.hi, other.lo);
  }

  value(): number {
    return toDouble(this.hi, this.lo);
  }
}

/** One (model, source key, combo, cohort) part: its buyers' horizon revenue, largest first. */
export interface BuyerPart {
  model: string;
  /** Source key; '' = unattributed (SQL NULL). */
  key: string;
  r: number;
  /** Buyer cohort YYYY-MM. */
  cohort: string;
  /** Each buyer's revenue (high and low parts), sorted descending. */
  hi: Float64Array;
  lo: Float64Array;
  revenue: ExactSum;
  capped: ExactSum;
  /** Attributed buyers (weights sum). */
  weight: ExactSum;
}

/** All-source revenue of one (combo, cohort) through lifetime H−1 and its largest buyer's. */
export interface CohortPart {
  r: number;
  cohort: string;
  revenue: ExactSum;
  topHi: number;
  topLo: number;
}

export interface ConcentrationMemory {
  horizon: number;
  buyers: BuyerPart[];
  cohorts: CohortPart[];
  /** Buyer rows held (bench/trust-profile.ts reports it). */
  rows: number;
}

/** Reads the window's per-buyer revenue through lifetime `horizon` − 1 (after buildTrustTables). */
export async function loadConcentrationMemory(
  engine: Engine,
  t: WindowTables,
  horizon: number,
): Promise<ConcentrationMemory> {
  const q = new BoundSql(engine, { horizon });
  const { d } = q;
  // Each buyer's row of the last lifetime below H it ordered in (cube-window.ts, buyerRevenue), as
  // decimal text (the engines' JSON numbers would round it), grouped and largest first.
  const rows = await q.all(`SELECT b.model AS model, coalesce(b.key, '') AS k, b.r AS r,
      ${d.formatMonth("b.cohort")} AS cohort, CAST(b.revenue AS VARCHAR) AS v, CAST(b.capped AS VARCHAR) AS c,
      CAST(b.w AS VARCHAR) AS w
    FROM ${t.buyerRevenue} b
    WHERE b.lifetime < CAST($horizon AS INTEGER)
      AND (b.next_lifetime = b.lifetime OR b.next_lifetime >= CAST($horizon AS INTEGER))
    ORDER BY b.model, coalesce(b.key, ''), b.r, b.cohort, b.revenue DESC`);
  const parts = new Map<string, { part: BuyerPart; hi: number[]; lo: number[] }>();
  for (const row of rows) {
    const r = comboOf(row.r);
    const model = text(row.model as string);
    const key = text(row.k as string);
    const cohort = text(row.cohort as string);
    const id = `${model}\u0000${key}\u0000${r}\u0000${cohort}`;
    let p = parts.get(id);
    if (!p) {
      const part: BuyerPart = {
        model,
        key,
        r,
        cohort,
        hi: new Float64Array(0),
        lo: new Float64Array(0),
        revenue: new ExactSum(),
        capped: new ExactSum(),
        weight: new ExactSum(),
      };
      p = { part, hi: [], lo: [] };
      parts.set(id, p);
    }
    const [vh, vl] = split(row.v);
    p.hi.push(vh);
    p.lo.push(vl);
    p.part.revenue.add(vh, vl);
    p.part.capped.add(...split(row.c));
    p.part.weight.add(...split(row.w));
  }
  const buyers = [...parts.values()].map(({ part, hi, lo }) => ({
    ...part,
    hi: Float64Array.from(hi),
    lo: Float64Array.from(lo),
  }));
  // Every buyer of a cohort, whatever the model: all-source revenue through H−1 per buyer, then per combo.
  const cohortRows = await q.all(`SELECT br.r AS r, ${d.formatMonth("br.cohort")} AS cohort,
      CAST(sum(br.revenue) AS VARCHAR) AS v, CAST(max(br.revenue) AS VARCHAR) AS top
    FROM (SELECT l.r AS r, l.cohort AS cohort, l.uk AS uk, sum(l.revenue) AS revenue FROM ${t.lifetimes} l
      WHERE l.lifetime < CAST($horizon AS INTEGER) GROUP BY l.r, l.cohort, l.uk) br
    GROUP BY br.r, br.cohort`);
  const cohorts = cohortRows.map((row) => {
    const revenue = new ExactSum();
    revenue.add(...split(row.v));
    const [topHi, topLo] = split(row.top);
    return { r: comboOf(row.r), cohort: text(row.cohort as string), revenue, topHi, topLo };
  });
  return { horizon, buyers, cohorts, rows: rows.length };
}

function comboOf(value: unknown): number {
  return value === null || value === undefined ? NO_COMBO : num(value as number);
}

/** A decimal cell as (high, low) parts of its 1e-12 count. */
function split(value: unknown): [number, number] {
  const units = decimalUnits(value === null || value === undefined ? "0" : String(value));
  return [Number(units >> 32n), Number(units & MASK32)];
}

/** (high, low) pairs compared as the counts they stand for (the low part is always in 0..2³²). */
export function compareParts(ah: number, al: number, bh: number, bl: number): number {
  return ah !== bh ? ah - bh : al - bl;
}

/**
 * The exact sum of the `m` largest values over several descending lists (a k-way merge with a binary
 * heap of the lists' heads), as an ExactSum.
 */
export function topSum(lists: readonly { hi: Float64Array; lo: Float64Array }[], m: number): ExactSum {
  const sum = new ExactSum();
  const heap: { list: number; at: number }[] = [];
  const headOf = (e: { list: number; at: number }) => [lists[e.list]!.hi[e.at]!, lists[e.list]!.lo[e.at]!];
  const above = (a: { list: number; at: number }, b: { list: number; at: number }) => {
    const [ah, al] = headOf(a);
    const [bh, bl] = headOf(b);
    return compareParts(ah!, al!, bh!, bl!) > 0;
  };
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!above(heap[i]!, heap[parent]!)) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < heap.length && above(heap[l]!, heap[best]!)) best = l;
      if (r < heap.length && above(heap[r]!, heap[best]!)) best = r;
      if (best === i) return;
      [heap[i], heap[best]] = [heap[best]!, heap[i]!];
      i = best;
    }
  };
  for (const [list, l] of lists.entries())
    if (l.hi.length > 0) {
      heap.push({ list, at: 0 });
      up(heap.length - 1);
    }
  for (let taken = 0; taken < m && heap.length > 0; taken++) {
    const head = heap[0]!;
    sum.add(lists[head.list]!.hi[head.at]!, lists[head.list]!.lo[head.at]!);
    head.at += 1;
    if (head.at < lists[head.list]!.hi.length) down(0);
    else {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    }
  }
  return sum;
}
