import type { Engine } from "../engine/engine.ts";
import type { DataTables, WindowTables } from "./cube-tables.ts";
import { addExact, decimalPartsNear } from "./exact-parts.ts";
import { ATTRIBUTIONS } from "./options.ts";
import { BoundSql, FROM_DATE, num } from "./query.ts";

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
 * Two tables: attributed revenue per (model, source key, buyer) from the window's buyerRevenue
 * (cube-window.ts; parts keyed by model, source code, combo, cohort), and every source's revenue per
 * buyer from its lifetimes (parts keyed by combo, cohort) for the per-cohort top buyer.
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
  t: WindowTables & Pick<DataTables, "sources">,
  months: readonly string[],
  /** The window's first day (YYYY-MM-DD): cohorts are read as month offsets from its month. */
  from: string,
  /** The cube's source dictionary (DataCubeFacts.sources): the codes `pk` is read as. */
  sourceCodes: readonly { s: number; source: string }[],
): Promise<BuyerMemory> {
  const params = { from, ...Object.fromEntries(ATTRIBUTIONS.map((m, i) => [`m${i}`, m])) };
  const q = new BoundSql(engine, params);
  const { d } = q;
  const cohort = (col: string) => `${d.monthsBetween(d.truncMonth(FROM_DATE), col)}`;
  const model = `CASE b.model ${ATTRIBUTIONS.map((_, i) => `WHEN $m${i} THEN ${i}`).join(" ")} END`;
  // A buyer's key NULL is unattributed (−1); a key missing from the dictionary stays NULL and fails the read.
  const attributed = await readTable(
    q,
    `SELECT ${model} AS pm, CASE WHEN b.key IS NULL THEN -1 ELSE s.s END AS pk, coalesce(b.r, -1) AS pr,
      ${cohort("b.cohort")} AS pc, b.lifetime AS lt, b.next_lifetime AS nx,
      ${parts("b.revenue", "rev")}, ${parts("b.capped", "cap")}, ${parts("b.w", "w")}
    FROM ${t.buyerRevenue} b LEFT JOIN ${t.sources} s ON s.source_id = b.key
    ORDER BY pm, pk, pr, pc`,
    `SELECT CAST(count(*) AS BIGINT) AS n FROM ${t.buyerRevenue} b`,
    ATTRIBUTED_KEYS,
    ["rev", "cap", "w"],
    months.length,
  );
  // Every source's revenue per buyer through each lifetime it ordered in (the per-cohort top buyer).
  const buyer = "PARTITION BY l.uk ORDER BY l.lifetime";
  const all = await readTable(
    q,
    `SELECT coalesce(x.r, -1) AS pr, ${cohort("x.cohort")} AS pc, x.lifetime AS lt, x.next_lifetime AS nx,
      ${parts("x.revenue", "rev")}
    FROM (SELECT l.r AS r, l.cohort AS cohort, l.lifetime AS lifetime,
        max(l.lifetime) OVER (${buyer} ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_lifetime,
        sum(l.revenue) OVER (${buyer} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS revenue
      FROM ${t.lifetimes} l) x
    ORDER BY pr, pc`,
    `SELECT CAST(count(*) AS BIGINT) AS n FROM ${t.lifetimes} l`,
    ALL_KEYS,
    ["rev"],
    months.length,
  );
  const sources = new Map(sourceCodes.map((c) => [c.s, c.source]));
  return { attributed, all, sources, bytes: attributed.bytes + all.bytes };
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

/**
 * Reads one table: rows ordered by the key columns (each change of codes starts a part), then
 * lifetime `lt`, next lifetime `nx` and each value's whole and fraction columns; the first value is
 * kept per row (the ranking), every value summed into the part's steps.
 */
async function readTable(
  q: BoundSql,
  sql: string,
  countSql: string,
  keys: readonly string[],
  values: readonly string[],
  months: number,
): Promise<BuyerTable> {
  const [counted] = await q.all(countSql);
  const total = num(counted?.n);
  const lifetime = new Uint16Array(total);
  const next = new Uint16Array(total);
  const hi = new Float64Array(total);
  const lo = new Uint32Array(total);
  const codes = keys.map(() => new GrowingInts());
  const start = new GrowingInts();
  const steps = values.map(() => ({ hi: new GrowingFloats(), lo: new GrowingFloats() }));
  const columns = [...keys, "lt", "nx", ...values.flatMap((v) => [`${v}_w`, `${v}_f`])];
  const nk = keys.length;
  let row = 0;
  let base = -months;
  await q.numbers(sql, columns, (cols, rows) => {
    for (let i = 0; i < rows; i++) {
      if (row >= total)
        throw new Error(`the window's buyer table grew while it was read (${total} rows counted)`);
      if (row === 0 || changed(cols, keys, i, codes)) {
        for (let k = 0; k < nk; k++) codes[k]!.push(code(cols[k]![i]!, keys[k]!));
        start.push(row);
        base += months;
        for (const s of steps) {
          s.hi.zeros(months);
          s.lo.zeros(months);
        }
      }
      const lt = cols[nk]![i]!;
      const nx = cols[nk + 1]![i]!;
      if (
        !(Number.isInteger(lt) && lt >= 0 && lt < months && Number.isInteger(nx) && nx >= lt && nx < months)
      )
        throw new Error(`buyer row with lifetime ${lt}, next ${nx} outside the window's ${months} months`);
      lifetime[row] = lt;
      next[row] = nx;
      for (let v = 0; v < values.length; v++) {
        const [h, l] = decimalPartsNear(cols[nk + 2 + 2 * v]![i]!, cols[nk + 3 + 2 * v]![i]!);
        if (v === 0) {
          hi[row] = h;
          lo[row] = l;
        }
        const s = steps[v]!;
        // Counts from horizon lt + 1 on; from nx + 1 on the buyer's next row takes over.
        addExact(s.hi.array, s.lo.array, base + lt, h, l);
        if (nx > lt) addExact(s.hi.array, s.lo.array, base + nx, h, l, -1);
      }
      row += 1;
    }
  });
  if (row !== total) throw new Error(`the window's buyer table: ${row} rows read, ${total} counted`);
  start.push(row);
  const out = {
    months,
    codes: codes.map((c) => c.done()),
    start: start.done(),
    lifetime,
    next,
    hi,
    lo,
    steps: steps.map((s) => ({ hi: s.hi.doneFloats(), lo: s.lo.doneFloats() })),
    bytes: 0,
  };
  out.bytes =
    total * (2 + 2 + 8 + 4) +
    out.start.byteLength +
    out.codes.reduce((n, c) => n + c.byteLength, 0) +
    out.steps.reduce((n, s) => n + s.hi.byteLength + s.lo.byteLength, 0);
  return out;
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
