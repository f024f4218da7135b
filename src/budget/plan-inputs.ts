import type { DailyAcquisitionTable } from "../metrics/daily-acquisition.ts";
import type { SourceInput } from "./budget-plan.ts";

/**
 * The plan's inputs from the metrics' daily acquisition table. The value of a new buyer is the H-month
 * revenue per credited new buyer of the mature buyer cohorts (null when no cohort is mature yet);
 * when the forecast of LTV lands, it replaces this with the forecast for young cohorts too.
 */
export function planInputs(table: DailyAcquisitionTable): SourceInput[] {
  return table.sources.map((s) => ({
    source: s.source,
    daily: s.daily.map((d) => ({ day: d.day, spend: d.spend, newBuyers: d.newBuyers })),
    revenuePerBuyer: s.matureBuyers > 0 ? s.matureRevenueH / s.matureBuyers : null,
  }));
}
