import type { LtvForecastRow } from "./ltv-forecast.ts";

/** ROMI(c, k) observed or forecast: LTV(c, k) · size(c) / spend(c) (costs fixed, buyers random). */
export interface RomiForecastRow {
  /** Source id, or `all`. */
  source: string;
  cohort: string;
  lifetime: number;
  /** Null without spend in the cohort's month, or without a forecast. */
  romi: number | null;
  romi_low: number | null;
  romi_high: number | null;
  observed: boolean;
}

/** Payback lifetime per cohort: observed, or predicted from the forecast ROMI with its range. */
export interface PaybackForecastRow {
  source: string;
  cohort: string;
  /** Smallest lifetime with ROMI ≥ 1 (observed or forecast); null: not within the forecast lifetimes. */
  payback_lifetime: number | null;
  /** The range from the interval: payback when ROMI follows its upper / lower bound. */
  payback_low: number | null;
  payback_high: number | null;
  /** True when break-even was already observed (then all three are equal). */
  observed: boolean;
}

/**
 * ROMI from the forecast LTV grid and each cohort's spend (the spend of its month; margin is already in
 * LTV). The interval is the LTV interval scaled, since spend and cohort size are fixed numbers.
 */
export function forecastRomi(
  ltv: readonly LtvForecastRow[],
  spendByCohort: ReadonlyMap<string, number>,
  source = "all",
): RomiForecastRow[] {
  return ltv.map((row) => {
    const spend = spendByCohort.get(row.cohort) ?? 0;
    const scale = (v: number | null) => (v === null || !(spend > 0) ? null : (v * row.cohort_size) / spend);
    return {
      source,
      cohort: row.cohort,
      lifetime: row.lifetime,
      romi: scale(row.ltv),
      romi_low: scale(row.ltv_low),
      romi_high: scale(row.ltv_high),
      observed: row.observed,
    };
  });
}

/** Payback per (source, cohort) from a ROMI grid (rows of one source and cohort in lifetime order). */
export function forecastPayback(romi: readonly RomiForecastRow[]): PaybackForecastRow[] {
  const groups = new Map<string, RomiForecastRow[]>();
  for (const row of romi) {
    const key = `${row.source}\u0000${row.cohort}`;
    const rows = groups.get(key);
    if (rows) rows.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()].map((rows) => {
    rows.sort((a, b) => a.lifetime - b.lifetime);
    const first = (value: (r: RomiForecastRow) => number | null) =>
      rows.find((r) => {
        const v = value(r);
        return v !== null && v >= 1;
      })?.lifetime ?? null;
    // An observed cell has no interval: its bounds are the value itself.
    const point = first((r) => r.romi);
    const observed = point !== null && rows.find((r) => r.lifetime === point)!.observed;
    return {
      source: rows[0]!.source,
      cohort: rows[0]!.cohort,
      payback_lifetime: point,
      payback_low: first((r) => (r.observed ? r.romi : r.romi_high)),
      payback_high: first((r) => (r.observed ? r.romi : r.romi_low)),
      observed,
    };
  });
}
