import { UNATTRIBUTED } from "./attribution.ts";
import { decimalOf, decimalToNumber } from "./exact-decimal.ts";
import { ATTRIBUTIONS } from "./options.ts";
import { type MetricRun, num, text } from "./query.ts";
import type { Attribution } from "./tables.ts";
import { observedLifetimes } from "./window-periods.ts";

/*
 * The slice's attributed buyers per (model, dim, key, buyer cohort) and attributed revenue per (model,
 * dim, key, cohort, lifetime), read once (two plain sums over the window's attribution tables) and
 * shared by by_source / by_device, ROMI by source and lifetime and CAC by source and cohort. Shares are
 * DECIMAL(38, 12) in the cube: every further sum is exact here (exact-decimal.ts) and becomes a double
 * only at the end, so each equals the SQL sum it replaces.
 */

interface BuyerCell {
  model: Attribution;
  dim: string;
  /** Source id or device; UNATTRIBUTED for buyers without a qualifying session. */
  key: string;
  cohort: string;
  buyers: bigint;
}

interface RevenueCell extends Omit<BuyerCell, "buyers"> {
  lifetime: number;
  revenue: bigint;
}

export interface AttributedCells {
  buyers: BuyerCell[];
  revenue: RevenueCell[];
}

export async function readAttributedCells(run: MetricRun): Promise<AttributedCells> {
  const { d, t } = run;
  const buyers = await run.all(`
    SELECT a.model AS model, a.dim AS dim, a.key AS key, ${d.formatMonth("a.cohort")} AS cohort,
      sum(a.buyers) AS buyers
    FROM ${t.attrBuyers} a WHERE ${run.inCombos("a.r")} GROUP BY a.model, a.dim, a.key, a.cohort`);
  const revenue = await run.all(`
    SELECT a.model AS model, a.dim AS dim, a.key AS key, ${d.formatMonth("a.cohort")} AS cohort,
      a.lifetime AS lifetime, sum(a.revenue) AS revenue
    FROM ${t.attrRevenue} a WHERE ${run.inCombos("a.r")} GROUP BY a.model, a.dim, a.key, a.cohort, a.lifetime`);
  const cell = (r: (typeof buyers)[number]) => ({
    model: modelOf(r.model),
    dim: text(r.dim),
    key: r.key === null || r.key === undefined ? UNATTRIBUTED : text(r.key),
    cohort: text(r.cohort),
  });
  return {
    buyers: buyers.map((r) => ({ ...cell(r), buyers: decimalOf(r.buyers) })),
    revenue: revenue.map((r) => ({ ...cell(r), lifetime: num(r.lifetime), revenue: decimalOf(r.revenue) })),
  };
}

function modelOf(value: unknown): Attribution {
  const model = ATTRIBUTIONS.find((m) => m === value);
  if (!model) throw new Error(`metric query returned an unknown model ${String(value)}`);
  return model;
}

export interface Attributed {
  buyers: number;
  matureBuyers: number;
  matureRevenue: number;
}

/**
 * Per `model/dim/key` with attributed buyers: buyers of every cohort, and buyers and revenue in
 * lifetimes 0..H-1 of the mature cohorts.
 */
export function attributedTotals(
  cells: AttributedCells,
  matureMonths: readonly string[],
  horizon: number,
): Map<string, Attributed> {
  const mature = new Set(matureMonths);
  const sums = new Map<string, { buyers: bigint; matureBuyers: bigint; matureRevenue: bigint }>();
  for (const c of cells.buyers) {
    const id = `${c.model}/${c.dim}/${c.key}`;
    const s = sums.get(id) ?? { buyers: 0n, matureBuyers: 0n, matureRevenue: 0n };
    s.buyers += c.buyers;
    if (mature.has(c.cohort)) s.matureBuyers += c.buyers;
    sums.set(id, s);
  }
  for (const c of cells.revenue) {
    const s = sums.get(`${c.model}/${c.dim}/${c.key}`);
    if (s && c.lifetime < horizon && mature.has(c.cohort)) s.matureRevenue += c.revenue;
  }
  return new Map(
    [...sums].map(([id, s]) => [
      id,
      {
        buyers: decimalToNumber(s.buyers),
        matureBuyers: decimalToNumber(s.matureBuyers),
        matureRevenue: decimalToNumber(s.matureRevenue),
      },
    ]),
  );
}

/**
 * Attributed revenue per `model/source/k` in lifetimes 0..k of the cohorts whose lifetime k is
 * observed (ROMI by source and lifetime), for every k the window has.
 */
export function revenueThroughLifetime(
  cells: AttributedCells,
  months: readonly string[],
): Map<string, number> {
  const sums = new Map<string, bigint>();
  for (const c of cells.revenue) {
    if (c.dim !== "source") continue;
    const observed = observedLifetimes(months, c.cohort);
    for (let k = c.lifetime; k <= observed; k++) {
      const id = `${c.model}/${c.key}/${k}`;
      sums.set(id, (sums.get(id) ?? 0n) + c.revenue);
    }
  }
  return new Map([...sums].map(([id, s]) => [id, decimalToNumber(s)]));
}
