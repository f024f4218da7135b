import type { Row } from "../engine/engine.ts";
import type { DataTables, WindowTables } from "./cube-tables.ts";
import { decimalOf } from "./exact-decimal.ts";
import { type BoundSql, num, numOrNull, text } from "./query.ts";

/*
 * The window's small per-combo tables, read ONCE when the window is built and kept in memory, so that
 * a slice (a source / device filter) computes its point numbers in TypeScript by summing the chosen
 * combos' rows instead of sending a dozen statements to the engine. Every table here is keyed by the
 * acquisition combo `r` and holds sums and counts only (never averages), so any set of combos combines
 * exactly: distinct users add up because each user has exactly one acquisition combo, and money stays
 * a scaled BigInt (exact-decimal.ts) until the slice turns its sums into doubles, as the SQL did with
 * CAST(sum(x) AS DOUBLE). Periods arrive formatted (YYYY-MM, YYYY-MM-DD) and lifetimes computed by the
 * engine's own date functions, so both engines fill the same structure.
 */

/** Rows per acquisition combo; rows of users or buyers without any session under NO_COMBO. */
export type ByCombo<T> = Map<number, T[]>;

/** Buyers without a session have no acquisition combo: only the unfiltered slice counts them. */
export const NO_COMBO = -1;

/**
 * Rows that sum into a fixed list of cells, each naming its cell by index `k` into `cells`: a slice adds
 * into an array instead of building a text key per row (the keys are built once, at the read).
 */
export interface Keyed<C, R> {
  cells: C[];
  rows: ByCombo<R & { k: number }>;
}

/** Distinct users per (acquisition cohort, period) of one grain. */
export interface ActiveTable {
  /** Periods (YYYY-MM, or the week's Monday) that rows name by index. */
  periods: string[];
  /** (acquisition cohort, lifetime) cells of users acquired in the window, named by index. */
  cohortCells: { cohort: string; lifetime: number }[];
  /** `cell` -1: users acquired before the window (no cohort; WAU/MAU count them, retention not). */
  rows: ByCombo<{ period: number; cell: number; users: number }>;
}

export interface AttrKey {
  model: string;
  dim: string;
  /** Source id or device; null = unattributed. */
  key: string | null;
  cohort: string;
}

export interface WindowMemory {
  /** Distinct users and sessions per day (cells: YYYY-MM-DD). */
  days: Keyed<string, { users: number; sessions: number }>;
  /** Distinct users per (acquisition cohort, period) by week (Mondays) and by month. */
  activeWeek: ActiveTable;
  activeMonth: ActiveTable;
  /** Users acquired in the window per (acquisition month, week), and how many of them converted. */
  newUsers: ByCombo<{ month: string; week: string; users: number; converted: number }>;
  /** Sessions per length in seconds (negative: invalid lengths). */
  lengths: ByCombo<{ len: number; sessions: number }>;
  /** Measured conversion lags per (acquisition month, week, lag bucket). */
  lagBuckets: ByCombo<{ month: string; week: string; bucket: string; buyers: number }>;
  /** New buyers per buyer cohort (YYYY-MM of the first order). */
  buyerCohorts: ByCombo<{ cohort: string; buyers: number }>;
  /** Orders, revenue and ordering buyers per (buyer cohort, lifetime month). */
  cells: ByCombo<{ cohort: string; lifetime: number; orders: number; revenue: bigint; buyers: number }>;
  /** Every order of the window per calendar month (YYYY-MM). */
  ordersMonth: ByCombo<{ month: string; orders: number; revenue: bigint }>;
  /** Attributed buyers per (model, dim, key, cohort). */
  attrBuyers: Keyed<AttrKey, { buyers: bigint }>;
  /** Attributed revenue per (model, dim, key, cohort, lifetime). */
  attrRevenue: Keyed<AttrKey & { lifetime: number }, { revenue: bigint }>;
  /** Spend per (source code, month), keyed by the source code `s` (spend has no device), in month order. */
  spend: { s: number; source: string; month: string; costs: bigint }[];
  /** Rows held per table (the footprint: bench/slice-cpu.ts prints them). */
  rows: Record<string, number>;
}

/** The rows of the chosen combos (null = every combo, the no-session rows included), table by table. */
export function rowsOf<T>(table: ByCombo<T>, combos: readonly number[] | null): T[][] {
  if (combos === null) return [...table.values()];
  const out: T[][] = [];
  for (const r of combos) {
    const rows = table.get(r);
    if (rows) out.push(rows);
  }
  return out;
}

/** As rowsOf, with each list's combo code (NO_COMBO for the no-session rows). */
export function chosenEntries<T>(table: ByCombo<T>, combos: readonly number[] | null): [number, T[]][] {
  if (combos === null) return [...table];
  const out: [number, T[]][] = [];
  for (const r of combos) {
    const rows = table.get(r);
    if (rows) out.push([r, rows]);
  }
  return out;
}

export async function readWindowMemory(
  q: BoundSql,
  t: WindowTables & Pick<DataTables, "sources">,
): Promise<WindowMemory> {
  const { d } = q;
  const rows: Record<string, number> = {};
  const read = async <T>(name: string, sql: string, row: (cells: Cells) => T): Promise<ByCombo<T>> => {
    const out: ByCombo<T> = new Map();
    const result = await q.all(sql);
    rows[name] = result.length;
    for (const cells of result) {
      const r = cells.r === null || cells.r === undefined ? NO_COMBO : num(cells.r);
      const list = out.get(r) ?? [];
      list.push(row(cells));
      out.set(r, list);
    }
    return out;
  };
  const optText = (v: Cells[string] | undefined) => (v === null || v === undefined ? null : text(v));
  const active = async (grain: "week" | "month"): Promise<ActiveTable> => {
    const format = grain === "month" ? d.formatMonth : d.formatDay;
    const between = grain === "month" ? d.monthsBetween : d.weeksBetween;
    const periods = new Interned<string>();
    const cohortCells = new Interned<{ cohort: string; lifetime: number }>();
    const rows = await read(
      grain === "month" ? "activeMonth" : "activeWeek",
      `SELECT a.r AS r, ${format("a.cohort")} AS cohort, ${format("a.period")} AS period,
        CASE WHEN a.cohort IS NULL THEN NULL ELSE ${between("a.cohort", "a.period")} END AS lifetime, a.users AS users
      FROM ${grain === "month" ? t.activeMonth : t.activeWeek} a`,
      (c) => {
        const period = text(c.period);
        const cohort = optText(c.cohort);
        const lifetime = numOrNull(c.lifetime);
        return {
          period: periods.of(period, () => period),
          cell:
            cohort === null || lifetime === null
              ? -1
              : cohortCells.of(`${cohort}/${lifetime}`, () => ({ cohort, lifetime })),
          users: num(c.users),
        };
      },
    );
    return { periods: periods.list, cohortCells: cohortCells.list, rows };
  };
  const keyed = async <C, R>(
    name: string,
    sql: string,
    row: (cells: Cells, cell: (id: string, make: () => C) => number) => R & { k: number },
  ): Promise<Keyed<C, R>> => {
    const cells = new Interned<C>();
    const rows = await read(name, sql, (c) => row(c, (id, make) => cells.of(id, make)));
    return { cells: cells.list, rows };
  };
  const attrKey = (c: Cells): AttrKey => ({
    model: text(c.model),
    dim: text(c.dim),
    key: optText(c.key),
    cohort: text(c.cohort),
  });
  const memory: Omit<WindowMemory, "spend" | "rows"> = {
    days: await keyed<string, { users: number; sessions: number }>(
      "days",
      `SELECT a.r AS r, ${d.formatDay("a.day_date")} AS day, a.users AS users, a.sessions AS sessions
      FROM ${t.actDay} a`,
      (c, cell) => {
        const day = text(c.day);
        return { k: cell(day, () => day), users: num(c.users), sessions: num(c.sessions) };
      },
    ),
    activeWeek: await active("week"),
    activeMonth: await active("month"),
    newUsers: await read(
      "newUsers",
      `SELECT n.r AS r, ${d.formatMonth("n.acq_month")} AS month, ${d.formatDay("n.acq_week")} AS week,
        n.users AS users, n.converted AS converted
      FROM ${t.newUsers} n`,
      (c) => ({ month: text(c.month), week: text(c.week), users: num(c.users), converted: num(c.converted) }),
    ),
    lengths: await read(
      "lengths",
      `SELECT l.r AS r, CAST(l.len_s AS BIGINT) AS len, l.sessions AS sessions FROM ${t.lengths} l
      ORDER BY l.r, l.len_s`,
      (c) => ({ len: num(c.len), sessions: num(c.sessions) }),
    ),
    lagBuckets: await read(
      "lagBuckets",
      `SELECT l.r AS r, ${d.formatMonth("l.acq_month")} AS month, ${d.formatDay("l.acq_week")} AS week,
        l.bucket AS bucket, l.buyers AS buyers
      FROM ${t.lagBuckets} l`,
      (c) => ({ month: text(c.month), week: text(c.week), bucket: text(c.bucket), buyers: num(c.buyers) }),
    ),
    buyerCohorts: await read(
      "buyerCohorts",
      `SELECT b.r AS r, ${d.formatMonth("b.cohort")} AS cohort, b.buyers AS buyers FROM ${t.buyerCohorts} b`,
      (c) => ({ cohort: text(c.cohort), buyers: num(c.buyers) }),
    ),
    cells: await read(
      "cells",
      `SELECT c.r AS r, ${d.formatMonth("c.cohort")} AS cohort, c.lifetime AS lifetime, c.orders AS orders,
        c.revenue AS revenue, c.buyers AS buyers
      FROM ${t.cells} c`,
      (c) => ({
        cohort: text(c.cohort),
        lifetime: num(c.lifetime),
        orders: num(c.orders),
        revenue: decimalOf(c.revenue),
        buyers: num(c.buyers),
      }),
    ),
    ordersMonth: await read(
      "ordersMonth",
      `SELECT o.r AS r, ${d.formatMonth("o.month_start")} AS month, o.orders AS orders, o.revenue AS revenue
      FROM ${t.ordersMonth} o`,
      (c) => ({ month: text(c.month), orders: num(c.orders), revenue: decimalOf(c.revenue) }),
    ),
    attrBuyers: await keyed<AttrKey, { buyers: bigint }>(
      "attrBuyers",
      `SELECT a.r AS r, a.model AS model, a.dim AS dim, a.key AS key, ${d.formatMonth("a.cohort")} AS cohort,
        a.buyers AS buyers
      FROM ${t.attrBuyers} a`,
      (c, cell) => {
        const key = attrKey(c);
        return {
          k: cell(`${key.model}/${key.dim}/${key.key}/${key.cohort}`, () => key),
          buyers: decimalOf(c.buyers),
        };
      },
    ),
    attrRevenue: await keyed<AttrKey & { lifetime: number }, { revenue: bigint }>(
      "attrRevenue",
      `SELECT a.r AS r, a.model AS model, a.dim AS dim, a.key AS key, ${d.formatMonth("a.cohort")} AS cohort,
        a.lifetime AS lifetime, a.revenue AS revenue
      FROM ${t.attrRevenue} a`,
      (c, cell) => {
        const key = { ...attrKey(c), lifetime: num(c.lifetime) };
        return {
          k: cell(`${key.model}/${key.dim}/${key.key}/${key.cohort}/${key.lifetime}`, () => key),
          revenue: decimalOf(c.revenue),
        };
      },
    ),
  };
  const spend = await q.all(`
    SELECT k.s AS s, s.source_id AS source_id, ${d.formatMonth("k.month_start")} AS month, k.costs AS costs
    FROM ${t.costs} k JOIN ${t.sources} s ON s.s = k.s ORDER BY k.month_start, k.s`);
  rows.spend = spend.length;
  return {
    ...memory,
    spend: spend.map((c) => ({
      s: num(c.s),
      source: text(c.source_id),
      month: text(c.month),
      costs: decimalOf(c.costs),
    })),
    rows,
  };
}

type Cells = Row;

/** Distinct cells in first-seen order, each with its index. */
class Interned<C> {
  readonly list: C[] = [];
  private readonly index = new Map<string, number>();

  of(id: string, make: () => C): number {
    let k = this.index.get(id);
    if (k === undefined) {
      k = this.list.length;
      this.list.push(make());
      this.index.set(id, k);
    }
    return k;
  }
}
