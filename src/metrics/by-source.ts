import { UNATTRIBUTED } from "./attribution.ts";
import { lastMonth, matureMonths, monthLifetimes } from "./cohort-cells.ts";
import { type ConversionRates, rateOf } from "./conversion.ts";
import { naturalIdOrder } from "./id-order.ts";
import { cacOf, paybackLifetime, sliceSpend, withheldCac } from "./marketing.ts";
import { ATTRIBUTIONS } from "./options.ts";
import { HORIZON, MARGIN, type MetricRun, num, numOrNull, text } from "./query.ts";
import type { MarketingStats, SourceFlags } from "./result.ts";
import type { Attribution, ByDeviceRow, BySourceRow } from "./tables.ts";

/*
 * by_source.csv and by_device.csv and the per-source marketing figures, under every attribution model
 * at once: each query groups by the model, so a slice costs five small reads however many models.
 * `users` and conversion are by acquisition (first session); buyers, CAC, ltv_h, romi_h and payback
 * follow the model. Sources come from the window's sessions, attribution and costs.
 */

/** Below this many attributed buyers in mature cohorts a source is flagged `too_few_buyers`. */
export const TOO_FEW_BUYERS = 30;

interface Attributed {
  buyers: number;
  matureBuyers: number;
  matureRevenue: number;
}

const NONE: Attributed = { buyers: 0, matureBuyers: 0, matureRevenue: 0 };

/** SQL: the models as a one-column table. Names from the fixed list, so they can be SQL literals. */
const MODELS = `(${ATTRIBUTIONS.map((m) => `SELECT '${m}' AS model`).join(" UNION ALL ")})`;

/** SQL key NULL = buyers without a qualifying session. */
function keyOf(value: unknown): string {
  return value === null || value === undefined ? UNATTRIBUTED : text(value as string);
}

function modelOf(value: unknown): Attribution {
  const model = ATTRIBUTIONS.find((m) => m === value);
  if (!model) throw new Error(`metric query returned an unknown model ${String(value)}`);
  return model;
}

/** Groups rows by model into per-model lists. */
function perModel<T>(rows: { model: Attribution; row: T }[]): Record<Attribution, T[]> {
  const out = Object.fromEntries(ATTRIBUTIONS.map((m) => [m, [] as T[]])) as Record<Attribution, T[]>;
  for (const { model, row } of rows) out[model].push(row);
  return out;
}

/**
 * Attributed buyers (all cohorts), and buyers and revenue in lifetimes 0..H-1 of mature cohorts, per
 * (model, dim, key), summed over the slice's acquisition combos.
 */
async function attributed(run: MetricRun): Promise<Map<string, Attributed>> {
  const { t } = run;
  const rows = await run.all(`
    WITH b AS (
      SELECT a.model AS model, a.dim AS dim, a.key AS key, sum(a.buyers) AS buyers,
        sum(CASE WHEN a.cohort IN (SELECT m.month_start AS v FROM ${matureMonths(run)} m) THEN a.buyers ELSE 0 END)
          AS mature_buyers
      FROM ${t.attrBuyers} a WHERE ${run.inCombos("a.r")} GROUP BY a.model, a.dim, a.key),
    r AS (
      SELECT a.model AS model, a.dim AS dim, a.key AS key, sum(a.revenue) AS revenue FROM ${t.attrRevenue} a
      WHERE ${run.inCombos("a.r")} AND a.lifetime < ${HORIZON}
        AND a.cohort IN (SELECT m.month_start AS v FROM ${matureMonths(run)} m)
      GROUP BY a.model, a.dim, a.key)
    SELECT b.model AS model, b.dim AS dim, b.key AS key, b.buyers AS buyers,
      coalesce(b.mature_buyers, 0) AS mature_buyers, coalesce(r.revenue, 0) AS mature_revenue
    FROM b LEFT JOIN r ON r.model = b.model AND r.dim = b.dim AND ${run.d.nullSafeEquals("r.key", "b.key")}`);
  return new Map(
    rows.map((r) => [
      `${modelOf(r.model)}/${text(r.dim)}/${keyOf(r.key)}`,
      { buyers: num(r.buyers), matureBuyers: num(r.mature_buyers), matureRevenue: num(r.mature_revenue) },
    ]),
  );
}

/** Spend per source over the window and over the mature cohorts' months (the same under every model). */
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
 * spend of s in those cohorts' months, for every model, every source with spend and every lifetime.
 */
async function romiBySourceLifetime(
  run: MetricRun,
): Promise<Record<Attribution, MarketingStats["romiBySourceLifetime"]>> {
  const { d, t } = run;
  const rows = await run.all(`
    WITH ks AS ${monthLifetimes(run)},
    rev AS (
      SELECT a.model AS model, a.key AS key, ks.lifetime AS k, sum(a.revenue) AS revenue
      FROM ${t.attrRevenue} a CROSS JOIN ks CROSS JOIN ${lastMonth(run)} x
      WHERE a.dim = 'source' AND ${run.inCombos("a.r")} AND a.lifetime <= ks.lifetime
        AND ${d.monthsBetween("a.cohort", "x.last_month")} >= ks.lifetime
      GROUP BY a.model, a.key, ks.lifetime),
    spend AS ${sliceSpend(run)},
    sp AS (
      SELECT s.source_id AS key, ks.lifetime AS k,
        sum(CASE WHEN ${d.monthsBetween("c.month_start", "x.last_month")} >= ks.lifetime THEN c.costs END) AS spend
      FROM (SELECT DISTINCT spend.source_id AS source_id FROM spend) s CROSS JOIN ks CROSS JOIN ${lastMonth(run)} x
      LEFT JOIN spend c ON c.source_id = s.source_id
      GROUP BY s.source_id, ks.lifetime)
    SELECT m.model AS model, sp.key AS source, sp.k AS lifetime,
      CASE WHEN sp.spend <> 0 THEN ${MARGIN} * coalesce(rev.revenue, 0) / CAST(sp.spend AS DOUBLE) END AS romi
    FROM sp CROSS JOIN ${MODELS} m LEFT JOIN rev ON rev.model = m.model AND rev.key = sp.key AND rev.k = sp.k`);
  const byModel = perModel(
    rows.map((r) => ({
      model: modelOf(r.model),
      row: {
        source: text(r.source),
        lifetime: num(r.lifetime),
        romi: run.scope.withheld ? null : numOrNull(r.romi),
      },
    })),
  );
  for (const list of Object.values(byModel))
    list.sort((a, b) => naturalIdOrder(a.source, b.source) || a.lifetime - b.lifetime);
  return byModel;
}

/** Spend of s in month c / buyers of cohort c attributed to s, for cells with spend or buyers. */
async function cacBySourceCohort(
  run: MetricRun,
): Promise<Record<Attribution, MarketingStats["cacBySourceCohort"]>> {
  const { t } = run;
  const rows = await run.all(`
    WITH b AS (
      SELECT a.model AS model, a.key AS key, a.cohort AS cohort, sum(a.buyers) AS buyers FROM ${t.attrBuyers} a
      WHERE a.dim = 'source' AND ${run.inCombos("a.r")} GROUP BY a.model, a.key, a.cohort),
    c AS (SELECT m.model AS model, k.source_id AS source_id, k.month_start AS month_start, k.costs AS costs
      FROM ${sliceSpend(run)} k CROSS JOIN ${MODELS} m)
    SELECT coalesce(b.model, c.model) AS model, CASE WHEN b.cohort IS NOT NULL THEN b.key ELSE c.source_id END AS key,
      ${run.d.formatMonth("coalesce(b.cohort, c.month_start)")} AS cohort,
      CAST(coalesce(c.costs, 0) AS DOUBLE) AS costs, coalesce(b.buyers, 0) AS buyers
    FROM b FULL JOIN c ON c.model = b.model AND c.source_id = b.key AND c.month_start = b.cohort`);
  const byModel = perModel(
    rows.map((r) => {
      const costs = num(r.costs);
      const newBuyers = num(r.buyers);
      return {
        model: modelOf(r.model),
        row: {
          source: keyOf(r.key),
          cohort: text(r.cohort),
          costs,
          newBuyers,
          cac: withheldCac(run, cacOf(costs, newBuyers)),
        },
      };
    }),
  );
  for (const list of Object.values(byModel)) {
    const rank = new Map(orderedKeys(list.map((r) => r.source)).map((k, i) => [k, i]));
    list.sort((a, b) => rank.get(a.source)! - rank.get(b.source)! || (a.cohort < b.cohort ? -1 : 1));
  }
  return byModel;
}

/**
 * Sources and devices of the window's sessions by the slice's users (docs/decisions.md: every key
 * seen), among the filter's chosen sources and devices: a source filter lists the chosen sources, not
 * every source its users came back through (attribution may still credit those).
 */
async function seenKeys(run: MetricRun): Promise<{ sources: string[]; devices: string[] }> {
  const { t } = run;
  const rows = await run.all(`
    SELECT DISTINCT c.source_id AS source_id, c.device AS device
    FROM ${t.seenCombos} s JOIN ${t.combos} c ON c.r = s.sr
    WHERE ${run.inCombos("s.r")} AND ${run.inCombos("s.sr")}`);
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

/** The attribution-dependent tables and figures of a slice, under every model. */
export async function bySourceAllModels(
  run: MetricRun,
  conversion: ConversionRates,
): Promise<Record<Attribution, BySourceResult>> {
  const margin = run.options.margin;
  const attributedOf = await attributed(run);
  const spendOf = await spend(run);
  const romi = await romiBySourceLifetime(run);
  const cac = await cacBySourceCohort(run);
  const seen = await seenKeys(run);
  const keysOf = (model: Attribution, dim: string) =>
    [...attributedOf.keys()]
      .filter((k) => k.startsWith(`${model}/${dim}/`))
      .map((k) => k.split("/").slice(2).join("/"));
  const result = {} as Record<Attribution, BySourceResult>;
  for (const model of ATTRIBUTIONS) {
    const get = (dim: string, key: string) => attributedOf.get(`${model}/${dim}/${key}`) ?? NONE;
    const bySource = orderedKeys(
      seen.sources,
      conversion.source.keys(),
      keysOf(model, "source"),
      spendOf.keys(),
    ).map((source): BySourceRow => {
      const a = get("source", source);
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
        payback_lifetime: paybackLifetime(romi[model].filter((r) => r.source === source)),
      };
    });
    const byDevice = orderedKeys(seen.devices, conversion.device.keys(), keysOf(model, "device")).map(
      (device): ByDeviceRow => {
        const a = get("device", device);
        const acquired = conversion.device.get(device);
        return {
          device,
          users: acquired?.users ?? 0,
          buyers: a.buyers,
          conversion_rate: rateOf(acquired),
          ltv_h: ratio(margin * a.matureRevenue, a.matureBuyers),
        };
      },
    );
    const flags: SourceFlags[] = bySource.map(({ source }) => {
      const matureBuyers = get("source", source).matureBuyers;
      return { source, matureBuyers, tooFewBuyers: matureBuyers < TOO_FEW_BUYERS };
    });
    result[model] = {
      bySource,
      byDevice,
      marketing: {
        cacBySourceCohort: cac[model],
        romiBySourceLifetime: romi[model],
        sources: flags,
        tooFewBuyersThreshold: TOO_FEW_BUYERS,
      },
    };
  }
  return result;
}
