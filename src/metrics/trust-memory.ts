import type { Engine } from "../engine/engine.ts";
import { BOOTSTRAP_DEFAULTS } from "./bootstrap.ts";
import { type BuyerMemory, loadBuyerMemory } from "./buyer-memory.ts";
import type { DataTables, WindowTables } from "./cube-tables.ts";
import { CARRY_AT, carry, decimalUnits, MASK32, toDouble } from "./exact-parts.ts";
import { BoundSql, num, text } from "./query.ts";
import { NO_COMBO } from "./window-memory.ts";

/*
 * The window's bootstrap sums (cube-window.ts, buildBucketCells: attributed revenue per (model, source
 * key, combo, cohort, lifetime, bucket) and attributed buyers per (model, key, combo, cohort, bucket))
 * read once per window into typed arrays, so that a slice's intervals (intervals.ts) sum its combos
 * here instead of asking the engine for per-bucket sums three times per model.
 *
 * Exact: the tables hold DECIMAL(38, 12) values and the engine summed them exactly; here each value
 * is an integer count of 1e-12 split into a high part (÷ 2³²) and a low part (< 2³²), both exact
 * doubles (the low parts carried into the high ones before they could round), so a slice's sums are
 * exact whatever their order, and only the final sum becomes a double: the one CAST(sum AS DOUBLE) gave (`toDouble`).
 * The arithmetic lives in exact-parts.ts.
 */

/** One group's rows: the buckets it has rows in and each row's exact value (high and low parts). */
export interface SparseSums {
  buckets: Uint8Array;
  hi: Float64Array;
  lo: Float64Array;
}

export interface RevenueGroup {
  model: string;
  /** Source key; '' = unattributed (SQL NULL). */
  key: string;
  r: number;
  /** Cohort month YYYY-MM. */
  cohort: string;
  /** Months from the cohort to the window's last month (its last observed lifetime). */
  age: number;
  lifetime: number;
  sums: SparseSums;
}

export interface BuyerGroup {
  model: string;
  key: string;
  r: number;
  cohort: string;
  age: number;
  sums: SparseSums;
}

export interface TrustMemory {
  /** The window's months in order (YYYY-MM): cohorts and lifetimes are read against them. */
  months: string[];
  revenue: RevenueGroup[];
  buyers: BuyerGroup[];
  /** The window's per-buyer revenue for the concentration numbers, every horizon (buyer-memory.ts). */
  concentration: BuyerMemory;
  /** Approximate bytes the typed arrays hold, the per-buyer revenue included (bench/trust-profile.ts reports it). */
  bytes: number;
}

/**
 * Reads the window's bucket tables and its per-buyer revenue into memory (once per window, after
 * buildTrustTables). `months` are the window's months in order, as its calendar already holds them
 * (window-periods.ts); `from` is the window's first day; `sourceCodes` the cube's source dictionary.
 */
export async function loadTrustMemory(
  engine: Engine,
  t: WindowTables & Pick<DataTables, "sources">,
  months: string[],
  from: string,
  sourceCodes: readonly { s: number; source: string }[],
): Promise<TrustMemory> {
  const q = new BoundSql(engine, {});
  const { d } = q;
  // Decimal values as text: the engines' JSON numbers would round them.
  const revenueRows = await q.all(`SELECT b.model AS model, coalesce(b.key, '') AS k, b.r AS r,
      ${d.formatMonth("b.cohort")} AS cohort, b.lifetime AS lifetime, b.bucket AS bucket,
      CAST(b.revenue AS VARCHAR) AS v
    FROM ${t.bucketRevenue} b`);
  const buyerRows = await q.all(`SELECT b.model AS model, coalesce(b.key, '') AS k, b.r AS r,
      ${d.formatMonth("b.cohort")} AS cohort, 0 AS lifetime, b.bucket AS bucket, CAST(b.buyers AS VARCHAR) AS v
    FROM ${t.bucketBuyers} b`);
  const last = months.length - 1;
  const ageOf = new Map(months.map((m, i) => [m, last - i]));
  const age = (cohort: string) => {
    const a = ageOf.get(cohort);
    if (a === undefined) throw new Error(`cohort ${cohort} outside the window's months`);
    return a;
  };
  const revenue = grouped(revenueRows).map(({ head, sums }) => ({ ...head, age: age(head.cohort), sums }));
  const buyers = grouped(buyerRows).map(({ head, sums }) => {
    const { lifetime: _lifetime, ...rest } = head;
    return { ...rest, age: age(head.cohort), sums };
  });
  const concentration = await loadBuyerMemory(engine, t, months, from, sourceCodes);
  let bytes = concentration.bytes;
  for (const g of [...revenue, ...buyers]) bytes += 64 + 17 * g.sums.buckets.length;
  return { months, revenue, buyers, concentration, bytes };
}

type Head = { model: string; key: string; r: number; cohort: string; lifetime: number };

function grouped(rows: readonly Record<string, unknown>[]): { head: Head; sums: SparseSums }[] {
  const groups = new Map<string, { head: Head; buckets: number[]; hi: number[]; lo: number[] }>();
  for (const row of rows) {
    const head: Head = {
      model: text(row.model as string),
      key: text(row.k as string),
      // Buyers without a session have no combo (SQL NULL): only the unfiltered slice keeps them, as
      // inCombos' (1 = 1) did.
      r: row.r === null || row.r === undefined ? NO_COMBO : num(row.r as number),
      cohort: text(row.cohort as string),
      lifetime: num(row.lifetime as number),
    };
    const id = `${head.model}\u0000${head.key}\u0000${head.r}\u0000${head.cohort}\u0000${head.lifetime}`;
    let g = groups.get(id);
    if (!g) {
      g = { head, buckets: [], hi: [], lo: [] };
      groups.set(id, g);
    }
    const bucket = num(row.bucket as number);
    if (!(bucket >= 0 && bucket < BOOTSTRAP_DEFAULTS.buckets))
      throw new Error(
        `bucket ${bucket} outside 0..${BOOTSTRAP_DEFAULTS.buckets - 1} in the window's trust tables`,
      );
    const units = decimalUnits(row.v === null || row.v === undefined ? "0" : String(row.v));
    g.buckets.push(bucket);
    g.hi.push(Number(units >> 32n));
    g.lo.push(Number(units & MASK32));
  }
  return [...groups.values()].map(({ head, buckets, hi, lo }) => ({
    head,
    sums: { buckets: Uint8Array.from(buckets), hi: Float64Array.from(hi), lo: Float64Array.from(lo) },
  }));
}

/**
 * Per-bucket exact sums of the groups a slice adds (G buckets), and their exact total; `add` a group,
 * then read doubles with `values` / `total`.
 */
export class BucketAccumulator {
  readonly hi: Float64Array;
  readonly lo: Float64Array;
  /** Whether any row was added (the SQL group existed). */
  rows = false;

  constructor(readonly buckets: number = BOOTSTRAP_DEFAULTS.buckets) {
    this.hi = new Float64Array(buckets);
    this.lo = new Float64Array(buckets);
  }

  add(s: SparseSums): void {
    const { buckets, hi, lo } = s;
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i]!;
      this.hi[b]! += hi[i]!;
      this.lo[b]! += lo[i]!;
      // Carry before the low parts could leave the exact integers.
      if (this.lo[b]! >= CARRY_AT) carry(this.hi, this.lo, b);
    }
    if (buckets.length > 0) this.rows = true;
  }

  /** Per bucket, the sum as a double (as the engine's CAST of the exact sum). */
  values(): Float64Array {
    const out = new Float64Array(this.buckets);
    for (let b = 0; b < this.buckets; b++) out[b] = toDouble(this.hi[b]!, this.lo[b]!);
    return out;
  }

  /** The exact total over every bucket, as a double. */
  total(): number {
    const sum = { hi: Float64Array.of(0), lo: Float64Array.of(0) };
    for (let b = 0; b < this.buckets; b++) {
      sum.hi[0]! += this.hi[b]!;
      sum.lo[0]! += this.lo[b]!;
      if (sum.lo[0]! >= CARRY_AT) carry(sum.hi, sum.lo, 0);
    }
    return toDouble(sum.hi[0]!, sum.lo[0]!);
  }
}
