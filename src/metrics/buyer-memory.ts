import type { Engine } from "../engine/engine.ts";
import type { DataTables, WindowTables } from "./cube-tables.ts";
import { addExact, decimalPartsNear, TWO32 } from "./exact-parts.ts";
import { ATTRIBUTIONS } from "./options.ts";
import { BoundSql, FROM_DATE } from "./query.ts";

/*
 * The window's per-buyer revenue for the concentration numbers (metrics/concentration.ts), read ONCE
 * per window, for every horizon: each buyer's cumulative revenue at every lifetime it ordered in, so a
 * slice ranks its buyers at any horizon H in JavaScript (the row of the last lifetime below H) instead
 * of a window function ranking every buyer in SQL per slice and model.
 *
 * Read with the engine's numeric path (Engine.numberChunks): integer codes and each decimal as a
 * whole number and the exact rest, no row object per buyer (the reverted stop-17 attempt read
 * rows objects: ~11 s per horizon at 4M sessions). Values are held as trust-memory.ts holds them:
 * exact counts of 1e-12 in high and low parts, so sums and rankings are exact as the SQL's DECIMALs.
 *
 * Two reads: attributed revenue per (model, source key, buyer), the window's lifetimes joined with
 * the source weights (attributedLifetimes; parts keyed by model, source code, combo, cohort), and
 * every source's revenue per buyer from its lifetimes (parts keyed by combo, cohort) for the
 * per-cohort top buyer. Each reads a buyer's rows in lifetime order and adds them up here (until
 * stop 20 a window function did, into a stored table, buyer_revenue): the same exact sums.
 */

/** Buyers' cumulative revenue, grouped in parts (one per combination of the key codes). */
export interface BuyerTable {
  /** Lifetimes 0..months−1 (the window's months). */
  months: number;
  /** Per key column (in the order loaded), each part's code. */
  codes: Int32Array[];
  /** Part p's rows are start[p] .. start[p + 1] − 1 (one row per buyer and lifetime it ordered in). */
  start: Int32Array;
  /** Per row: its lifetime, the buyer's next lifetime with an order (its own on the buyer's last row). */
  lifetime: Uint16Array;
  next: Uint16Array;
  /** Per row: the buyer's revenue through its lifetime, exact (high and low parts of the 1e-12 count). */
  hi: Float64Array;
  lo: Uint32Array;
  /**
   * Per summed value (the ranked revenue first), sums over each part's buyers at any horizon, as
   * steps: index p · months + L holds what the sum changes by from horizon L to L + 1, so the sum at
   * H is the steps of L < H (a buyer counts at H with its row of lifetime < H ≤ next lifetime).
   */
  steps: { hi: Float64Array; lo: Float64Array }[];
  /** Typed-array bytes held. */
  bytes: number;
}

export interface BuyerMemory {
  /** Parts keyed (model index into ATTRIBUTIONS, source code or −1, combo or NO_COMBO, cohort index); values revenue, capped revenue, weight. */
  attributed: BuyerTable;
  /** Parts keyed (combo or NO_COMBO, cohort index); value: every source's revenue. */
  all: BuyerTable;
  /** Source codes of `attributed` and their ids. */
  sources: Map<number, string>;
  bytes: number;
}

/** Key columns of the attributed table, in ORDER BY order. */
export const ATTRIBUTED_KEYS = ["pm", "pk", "pr", "pc"] as const;
/** Key columns of the all-source table. */
export const ALL_KEYS = ["pr", "pc"] as const;

/**
 * Reads both tables (after buildTrustTables). `months` are the window's months in order; the window
 * starts in the first.
 */
export async function loadBuyerMemory(
  engine: Engine,
  t: WindowTables & Pick<DataTables, "sources" | "attr">,
  months: readonly string[],
  /** The window's first day (YYYY-MM-DD): cohorts are read as month offsets from its month. */
  from: string,
  /** The cube's source dictionary (DataCubeFacts.sources): the codes `pk` is read as. */
  sourceCodes: readonly { s: number; source: string }[],
): Promise<BuyerMemory> {
  // Sorted by one integer per part, then buyer and lifetime: DuckDB sorts 1.45M rows (4M sessions) by
  // (part code, buyer, lifetime) in 1.6 CPU-s, by the six columns in 2.4. Each code below its factor,
  // the integer orders the parts as the four codes do (readTable checks that they come in order).
  const keyCodes = Math.max(-1, ...sourceCodes.map((c) => c.s)) + 2;
  const params = {
    from,
    keys: keyCodes,
    months: months.length,
    ...Object.fromEntries(ATTRIBUTIONS.map((m, i) => [`m${i}`, m])),
  };
  const q = new BoundSql(engine, params);
  const { d } = q;
  const cohort = (col: string) => `${d.monthsBetween(d.truncMonth(FROM_DATE), col)}`;
  const model = `CASE b.model ${ATTRIBUTIONS.map((_, i) => `WHEN $m${i} THEN ${i}`).join(" ")} END`;
  // A buyer's key NULL is unattributed (−1); a key missing from the dictionary stays NULL and fails the read.
  // Each (model, key, buyer)'s rows in lifetime order: readTable adds them up into the revenue through
  // each lifetime and takes the next lifetime from the next row.
  const attributed = await readTable(
    q,
    `SELECT ${model} AS pm, CASE WHEN b.key IS NULL THEN -1 ELSE s.s END AS pk, coalesce(b.r, -1) AS pr,
      ${cohort("b.cohort")} AS pc, b.lifetime AS lt,
      ${parts("b.revenue", "rev")}, ${parts("b.capped", "cap")}, ${parts("b.w", "w")}
    FROM ${attributedLifetimes(t)} b LEFT JOIN ${t.sources} s ON s.source_id = b.key
    ORDER BY ${partOrder("pm", "pk", "pr", "pc")}, b.uk, lt`,
    ATTRIBUTED_KEYS,
    [
      { name: "rev", through: true },
      { name: "cap", through: true },
      { name: "w", through: false },
    ],
    months.length,
  );
  // Every source's revenue per buyer through each lifetime it ordered in (the per-cohort top buyer).
  const all = await readTable(
    q,
    `SELECT coalesce(l.r, -1) AS pr, ${cohort("l.cohort")} AS pc, l.lifetime AS lt, ${parts("l.revenue", "rev")}
    FROM ${t.lifetimes} l
    ORDER BY ${partOrder("0", "-1", "pr", "pc")}, l.uk, lt`,
    ALL_KEYS,
    [{ name: "rev", through: true }],
    months.length,
  );
  const sources = new Map(sourceCodes.map((c) => [c.s, c.source]));
  return { attributed, all, sources, bytes: attributed.bytes + all.bytes };
}

/** Combo codes (NO_COMBO −1 included) must stay below this for partOrder to order by them. */
const COMBO_CODES = 2 ** 20;

/**
 * SQL: one BIGINT that orders rows as (model, source key, combo, cohort) do, given the codes' ranges:
 * model 0..2, source key −1..$keys−2, combo −1..COMBO_CODES−2, cohort 0..$months−1.
 */
function partOrder(pm: string, pk: string, pr: string, pc: string): string {
  const big = (x: string) => `CAST(${x} AS BIGINT)`;
  return `((${big(pm)} * CAST($keys AS BIGINT) + ${big(pk)} + 1) * ${COMBO_CODES} + ${big(pr)} + 1) * CAST($months AS BIGINT) + ${big(pc)}`;
}

/**
 * SQL (a parenthesised subquery): the attributed revenue of every new buyer's lifetime month, per
 * (model, source key, buyer, lifetime): the window's lifetimes joined with the source weights n/d, each
 * row rounded to 1e-12 as a DECIMAL as the bucket sums are (so sums over rows are exact), with the
 * buyer's combo, cohort and weight. Read once, sorted, into memory; never stored: a table of it cost
 * as much to write and read again as to compute (1.45M rows at 4M sessions).
 */
export function attributedLifetimes(t: Pick<WindowTables, "lifetimes"> & Pick<DataTables, "attr">): string {
  return `(SELECT a.model AS model, a.key AS key, l.uk AS uk, l.r AS r, l.cohort AS cohort, l.lifetime AS lifetime,
      CAST(CAST(l.revenue * a.n AS DOUBLE) / a.d AS DECIMAL(38, 12)) AS revenue,
      CAST(CAST(l.capped_revenue * a.n AS DOUBLE) / a.d AS DECIMAL(38, 12)) AS capped,
      CAST(CAST(a.n AS DOUBLE) / a.d AS DECIMAL(38, 12)) AS w
    FROM ${t.lifetimes} l JOIN ${t.attr} a ON a.uk = l.uk AND a.dim = 'source')`;
}

/**
 * SQL: a decimal column as `<name>_w`, a whole number near it (the floor of its double), and
 * `<name>_f`, the exact decimal difference from it as a double (|·| < 2, at most 12 places):
 * decimalPartsNear turns the two into the exact value. Only cheap operations in the engine: DuckDB's
 * floor of a DECIMAL(38, 12) and every cast of one to an integer divide 128-bit integers (5 s CPU
 * for the 1.45M buyer rows at 4M sessions, against 0.4 s for this).
 */
export function parts(column: string, name: string): string {
  const near = `floor(CAST(${column} AS DOUBLE))`;
  return `${near} AS ${name}_w, CAST(${column} - CAST(${near} AS DECIMAL(38, 0)) AS DOUBLE) AS ${name}_f`;
}

/** A value read per row: `through` adds a buyer's rows up (revenue through the lifetime), else as read (the weight). */
interface ValueColumn {
  name: string;
  through: boolean;
}

/**
 * Reads one table: rows ordered by the key columns (each change of codes starts a part), then by buyer
 * and lifetime, with lifetime `lt` and each value's whole and fraction columns. A buyer's rows come
 * together, in lifetime order, the first at lifetime 0 (every new buyer has a row in the month of its
 * first order), so a row of lifetime 0 starts a buyer. Values marked `through` are summed over the
 * buyer's rows so far (exactly, as the engine's DECIMAL sum of them), the next lifetime is the buyer's
 * next row's (its own on its last row); the first value is kept per row (the ranking), every value
 * summed into the part's steps.
 */
async function readTable(
  q: BoundSql,
  sql: string,
  keys: readonly string[],
  values: readonly ValueColumn[],
  months: number,
): Promise<BuyerTable> {
  let lifetime = new Uint16Array(1 << 16);
  let next = new Uint16Array(1 << 16);
  let hi = new Float64Array(1 << 16);
  let lo = new Uint32Array(1 << 16);
  const codes = keys.map(() => new GrowingInts());
  const start = new GrowingInts();
  const steps = values.map(() => ({ hi: new GrowingFloats(), lo: new GrowingFloats() }));
  const columns = [...keys, "lt", ...values.flatMap((v) => [`${v.name}_w`, `${v.name}_f`])];
  const nk = keys.length;
  const nv = values.length;
  // The buyer's values so far (through) or its row's (not), and the row waiting for its next lifetime.
  const valueHi = new Float64Array(nv);
  const valueLo = new Float64Array(nv);
  let pending = -1;
  let row = 0;
  let base = -months;
  /** The waiting row's next lifetime is `nx`: its values count from lt + 1 until nx + 1. */
  const settle = (nx: number): void => {
    const lt = lifetime[pending]!;
    next[pending] = nx;
    for (let v = 0; v < nv; v++) {
      const s = steps[v]!;
      addExact(s.hi.array, s.lo.array, base + lt, valueHi[v]!, valueLo[v]!);
      if (nx > lt) addExact(s.hi.array, s.lo.array, base + nx, valueHi[v]!, valueLo[v]!, -1);
    }
    pending = -1;
  };
  await q.numbers(sql, columns, (cols, rows) => {
    for (let i = 0; i < rows; i++) {
      const lt = cols[nk]![i]!;
      if (!(Number.isInteger(lt) && lt >= 0 && lt < months))
        throw new Error(`buyer row with lifetime ${lt} outside the window's ${months} months`);
      const newPart = row === 0 || changed(cols, keys, i, codes);
      if (newPart || lt === 0) {
        // A buyer starts: the last one's last row counts to the end.
        if (pending >= 0) settle(lifetime[pending]!);
      } else {
        if (lt <= lifetime[pending]!)
          throw new Error(
            "the window's buyer rows did not arrive in lifetime order (a buyer would be split)",
          );
        settle(lt);
      }
      if (newPart) {
        if (lt !== 0)
          throw new Error(`the window's buyer rows: a buyer's first row at lifetime ${lt}, not 0`);
        for (let k = 0; k < nk; k++) codes[k]!.push(code(cols[k]![i]!, keys[k]!));
        start.push(row);
        base += months;
        for (const s of steps) {
          s.hi.zeros(months);
          s.lo.zeros(months);
        }
      }
      if (row === lifetime.length) {
        lifetime = grown(lifetime, (n) => new Uint16Array(n));
        next = grown(next, (n) => new Uint16Array(n));
        hi = grown(hi, (n) => new Float64Array(n));
        lo = grown(lo, (n) => new Uint32Array(n));
      }
      for (let v = 0; v < nv; v++) {
        const [h, l] = decimalPartsNear(cols[nk + 1 + 2 * v]![i]!, cols[nk + 2 + 2 * v]![i]!);
        if (values[v]!.through && lt > 0) {
          // The sum so far, its low part back within 0..2³² (the parts decimalParts gives the sum).
          const sum = valueLo[v]! + l;
          const c = Math.floor(sum / TWO32);
          valueHi[v]! += h + c;
          valueLo[v] = sum - c * TWO32;
        } else {
          valueHi[v] = h;
          valueLo[v] = l;
        }
      }
      lifetime[row] = lt;
      hi[row] = valueHi[0]!;
      lo[row] = valueLo[0]!;
      pending = row;
      row += 1;
    }
  });
  if (pending >= 0) settle(lifetime[pending]!);
  start.push(row);
  const out = {
    months,
    codes: codes.map((c) => c.done()),
    start: start.done(),
    lifetime: lifetime.slice(0, row),
    next: next.slice(0, row),
    hi: hi.slice(0, row),
    lo: lo.slice(0, row),
    steps: steps.map((s) => ({ hi: s.hi.doneFloats(), lo: s.lo.doneFloats() })),
    bytes: 0,
  };
  out.bytes =
    row * (2 + 2 + 8 + 4) +
    out.start.byteLength +
    out.codes.reduce((n, c) => n + c.byteLength, 0) +
    out.steps.reduce((n, s) => n + s.hi.byteLength + s.lo.byteLength, 0);
  return out;
}

/** A typed array twice as long with `a`'s values first. */
function grown<A extends Uint16Array | Uint32Array | Float64Array>(a: A, make: (n: number) => A): A {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

/** Whether row i's key codes differ from the current (last) part's; rows must come in key order. */
function changed(
  cols: readonly Float64Array[],
  keys: readonly string[],
  i: number,
  codes: GrowingInts[],
): boolean {
  for (let k = 0; k < keys.length; k++) {
    const v = cols[k]![i]!;
    const current = codes[k]!.last();
    if (v === current) continue;
    if (code(v, keys[k]!) < current)
      throw new Error("the window's buyer rows did not arrive in key order (a part would be split)");
    return true;
  }
  return false;
}

function code(v: number, column: string): number {
  if (!Number.isInteger(v) || v < -1 || v > 2 ** 31 - 1)
    throw new Error(`buyer table: key ${column} = ${v}, not a code (a key missing from a dictionary?)`);
  return v;
}

/** An Int32Array that grows by doubling. */
class GrowingInts {
  array = new Int32Array(64);
  length = 0;

  push(v: number): void {
    if (this.length === this.array.length) {
      const bigger = new Int32Array(this.array.length * 2);
      bigger.set(this.array);
      this.array = bigger;
    }
    this.array[this.length++] = v;
  }

  last(): number {
    return this.array[this.length - 1]!;
  }

  done(): Int32Array {
    return this.array.slice(0, this.length);
  }
}

/** A Float64Array that grows by doubling, extended by runs of zeros. */
class GrowingFloats {
  array = new Float64Array(1024);
  length = 0;

  zeros(n: number): void {
    if (this.length + n > this.array.length) {
      const bigger = new Float64Array(Math.max(this.array.length * 2, this.length + n));
      bigger.set(this.array.subarray(0, this.length));
      this.array = bigger;
    }
    this.length += n;
  }

  doneFloats(): Float64Array {
    return this.array.slice(0, this.length);
  }
}
