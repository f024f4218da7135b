/** by_source and by_device: users / conversion by acquisition, the rest by attribution. */
import type { ByDeviceRow, BySourceRow } from "../../src/metrics/tables.ts";
import { allWeights, attributedBuyers, type Weights } from "./attribution.ts";
import { type Context, isMature, listedSessions, monthLifetimeObserved, revenueThrough } from "./context.ts";
import { acquisitionCounts } from "./conversion.ts";
import { cacValue, spendByMonth, totalSpend } from "./marketing.ts";
import { compareText, microToNumber, ratio } from "./numbers.ts";

interface Attributed {
  buyers: number;
  revenue: number;
}

/**
 * Attributed buyers and margin x revenue (lifetimes 0..k) of key `key`, over the buyers whose cohort
 * month passes `includeCohort`.
 */
function attributedRevenue(
  ctx: Context,
  weights: ReadonlyMap<string, Weights>,
  key: string,
  k: number,
  includeCohort: (month: string) => boolean,
): Attributed {
  let buyers = 0;
  let whole = 0n; // revenue of buyers wholly on this key, summed exactly
  let fractional = 0; // weighted revenue of split buyers (linear), as doubles
  for (const buyer of ctx.buyers.values()) {
    if (!includeCohort(buyer.cohort)) continue;
    const w = weights.get(buyer.user_id)?.get(key) ?? 0;
    if (w === 0) continue;
    buyers += w;
    if (w === 1) whole += revenueThrough(buyer, k);
    else fractional += w * microToNumber(revenueThrough(buyer, k));
  }
  return { buyers, revenue: ctx.options.margin * (microToNumber(whole) + fractional) };
}

/** ltv_h of a key: attributed revenue in lifetimes 0..H-1 of mature cohorts / attributed buyers of them. */
function keyLtvH(
  ctx: Context,
  weights: ReadonlyMap<string, Weights>,
  key: string,
): Attributed & { ltv_h: number | null } {
  const a = attributedRevenue(ctx, weights, key, ctx.options.horizon - 1, (m) => isMature(ctx, m));
  return { ...a, ltv_h: a.buyers === 0 ? null : a.revenue / a.buyers };
}

/** Spend (as a number) of a source over the months passing `includeMonth`. */
function spendOver(ctx: Context, source: string, includeMonth: (month: string) => boolean): number {
  let s = 0n;
  for (const [month, micro] of spendByMonth(ctx, source)) if (includeMonth(month)) s += micro;
  return microToNumber(s);
}

/**
 * Smallest k with ROMI_s(k) >= 1, ROMI_s(k) = attributed revenue through k of the cohorts with
 * lifetime k observed / spend of s in those months; null when never (or no spend).
 */
function sourcePayback(ctx: Context, weights: ReadonlyMap<string, Weights>, source: string): number | null {
  if (ctx.spendWithheld) return null;
  for (let k = 0; k < ctx.windowMonths.length; k++) {
    const observed = (m: string) => monthLifetimeObserved(ctx, m, k);
    const spend = spendOver(ctx, source, observed);
    if (spend === 0) continue;
    const { revenue } = attributedRevenue(ctx, weights, source, k, observed);
    if (revenue / spend >= 1) return k;
  }
  return null;
}

/**
 * Keys: every source seen in the window's visits of the kept users (under a filter: the visits of a
 * chosen source and device) or in the window's costs of the chosen sources, plus every attributed key
 * (including `unattributed` when some new buyer has no session at or before the first order). Users
 * and conversion count new users by acquisition.
 */
export function bySourceRows(ctx: Context): BySourceRow[] {
  const weights = allWeights(ctx, "source_id");
  const buyers = attributedBuyers(weights);
  const acquired = acquisitionCounts(ctx, "source_id");
  const keys = new Set<string>([...buyers.keys()]);
  for (const s of listedSessions(ctx)) keys.add(s.source_id);
  for (const c of ctx.costs) keys.add(c.source_id);
  return [...keys].sort(compareText).map((source) => {
    const acq = acquired.get(source) ?? { users: 0, converted: 0 };
    const b = buyers.get(source) ?? 0;
    const spend = totalSpend(ctx, source);
    const ltv = keyLtvH(ctx, weights, source);
    const matureSpend = spendOver(ctx, source, (m) => isMature(ctx, m));
    return {
      source,
      users: acq.users,
      buyers: b,
      conversion_rate: ratio(acq.converted, acq.users),
      costs: microToNumber(spend),
      cac: cacValue(ctx, spend, b),
      ltv_h: ltv.ltv_h,
      romi_h: ctx.spendWithheld || matureSpend === 0 ? null : ltv.revenue / matureSpend,
      payback_lifetime: sourcePayback(ctx, weights, source),
    };
  });
}

/** Keys: every device seen in the listed window visits (see bySourceRows), plus attributed keys. */
export function byDeviceRows(ctx: Context): ByDeviceRow[] {
  const weights = allWeights(ctx, "device");
  const buyers = attributedBuyers(weights);
  const acquired = acquisitionCounts(ctx, "device");
  const keys = new Set<string>([...buyers.keys()]);
  for (const s of listedSessions(ctx)) keys.add(s.device);
  return [...keys].sort(compareText).map((device) => {
    const acq = acquired.get(device) ?? { users: 0, converted: 0 };
    return {
      device,
      users: acq.users,
      buyers: buyers.get(device) ?? 0,
      conversion_rate: ratio(acq.converted, acq.users),
      ltv_h: keyLtvH(ctx, weights, device).ltv_h,
    };
  });
}

/** decisions.md: sources with fewer than 30 attributed buyers in mature cohorts. */
export function tooFewBuyers(ctx: Context, threshold = 30): string[] {
  const weights = allWeights(ctx, "source_id");
  const keys = new Set<string>();
  for (const w of weights.values()) for (const k of w.keys()) keys.add(k);
  for (const s of listedSessions(ctx)) keys.add(s.source_id);
  for (const c of ctx.costs) keys.add(c.source_id);
  return [...keys].sort(compareText).filter((k) => keyLtvH(ctx, weights, k).buyers < threshold);
}
