import {
  type Attributed,
  type AttributedCells,
  attributedTotals,
  revenueThroughLifetime,
  sumAttributedCells,
} from "./attributed-cells.ts";
import { UNATTRIBUTED } from "./attribution.ts";
import { type ConversionRates, rateOf } from "./conversion.ts";
import { decimalToNumber } from "./exact-decimal.ts";
import { naturalIdOrder } from "./id-order.ts";
import { cacOf, paybackLifetime, withheldCac } from "./marketing.ts";
import { ATTRIBUTIONS } from "./options.ts";
import type { MetricRun } from "./query.ts";
import type { MarketingStats, SourceFlags } from "./result.ts";
import { type SliceSpend, spendUpTo } from "./slice-spend.ts";
import type { Attribution, ByDeviceRow, BySourceRow } from "./tables.ts";
import type { WindowMemory } from "./window-memory.ts";

/*
 * by_source.csv and by_device.csv and the per-source marketing figures, under every attribution model
 * at once, from the slice's attributed cells (attributed-cells.ts: summed in memory for every model), its
 * spend (slice-spend.ts) and the window's seen combos.
 * `users` and conversion are by acquisition (first session); buyers, CAC, ltv_h, romi_h and payback
 * follow the model. Sources come from the window's sessions, attribution and costs.
 */

/** Below this many attributed buyers in mature cohorts a source is flagged `too_few_buyers`. */
export const TOO_FEW_BUYERS = 30;

const NONE: Attributed = { buyers: 0, matureBuyers: 0, matureRevenue: 0 };

/** Groups rows by model into per-model lists. */
function perModel<T>(rows: { model: Attribution; row: T }[]): Record<Attribution, T[]> {
  const out = Object.fromEntries(ATTRIBUTIONS.map((m) => [m, [] as T[]])) as Record<Attribution, T[]>;
  for (const { model, row } of rows) out[model].push(row);
  return out;
}

/** Spend per source over the window and over the mature cohorts' months (the same under every model). */
function spendBySource(
  spend: SliceSpend,
  months: string[],
  matureMonths: string[],
): Map<string, { costs: number; mature: number }> {
  return new Map(
    [...spend.sourceTotals].map(([source, costs]) => [
      source,
      { costs, mature: spendUpTo(spend.bySource.get(source), months, matureMonths.length - 1) ?? 0 },
    ]),
  );
}

/**
 * ROMI_s(k) = margin x attributed revenue in lifetimes 0..k of the cohorts with lifetime k observed /
 * spend of s in those cohorts' months, for every model, every source with spend and every lifetime.
 * Both sums are exact (attributed-cells.ts, slice-spend.ts).
 */
function romiBySourceLifetime(
  run: MetricRun,
  cells: AttributedCells,
  spend: SliceSpend,
  months: string[],
): Record<Attribution, MarketingStats["romiBySourceLifetime"]> {
  const revenue = revenueThroughLifetime(cells, months);
  const { margin } = run.options;
  const byModel = perModel(
    ATTRIBUTIONS.flatMap((model) =>
      [...spend.bySource].flatMap(([source, byMonth]) =>
        months.map((_, lifetime) => {
          const costs = spendUpTo(byMonth, months, months.length - 1 - lifetime);
          const rev = revenue.get(`${model}/${source}/${lifetime}`) ?? 0;
          const romi = costs === null || costs === 0 ? null : (margin * rev) / costs;
          return { model, row: { source, lifetime, romi: run.scope.withheld ? null : romi } };
        }),
      ),
    ),
  );
  for (const list of Object.values(byModel))
    list.sort((a, b) => naturalIdOrder(a.source, b.source) || a.lifetime - b.lifetime);
  return byModel;
}

/** Spend of s in month c / buyers of cohort c attributed to s, for cells with spend or buyers. */
function cacBySourceCohort(
  run: MetricRun,
  cells: AttributedCells,
  spend: SliceSpend,
): Record<Attribution, MarketingStats["cacBySourceCohort"]> {
  const row = (source: string, cohort: string, costs: number, newBuyers: number) => ({
    source,
    cohort,
    costs,
    newBuyers,
    cac: withheldCac(run, cacOf(costs, newBuyers)),
  });
  const byModel = perModel<MarketingStats["cacBySourceCohort"][number]>([]);
  for (const model of ATTRIBUTIONS) {
    // Cells with attributed buyers (and their spend, if any), then spend cells without buyers.
    const withBuyers = new Set<string>();
    for (const c of cells.buyers.filter((c) => c.model === model && c.dim === "source")) {
      const costs = c.key === UNATTRIBUTED ? 0 : (spend.bySource.get(c.key)?.get(c.cohort)?.costs ?? 0);
      withBuyers.add(`${c.key}/${c.cohort}`);
      byModel[model].push(row(c.key, c.cohort, costs, decimalToNumber(c.buyers)));
    }
    for (const c of spend.cells)
      if (!withBuyers.has(`${c.source}/${c.month}`)) byModel[model].push(row(c.source, c.month, c.costs, 0));
  }
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
function seenKeys(
  run: MetricRun,
  seen: readonly { r: number; sr: number }[],
  combos: readonly { r: number; source: string; device: string }[],
): { sources: string[]; devices: string[] } {
  const kept = run.scope.combos === null ? null : new Set(run.scope.combos);
  const pairs = seen.filter((p) => kept === null || (kept.has(p.r) && kept.has(p.sr)));
  const through = pairs.map((p) => combos[p.sr]!);
  return { sources: through.map((c) => c.source), devices: through.map((c) => c.device) };
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
export function bySourceAllModels(
  run: MetricRun,
  conversion: ConversionRates,
  spend: SliceSpend,
  months: string[],
  matureMonths: string[],
  window: {
    seen: readonly { r: number; sr: number }[];
    combos: readonly { r: number; source: string; device: string }[];
    memory: WindowMemory;
  },
): Record<Attribution, BySourceResult> {
  const margin = run.options.margin;
  const cells = sumAttributedCells(window.memory, run.scope.combos);
  const attributedOf = attributedTotals(cells, matureMonths, run.options.horizon);
  const spendOf = spendBySource(spend, months, matureMonths);
  const romi = romiBySourceLifetime(run, cells, spend, months);
  const cac = cacBySourceCohort(run, cells, spend);
  const seen = seenKeys(run, window.seen, window.combos);
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
