import type { RomiForecastRow } from "../forecast/index.ts";
import type { DailyAcquisitionTable } from "../metrics/daily-acquisition.ts";
import type { AnalysisOptions } from "../metrics/options.ts";
import type { MarketingStats } from "../metrics/result.ts";
import type { SourceInput } from "./budget-plan.ts";

/**
 * The parts of a slice's metrics the plan reads (a MetricsResult is one): small enough to send to a
 * worker thread (the server fits plans off its event loop).
 */
export interface PlanMetrics {
  options: Pick<AnalysisOptions, "margin" | "horizon" | "attribution">;
  acquisitionDaily?: DailyAcquisitionTable | undefined;
  trust?: { forecast: { romi: readonly RomiForecastRow[] } } | undefined;
  marketing: Pick<MarketingStats, "cacBySourceCohort" | "withheld">;
}

/** The plan's part of a slice's metrics, without the rest (intervals, tables): what a worker is sent. */
export function planMetricsOf(m: PlanMetrics): PlanMetrics {
  return {
    options: { margin: m.options.margin, horizon: m.options.horizon, attribution: m.options.attribution },
    acquisitionDaily: m.acquisitionDaily,
    trust: m.trust ? { forecast: { romi: m.trust.forecast.romi } } : undefined,
    marketing: { cacBySourceCohort: m.marketing.cacBySourceCohort, withheld: m.marketing.withheld },
  };
}

/** Where a source's value per new buyer comes from (shown with the plan). */
export interface ValueBasis {
  source: string;
  /** `forecast`: every buyer cohort of the window, young ones by the LTV forecast; `mature`: observed mature cohorts only. */
  basis: "forecast" | "mature";
  /** Share of the buyers behind the value whose H-month revenue is forecast, not yet observed (0 for `mature`). */
  forecastShare: number;
  /** Buyer cohorts behind the value. */
  cohorts: number;
}

/**
 * The plan's inputs from one slice's metrics: per paid source its daily spend and credited new buyers,
 * and the value of a new buyer = H-month revenue per credited new buyer (before margin).
 *
 * The value is the forecast's when there is one (issue 10, src/forecast through metrics.trust):
 * per buyer cohort c of the window, the source's ROMI(c, H−1), observed for mature cohorts and
 * forecast for young ones, times the source's spend in month c gives margin × the cohort's H-month
 * revenue; summed over cohorts and divided by margin × their credited buyers. So every month's buyers
 * are valued, not only the mature months' (the curve counts all of them). Cohorts without spend in
 * their month (ROMI undefined) or without a forecast are left out of both sums. Without a forecast at
 * lifetime H−1 (no trust numbers, H beyond the forecast's 12 months, or no cohort of the source), the
 * value is the observed H-month revenue per buyer of the mature cohorts, as before; null when there is
 * none either. The forecast's own interval is not carried into the plan's intervals (docs/decisions.md).
 */
export function planInputsOfMetrics(metrics: PlanMetrics): { inputs: SourceInput[]; value: ValueBasis[] } {
  const table = metrics.acquisitionDaily;
  if (!table) return { inputs: [], value: [] };
  const forecast = forecastValues(metrics);
  const value: ValueBasis[] = [];
  const inputs = planInputs(table).map((input) => {
    const f = forecast.get(input.source);
    if (f && f.buyers > 0) {
      value.push({
        source: input.source,
        basis: "forecast",
        forecastShare: f.forecastBuyers / f.buyers,
        cohorts: f.cohorts,
      });
      return { ...input, revenuePerBuyer: f.revenue / f.buyers };
    }
    const mature = table.sources.find((s) => s.source === input.source)!;
    value.push({ source: input.source, basis: "mature", forecastShare: 0, cohorts: 0 });
    return { ...input, revenuePerBuyer: mature.matureBuyers > 0 ? input.revenuePerBuyer : null };
  });
  return { inputs, value };
}

/**
 * The plan's inputs from the daily acquisition table alone: the value of a new buyer is the observed
 * H-month revenue per credited new buyer of the mature buyer cohorts (null when none is mature yet).
 */
export function planInputs(table: DailyAcquisitionTable): SourceInput[] {
  return table.sources.map((s) => ({
    source: s.source,
    daily: s.daily.map((d) => ({ day: d.day, spend: d.spend, newBuyers: d.newBuyers })),
    revenuePerBuyer: s.matureBuyers > 0 ? s.matureRevenueH / s.matureBuyers : null,
  }));
}

/** Per source: H-month revenue (before margin) and credited buyers of the cohorts valued by ROMI(c, H−1). */
function forecastValues(
  metrics: PlanMetrics,
): Map<string, { revenue: number; buyers: number; forecastBuyers: number; cohorts: number }> {
  const out = new Map<string, { revenue: number; buyers: number; forecastBuyers: number; cohorts: number }>();
  const rows = metrics.trust?.forecast.romi;
  const { horizon, margin } = metrics.options;
  if (!rows || !(margin > 0)) return out;
  const cells = new Map(
    metrics.marketing.cacBySourceCohort.map((c) => [`${c.source}\u0000${c.cohort}`, c] as const),
  );
  for (const r of rows) {
    if (r.source === "all" || r.lifetime !== horizon - 1 || r.romi === null) continue;
    const cell = cells.get(`${r.source}\u0000${r.cohort}`);
    if (!cell || !(cell.costs > 0) || !(cell.newBuyers > 0)) continue;
    const acc = out.get(r.source) ?? { revenue: 0, buyers: 0, forecastBuyers: 0, cohorts: 0 };
    acc.revenue += (r.romi * cell.costs) / margin;
    acc.buyers += cell.newBuyers;
    if (!r.observed) acc.forecastBuyers += cell.newBuyers;
    acc.cohorts += 1;
    out.set(r.source, acc);
  }
  return out;
}
