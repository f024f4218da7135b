import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MetricsResult } from "../metrics/result.ts";
import type { BySourceRow } from "../metrics/tables.ts";
import { type BY_SOURCE_TRUST_COLUMNS, toCsv } from "./csv-tables.ts";

/*
 * The tidy tables of issue 10 beside the spec's: by_source.csv with its intervals and top-buyer share,
 * and the forecast grids, where `observed` tells measured cells from predicted ones.
 */

export type BySourceTrustRow = BySourceRow & Record<(typeof BY_SOURCE_TRUST_COLUMNS)[number], number | null>;

/** by_source rows with the slice's intervals and concentration (null where there is none). */
export function bySourceWithTrust(metrics: MetricsResult): BySourceTrustRow[] {
  const intervals = new Map(metrics.trust?.intervals.bySource.map((s) => [s.source, s]));
  const concentration = new Map(metrics.trust?.concentration.bySource.map((c) => [c.source, c]));
  return metrics.tables.by_source.map((row) => {
    const i = intervals.get(row.source);
    const c = concentration.get(row.source);
    return {
      ...row,
      ltv_h_low: i?.ltvH.low ?? null,
      ltv_h_high: i?.ltvH.high ?? null,
      cac_low: i?.cac.low ?? null,
      cac_high: i?.cac.high ?? null,
      romi_h_low: i?.romiH.low ?? null,
      romi_h_high: i?.romiH.high ?? null,
      top_buyer_share: c?.topBuyerShare ?? null,
      ltv_h_robust: c?.ltvHRobust ?? null,
      romi_h_robust: c?.romiHRobust ?? null,
      romi_h_without_top_buyer: c?.romiHWithoutTopBuyer ?? null,
    };
  });
}

/**
 * Writes ltv_forecast.csv, romi_forecast.csv and payback_forecast.csv into `dir`; returns the paths.
 * The issue's columns in its order, then `model` (`power` or `buyer`): which forecast made the rows'
 * predicted cells, so a table read on its own still says so.
 */
export function writeForecastTables(metrics: MetricsResult, dir: string): string[] {
  const forecast = metrics.trust?.forecast;
  if (!forecast) return [];
  const named = (rows: readonly object[]) => rows.map((r) => ({ ...r, model: forecast.model }));
  const files: [string, Record<string, unknown>[], string[]][] = [
    [
      "ltv_forecast.csv",
      named(forecast.ltv),
      ["cohort", "lifetime", "ltv", "ltv_low", "ltv_high", "observed", "model"],
    ],
    [
      "romi_forecast.csv",
      named(forecast.romi),
      ["source", "cohort", "lifetime", "romi", "romi_low", "romi_high", "observed", "model"],
    ],
    [
      "payback_forecast.csv",
      named(forecast.payback),
      ["source", "cohort", "payback_lifetime", "payback_low", "payback_high", "observed", "model"],
    ],
  ];
  return files.map(([name, rows, columns]) => {
    const path = join(dir, name);
    writeFileSync(path, toCsv(rows as never, columns));
    return path;
  });
}
