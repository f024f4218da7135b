/** Spend, CAC, ROMI and payback by cohort; overall romi_h (spec "Marketing metrics"). */
import type {
  Cac,
  CacByCohortRow,
  CostsBySourceMonthRow,
  PaybackByCohortRow,
  RomiByCohortRow,
} from "../../src/metrics/tables.ts";
import { buyerCohorts, type Context, isMature, monthLifetimeObserved, revenueThrough } from "./context.ts";
import { compareText, microToNumber } from "./numbers.ts";

/** Spend (micro-units) by month, all sources. */
export function spendByMonth(ctx: Context, source?: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const c of ctx.costs) {
    if (source !== undefined && c.source_id !== source) continue;
    out.set(c.month, (out.get(c.month) ?? 0n) + c.micro);
  }
  return out;
}

export function totalSpend(ctx: Context, source?: string): bigint {
  let total = 0n;
  for (const c of ctx.costs) if (source === undefined || c.source_id === source) total += c.micro;
  return total;
}

/**
 * decisions.md: `not_applicable` under a device filter (spend has no device); `no_spend` when spend = 0;
 * `infinite` when spend > 0 and no buyers; else the ratio.
 */
export function cacValue(ctx: Context, spend: bigint, buyers: number): Cac {
  if (ctx.spendWithheld) return "not_applicable";
  if (spend === 0n) return "no_spend";
  if (buyers === 0) return "infinite";
  return microToNumber(spend) / buyers;
}

/** One row per (source, month) present in the in-window costs. */
export function costsBySourceMonthRows(ctx: Context): CostsBySourceMonthRow[] {
  const sums = new Map<string, { source: string; month: string; micro: bigint }>();
  for (const c of ctx.costs) {
    const key = JSON.stringify([c.source_id, c.month]);
    const cell = sums.get(key) ?? { source: c.source_id, month: c.month, micro: 0n };
    cell.micro += c.micro;
    sums.set(key, cell);
  }
  return [...sums.values()]
    .sort((a, b) => compareText(a.source, b.source) || compareText(a.month, b.month))
    .map((c) => ({ source: c.source, month: c.month, costs: microToNumber(c.micro) }));
}

/** One row per month with buyers (a buyer cohort) or with spend: spend of the month / its new buyers. */
export function cacByCohortRows(ctx: Context): CacByCohortRow[] {
  const spend = spendByMonth(ctx);
  const cohorts = buyerCohorts(ctx);
  const months = new Set<string>([...spend.keys(), ...cohorts.keys()]);
  return [...months].sort(compareText).map((cohort) => {
    const s = spend.get(cohort) ?? 0n;
    const newBuyers = cohorts.get(cohort)?.length ?? 0;
    return { cohort, costs: microToNumber(s), new_buyers: newBuyers, cac: cacValue(ctx, s, newBuyers) };
  });
}

/**
 * ROMI(c, k) = margin x cumulative revenue(c, k) / spend(c), for every buyer cohort and lifetime
 * 0..M-1; null when spend(c) = 0, the cell is unobserved or spend is withheld (device filter).
 */
export function romiByCohortRows(ctx: Context): RomiByCohortRow[] {
  const spend = spendByMonth(ctx);
  const rows: RomiByCohortRow[] = [];
  for (const [cohort, buyers] of buyerCohorts(ctx)) {
    const s = spend.get(cohort) ?? 0n;
    for (let k = 0; k < ctx.windowMonths.length; k++) {
      if (ctx.spendWithheld || s === 0n || !monthLifetimeObserved(ctx, cohort, k)) {
        rows.push({ cohort, lifetime: k, romi: null });
        continue;
      }
      let cum = 0n;
      for (const b of buyers) cum += revenueThrough(b, k);
      rows.push({ cohort, lifetime: k, romi: (ctx.options.margin * microToNumber(cum)) / microToNumber(s) });
    }
  }
  return rows;
}

/** Per cohort, the smallest lifetime with ROMI >= 1; null ("not yet") otherwise. */
export function paybackByCohortRows(romi: readonly RomiByCohortRow[]): PaybackByCohortRow[] {
  const out = new Map<string, number | null>();
  for (const r of [...romi].sort((a, b) => a.lifetime - b.lifetime)) {
    if (!out.has(r.cohort)) out.set(r.cohort, null);
    if (out.get(r.cohort) === null && r.romi !== null && r.romi >= 1) out.set(r.cohort, r.lifetime);
  }
  return [...out.keys()].sort(compareText).map((cohort) => ({ cohort, payback_lifetime: out.get(cohort)! }));
}

/**
 * Overall romi_h: margin x revenue in lifetimes 0..H-1 of the buyers of mature cohorts / spend in
 * the mature months (every window month whose lifetime H-1 is observed, with or without buyers);
 * null without such spend or when spend is withheld (device filter).
 */
export function romiH(ctx: Context): number | null {
  if (ctx.spendWithheld) return null;
  const h = ctx.options.horizon;
  let revenue = 0n;
  for (const [cohort, buyers] of buyerCohorts(ctx)) {
    if (!isMature(ctx, cohort)) continue;
    for (const b of buyers) revenue += revenueThrough(b, h - 1);
  }
  let spend = 0n;
  for (const [month, s] of spendByMonth(ctx)) if (isMature(ctx, month)) spend += s;
  if (spend === 0n) return null;
  return (ctx.options.margin * microToNumber(revenue)) / microToNumber(spend);
}
