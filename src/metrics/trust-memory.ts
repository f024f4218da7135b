import type { Engine } from "../engine/engine.ts";
import { BOOTSTRAP_DEFAULTS } from "./bootstrap.ts";
import { type BuyerMemory, loadBuyerMemory, parts } from "./buyer-memory.ts";
import type { DataTables, WindowTables } from "./cube-tables.ts";
import { CARRY_AT, carry, decimalPartsNear, toDouble } from "./exact-parts.ts";
import { ATTRIBUTIONS } from "./options.ts";
import { BoundSql, FROM_DATE } from "./query.ts";
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
 *
 * Read as buyer-memory.ts reads the buyers' revenue: through the engine's numeric path
 * (Engine.numberChunks), model, source key, combo, cohort and lifetime as integer codes and each
 * decimal as a whole number near it and the exact rest (buyer-memory.ts, `parts`), grouped block by
 * block as the engine hands them over. At 4M sessions (230k revenue and 102k buyer rows, busy
 * machine, bench/trust-stall.ts) both reads with their grouping take 0.18–0.56 s wall where row
 * objects, each decimal's text parsed through BigInt, took 1.7–3.5 s and the grouping 0.6–1.5 s
 * more; loadTrustMemory as a whole (the buyers' revenue included) went from 2.9–4.7 s to 1.3–2.4 s
 * CPU. The groups and their values are those of that read; only their order (which no sum depends
 * on) is the engine's.
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
  t: WindowTables & Pick<DataTables, "sources" | "attr">,
  months: string[],
  from: string,
  sourceCodes: readonly { s: number; source: string }[],
): Promise<TrustMemory> {
  const q = new BoundSql(engine, { from, ...Object.fromEntries(ATTRIBUTIONS.map((m, i) => [`m${i}`, m])) });
  const codes = () => new GroupCodes(months, sourceCodes);
  // Object literals of one shape, not spreads of the head: a slice's replicate loops read these
  // groups' fields thousands of times, and fields of spread-made objects read slower.
  const revenue: RevenueGroup[] = (
    await readGroups(q, codes(), t.bucketRevenue, t.sources, "b.lifetime", "b.revenue")
  ).map(({ head: { model, key, r, cohort, age, lifetime }, sums }) => ({
    model,
    key,
    r,
    cohort,
    age,
    lifetime,
    sums,
  }));
  const buyers: BuyerGroup[] = (await readGroups(q, codes(), t.bucketBuyers, t.sources, "0", "b.buyers")).map(
    ({ head: { model, key, r, cohort, age }, sums }) => ({ model, key, r, cohort, age, sums }),
  );
  const concentration = await loadBuyerMemory(engine, t, months, from, sourceCodes);
  let bytes = concentration.bytes;
  for (const g of [...revenue, ...buyers]) bytes += 64 + 17 * g.sums.buckets.length;
  return { months, revenue, buyers, concentration, bytes };
}

type Head = { model: string; key: string; r: number; cohort: string; lifetime: number; age: number };

/** Key columns of a bucket read, then the bucket and the value's whole and fraction (buyer-memory.ts, parts). */
const BUCKET_COLUMNS = ["pm", "pk", "pr", "pc", "lt", "bk", "v_w", "v_f"] as const;

/**
 * One bucket table's rows grouped by (model, source key, combo, cohort, lifetime), groups in the order
 * of their first row (the order carries no meaning: every sum over them is exact). Read through the
 * numeric path (Engine.numberChunks) as codes and exact decimal parts, so no row object or decimal
 * text is made per row (330k rows at 4M sessions, which `all` and BigInt took 2.3 s or more to read
 * and group). Each block is grouped as it arrives (the event loop is free between blocks); the groups'
 * rows are then laid out contiguously, each group's SparseSums a view into three shared arrays.
 */
async function readGroups(
  q: BoundSql,
  codes: GroupCodes,
  table: string,
  sources: string,
  lifetime: string,
  value: string,
): Promise<{ head: Head; sums: SparseSums }[]> {
  const { d } = q;
  const model = `CASE b.model ${ATTRIBUTIONS.map((_, i) => `WHEN $m${i} THEN ${i}`).join(" ")} END`;
  // A key NULL is unattributed (−1); a key missing from the dictionary stays NULL and fails the read.
  // Buyers without a session have no combo (SQL NULL, −1 = NO_COMBO): only the unfiltered slice
  // keeps them, as inCombos' (1 = 1) did.
  const sql = `SELECT ${model} AS pm, CASE WHEN b.key IS NULL THEN -1 ELSE s.s END AS pk,
      coalesce(b.r, -1) AS pr, ${d.monthsBetween(d.truncMonth(FROM_DATE), "b.cohort")} AS pc,
      ${lifetime} AS lt, b.bucket AS bk, ${parts(value, "v")}
    FROM ${table} b LEFT JOIN ${sources} s ON s.source_id = b.key`;
  const rows = new RowsByGroup();
  await q.numbers(sql, BUCKET_COLUMNS, (cols, n) => {
    const [pm, pk, pr, pc, lt, bk, w, f] = cols as [Float64Array, ...Float64Array[]];
    for (let i = 0; i < n; i++) {
      const bucket = bk![i]!;
      if (!(Number.isInteger(bucket) && bucket >= 0 && bucket < BOOTSTRAP_DEFAULTS.buckets))
        throw new Error(
          `bucket ${bucket} outside 0..${BOOTSTRAP_DEFAULTS.buckets - 1} in the window's trust tables`,
        );
      const group = codes.group(pm[i]!, pk![i]!, pr![i]!, pc![i]!, lt![i]!);
      // A NULL sum (no row had a value) counts as 0, as its text "0" did.
      const [hi, lo] = Number.isNaN(w![i]!) ? [0, 0] : decimalPartsNear(w![i]!, f![i]!);
      rows.push(group, bucket, hi, lo);
    }
  });
  return rows.grouped(codes.heads);
}

/**
 * The groups' key codes as the read gives them (model index into ATTRIBUTIONS, source code or −1,
 * combo or −1, cohort and lifetime as month indexes) to group numbers, first seen first, each with its
 * head in the window's terms (model, source id, cohort month and age).
 */
class GroupCodes {
  readonly heads: Head[] = [];
  private readonly ids = new Map<number, number>();
  private readonly sources: Map<number, string>;
  private readonly keys: number;

  constructor(
    private readonly months: readonly string[],
    sourceCodes: readonly { s: number; source: string }[],
  ) {
    this.sources = new Map(sourceCodes.map((c) => [c.s, c.source]));
    this.keys = Math.max(-1, ...sourceCodes.map((c) => c.s)) + 2;
  }

  group(pm: number, pk: number, pr: number, pc: number, lt: number): number {
    const M = this.months.length;
    // One integer per group key: every code checked against its range, so two keys never collide.
    if (!(Number.isInteger(pm) && pm >= 0 && pm < ATTRIBUTIONS.length))
      throw new Error(`trust tables: model code ${pm}, not one of ${ATTRIBUTIONS.join(", ")}`);
    if (!(Number.isInteger(pk) && pk >= -1 && pk < this.keys - 1))
      throw new Error(`trust tables: source code ${pk} (a key missing from the source dictionary?)`);
    if (!(Number.isInteger(pr) && pr >= -1)) throw new Error(`trust tables: combo code ${pr}`);
    if (!(Number.isInteger(pc) && pc >= 0 && pc < M))
      throw new Error(`trust tables: cohort ${pc} months after the window's first, outside its ${M} months`);
    if (!(Number.isInteger(lt) && lt >= 0 && lt < M))
      throw new Error(`trust tables: lifetime ${lt} outside the window's ${M} months`);
    const id = pm + ATTRIBUTIONS.length * (pk + 1 + this.keys * (pc + M * (lt + M * (pr + 1))));
    if (!Number.isSafeInteger(id)) throw new Error(`trust tables: combo code ${pr} too large`);
    let g = this.ids.get(id);
    if (g === undefined) {
      g = this.heads.length;
      this.ids.set(id, g);
      const key = pk === -1 ? "" : this.sources.get(pk);
      if (key === undefined)
        throw new Error(`trust tables: source code ${pk} is not in the cube's dictionary`);
      this.heads.push({
        model: ATTRIBUTIONS[pm]!,
        key,
        r: pr === -1 ? NO_COMBO : pr,
        cohort: this.months[pc]!,
        lifetime: lt,
        age: M - 1 - pc,
      });
    }
    return g;
  }
}

/** Rows (group number, bucket, exact value) as read, then laid out group by group. */
class RowsByGroup {
  private group = new Int32Array(1 << 14);
  private bucket = new Uint8Array(1 << 14);
  private hi = new Float64Array(1 << 14);
  private lo = new Float64Array(1 << 14);
  private length = 0;

  push(group: number, bucket: number, hi: number, lo: number): void {
    if (this.length === this.group.length) this.grow();
    const i = this.length++;
    this.group[i] = group;
    this.bucket[i] = bucket;
    this.hi[i] = hi;
    this.lo[i] = lo;
  }

  private grow(): void {
    const n = this.group.length * 2;
    const grown = <A extends Int32Array | Uint8Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.group = grown(this.group, (k) => new Int32Array(k));
    this.bucket = grown(this.bucket, (k) => new Uint8Array(k));
    this.hi = grown(this.hi, (k) => new Float64Array(k));
    this.lo = grown(this.lo, (k) => new Float64Array(k));
  }

  /** Per group (in group-number order), its head and its rows in the order read. */
  grouped(heads: readonly Head[]): { head: Head; sums: SparseSums }[] {
    const n = this.length;
    const start = new Int32Array(heads.length + 1);
    for (let i = 0; i < n; i++) start[this.group[i]! + 1]! += 1;
    for (let g = 0; g < heads.length; g++) start[g + 1]! += start[g]!;
    const at = start.slice(0, heads.length);
    const bucket = new Uint8Array(n);
    const hi = new Float64Array(n);
    const lo = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = at[this.group[i]!]!++;
      bucket[j] = this.bucket[i]!;
      hi[j] = this.hi[i]!;
      lo[j] = this.lo[i]!;
    }
    return heads.map((head, g) => {
      const [a, b] = [start[g]!, start[g + 1]!];
      return { head, sums: { buckets: bucket.subarray(a, b), hi: hi.subarray(a, b), lo: lo.subarray(a, b) } };
    });
  }
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
