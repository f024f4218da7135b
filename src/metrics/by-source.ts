import { UNATTRIBUTED } from "./attribution.ts";
import { lastMonth, matureMonths, monthLifetimes } from "./cohort-cells.ts";
import { type ConversionRates, rateOf } from "./conversion.ts";
import { naturalIdOrder } from "./id-order.ts";
import { cacOf, paybackLifetime, sliceSpend, withheldCac } from "./marketing.ts";
import { HORIZON, MARGIN, type MetricRun, num, numOrNull, text } from "./query.ts";
import type { MarketingStats, SourceFlags } from "./result.ts";
import type { ByDeviceRow, BySourceRow } from "./tables.ts";

/** Below this many attributed buyers in mature cohorts a source is flagged `too_few_buyers`. */
export const TOO_FEW_BUYERS = 30;

interface Attributed {
  buyers: number;
  matureBuyers: number;
  matureRevenue: number;
}

/** SQL key NULL = buyers without a qualifying session. */
function keyOf(value: unknown): string {
  return value === null || value === undefined ? UNATTRIBUTED : text(value as string);
}

/**
 * Attributed buyers (all cohorts), and buyers and revenue in lifetimes 0..H-1 of mature cohorts, under
 * the run's model (`$model`), summed over the slice's acquisition combos.
 */
async function attributed(run: MetricRun, dim: "source" | "device"): Promise<Map<string, Attributed>> {
  const { t } = run;
  const rows = await run.withOptions(run.options, { dim }).all(`
    WITH b AS (
      SELECT a.key AS key, sum(a.buyers) AS buyers,
        sum(CASE WHEN a.cohort IN (SELECT m.month_start AS v FROM ${matureMonths(run)} m) THEN a.buyers ELSE 0 END)
          AS mature_buyers
      FROM ${t.attrBuyers} a WHERE a.model = $model AND a.dim = $dim AND ${run.inCombos("a.r")} GROUP BY a.key),
    r AS (
      SELECT a.key AS key, sum(a.revenue) AS revenue FROM ${t.attrRevenue} a
      WHERE a.model = $model AND a.dim = $dim AND ${run.inCombos("a.r")} AND a.lifetime < ${HORIZON}
        AND a.cohort IN (SELECT m.month_start AS v FROM ${matureMonths(run)} m)
      GROUP BY a.key)
    SELECT b.key AS key, b.buyers AS buyers, coalesce(b.mature_buyers, 0) AS mature_buyers,
      coalesce(r.revenue, 0) AS mature_revenue
    FROM b LEFT JOIN r ON ${run.d.nullSafeEquals("r.key", "b.key")}`);
  return new Map(
    rows.map((r) => [
      keyOf(r.key),
      { buyers: num(r.buyers), matureBuyers: num(r.mature_buyers), matureRevenue: num(r.mature_revenue) },
    ]),
  );
}

/** Spend per source over the window and over the mature cohorts' months. */
async function spend(run: MetricRun): Promise<Map<string, { costs: number; mature: number }>> {
  const rows = await run.all(`
    SELECT k.source_id AS key, CAST(sum(k.costs) AS DOUBLE) AS costs,
      CAST(coalesce(sum(CASE WHEN k.month_start IN (SELECT m.month_start AS v FROM ${matureMonths(run)} m)
        THEN k.costs END), 0) AS DOUBLE) AS mature
    FROM ${sliceSpend(run)} k GROUP BY k.source_id`);
  return new Map(rows.map((r) => [text(r.key), { costs: num(r.costs), mature: num(r.mature) }]));
}

/**
 * ROMI_s(k) = margin x attributed revenue in lifetimes 0..k of the cohorts with lifetime k observed /
 * spend of s in those cohorts' months, for every source with spend and every lifetime of the window.
 */
async function romiBySourceLifetime(run: MetricRun): Promise<MarketingStats["romiBySourceLifetime"]> {
  const { d, t } = run;
  const rows = await run.all(`
    WITH ks AS ${monthLifetimes(run)},
    rev AS (
      SELECT a.key AS key, ks.lifetime AS k, sum(a.revenue) AS revenue
      FROM ${t.attrRevenue} a CROSS JOIN ks CROSS JOIN ${lastMonth(run)} x
      WHERE a.model = $model AND a.dim = 'source' AND ${run.inCombos("a.r")} AND a.lifetime <= ks.lifetime
        AND ${d.monthsBetween("a.cohort", "x.last_month")} >= ks.lifetime
      GROUP BY a.key, ks.lifetime),
    spend AS ${sliceSpend(run)},
    sp AS (
      SELECT s.source_id AS key, ks.lifetime AS k,
        sum(CASE WHEN ${d.monthsBetween("c.month_start", "x.last_month")} >= ks.lifetime THEN c.costs END) AS spend
      FROM (SELECT DISTINCT spend.source_id AS source_id FROM spend) s CROSS JOIN ks CROSS JOIN ${lastMonth(run)} x
      LEFT JOIN spend c ON c.source_id = s.source_id
      GROUP BY s.source_id, ks.lifetime)
    SELECT sp.key AS source, sp.k AS lifetime,
      CASE WHEN sp.spend <> 0 THEN ${MARGIN} * coalesce(rev.revenue, 0) / CAST(sp.spend AS DOUBLE) END AS romi
    FROM sp LEFT JOIN rev ON rev.key = sp.key AND rev.k = sp.k
    ORDER BY sp.k`);
  const out = rows.map((r) => ({
    source: text(r.source),
    lifetime: num(r.lifetime),
    romi: run.scope.withheld ? null : numOrNull(r.romi),
  }));
  return out.sort((a, b) => naturalIdOrder(a.source, b.source) || a.lifetime - b.lifetime);
}

/** Sources and devices of the window's sessions by the slice's users (docs/decisions.md: every key seen). */
async function seenKeys(run: MetricRun): Promise<{ sources: string[]; devices: string[] }> {
  const { t } = run;
  const rows = await run.all(`
    SELECT DISTINCT c.source_id AS source_id, c.device AS device
    FROM ${t.seenCombos} s JOIN ${t.combos} c ON c.r = s.sr WHERE ${run.inCombos("s.r")}`);
  return { sources: rows.map((r) => text(r.source_id)), devices: rows.map((r) => text(r.device)) };
}

function orderedKeys(...sets: Iterable<string>[]): string[] {
  const keys = new Set<string>();
  for (const set of sets) for (const key of set) keys.add(key);
  const sorted = [...keys].filter((k) => k !== UNATTRIBUTED).sort(naturalIdOrder);
  return keys.has(UNATTRIBUTED) ? [...sorted, UNATTRIBUTED] : sorted;
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);

export interface BySourceResult {
  bySource: BySourceRow[];
  byDevice: ByDeviceRow[];
  marketing: Pick<
    MarketingStats,
    "cacBySourceCohort" | "romiBySourceLifetime" | "sources" | "tooFewBuyersThreshold"
  >;
}

/**
 * by_source.csv and by_device.csv: `users` and conversion by acquisition (first session); buyers, CAC,
 * ltv_h, romi_h and payback by the attribution model. Sources come from visits, attribution and costs.
 */
export async function bySource(run: MetricRun, conversion: ConversionRates): Promise<BySourceResult> {
  const margin = run.options.margin;
  const sources = await attributed(run, "source");
  const devices = await attributed(run, "device");
  const spendOf = await spend(run);
  const romi = await romiBySourceLifetime(run);
  const none: Attributed = { buyers: 0, matureBuyers: 0, matureRevenue: 0 };

  const seen = await seenKeys(run);
  const bySourceRows = orderedKeys(
    seen.sources,
    conversion.source.keys(),
    sources.keys(),
    spendOf.keys(),
  ).map((source) => {
    const a = sources.get(source) ?? none;
    const s = spendOf.get(source) ?? { costs: 0, mature: 0 };
    const acquired = conversion.source.get(source);
    return {
      source,
      users: acquired?.users ?? 0,
      buyers: a.buyers,
      conversion_rate: rateOf(acquired),
      costs: s.costs,
      cac: withheldCac(run, cacOf(s.costs, a.buyers)),
      ltv_h: ratio(margin * a.matureRevenue, a.matureBuyers),
      romi_h: run.scope.withheld ? null : ratio(margin * a.matureRevenue, s.mature),
      payback_lifetime: paybackLifetime(romi.filter((r) => r.source === source)),
    };
  });
  const byDeviceRows = orderedKeys(seen.devices, conversion.device.keys(), devices.keys()).map((device) => {
    const a = devices.get(device) ?? none;
    const acquired = conversion.device.get(device);
    return {
      device,
      users: acquired?.users ?? 0,
      buyers: a.buyers,
      conversion_rate: rateOf(acquired),
      ltv_h: ratio(margin * a.matureRevenue, a.matureBuyers),
    };
  });
  const flags: SourceFlags[] = bySourceRows.map(({ source }) => {
    const matureBuyers = (sources.get(source) ?? none).matureBuyers;
    return { source, matureBuyers, tooFewBuyers: matureBuyers < TOO_FEW_BUYERS };
  });
  return {
    bySource: bySourceRows,
    byDevice: byDeviceRows,
    marketing: {
      cacBySourceCohort: await cacBySourceCohort(run),
      romiBySourceLifetime: romi,
      sources: flags,
      tooFewBuyersThreshold: TOO_FEW_BUYERS,
    },
  };
}

/** Spend of s in month c / buyers of cohort c attributed to s, for cells with spend or buyers. */
async function cacBySourceCohort(run: MetricRun): Promise<MarketingStats["cacBySourceCohort"]> {
  const { t } = run;
  const rows = await run.all(`
    WITH b AS (
      SELECT a.key AS key, a.cohort AS cohort, sum(a.buyers) AS buyers FROM ${t.attrBuyers} a
      WHERE a.model = $model AND a.dim = 'source' AND ${run.inCombos("a.r")} GROUP BY a.key, a.cohort)
    SELECT CASE WHEN b.cohort IS NOT NULL THEN b.key ELSE c.source_id END AS key,
      ${run.d.formatMonth("coalesce(b.cohort, c.month_start)")} AS cohort,
      CAST(coalesce(c.costs, 0) AS DOUBLE) AS costs, coalesce(b.buyers, 0) AS buyers
    FROM b FULL JOIN ${sliceSpend(run)} c ON c.source_id = b.key AND c.month_start = b.cohort`);
  const out = rows.map((r) => {
    const costs = num(r.costs);
    const newBuyers = num(r.buyers);
    return {
      source: keyOf(r.key),
      cohort: text(r.cohort),
      costs,
      newBuyers,
      cac: withheldCac(run, cacOf(costs, newBuyers)),
    };
  });
  const rank = new Map(orderedKeys(out.map((r) => r.source)).map((k, i) => [k, i]));
  return out.sort((a, b) => rank.get(a.source)! - rank.get(b.source)! || (a.cohort < b.cohort ? -1 : 1));
}
