import { naturalIdOrder } from "./id-order.ts";
import { type LagIndex, lagStats } from "./lag-index.ts";
import type { MetricRun } from "./query.ts";
import type { ConversionLagStats } from "./result.ts";
import { type CohortGrain, type ConversionLagRow, LAG_BUCKETS, type LagDimension } from "./tables.ts";
import { chosenEntries, type WindowMemory } from "./window-memory.ts";

/*
 * Conversion lag = first order ts - first session ts per new buyer of the window, over buyers with a
 * session at or before the first order (`attributable`); the others are counted as excluded. Source,
 * device and cohort of a buyer here are those of acquisition (the first session, whole history),
 * whatever the attribution model. The median needs the buyers themselves: it comes from the window's
 * lag index (lag-index.ts), never the visits; bucket counts and conversion rates are the chosen combos'
 * rows of the window's memory (window-memory.ts), summed.
 */

const DAY_S = 86_400;
/** SQL: the lag bucket of `s` seconds (whole days elapsed). */
export const LAG_BUCKET_SQL = (
  s: string,
) => `CASE WHEN ${s} < ${DAY_S} THEN '0d' WHEN ${s} < ${2 * DAY_S} THEN '1d'
  WHEN ${s} < ${8 * DAY_S} THEN '2-7d' WHEN ${s} < ${31 * DAY_S} THEN '8-30d' ELSE '31+d' END`;

/** A combo's acquisition source and device, by combo code. */
export type ComboKeys = ReadonlyMap<number, { source: string; device: string }>;

export function comboKeys(combos: readonly { r: number; source: string; device: string }[]): ComboKeys {
  return new Map(combos.map((c) => [c.r, { source: c.source, device: c.device }]));
}

/** Mean and median lag of the slice's new buyers, from the window's in-memory lag index. */
export function conversionLagStats(run: MetricRun, lags: LagIndex): ConversionLagStats {
  return lagStats(lags, run.scope.combos);
}

/**
 * Lag buckets for all buyers and by acquisition source, device and cohort; every bucket of every key.
 * Summed from the chosen combos' bucket counts in the window's memory.
 */
export function conversionLagTable(
  memory: WindowMemory,
  combos: readonly number[] | null,
  keyOf: ComboKeys,
  grain: CohortGrain,
): ConversionLagRow[] {
  const order: LagDimension[] = ["all", "source", "device", "cohort"];
  // Buyers per bucket, per key, per dimension: nested maps, so no key text is built per row.
  const counts = new Map(order.map((dim) => [dim, new Map<string, Map<string, number>>()]));
  const add = (dim: LagDimension, key: string, bucket: string, n: number) => {
    const byKey = counts.get(dim)!;
    let buckets = byKey.get(key);
    if (!buckets) {
      buckets = new Map<string, number>();
      byKey.set(key, buckets);
    }
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + n);
  };
  for (const [r, rows] of chosenEntries(memory.lagBuckets, combos))
    for (const l of rows) {
      add("all", "all", l.bucket, l.buyers);
      const combo = keyOf.get(r);
      if (combo) {
        add("source", combo.source, l.bucket, l.buyers);
        add("device", combo.device, l.bucket, l.buyers);
      }
      add("cohort", grain === "month" ? l.month : l.week, l.bucket, l.buyers);
    }
  const keys = order.flatMap((dim) =>
    [...counts.get(dim)!.keys()].sort(naturalIdOrder).map((key): [LagDimension, string] => [dim, key]),
  );
  return keys.flatMap(([dimension, key]) => {
    const buckets = counts.get(dimension)!.get(key)!;
    const total = [...buckets.values()].reduce((a, b) => a + b, 0);
    return LAG_BUCKETS.map((bucket) => {
      const buyers = buckets.get(bucket) ?? 0;
      return { dimension, key, bucket, buyers, share: buyers / total };
    });
  });
}

export interface Converted {
  users: number;
  /** Users who are also buyers. */
  buyers: number;
}

/** Users and converted users (by acquisition) overall and per source, device and cohort. */
export interface ConversionRates {
  all: Converted;
  source: Map<string, Converted>;
  device: Map<string, Converted>;
  cohort: Map<string, Converted>;
}

/** Summed from the chosen combos' new users (and how many converted) in the window's memory. */
export function conversionRates(
  memory: WindowMemory,
  combos: readonly number[] | null,
  keys: ComboKeys,
  grain: CohortGrain,
): ConversionRates {
  const rates: ConversionRates = {
    all: { users: 0, buyers: 0 },
    source: new Map(),
    device: new Map(),
    cohort: new Map(),
  };
  const add = (map: Map<string, Converted>, key: string, users: number, buyers: number) => {
    const c = map.get(key) ?? { users: 0, buyers: 0 };
    c.users += users;
    c.buyers += buyers;
    map.set(key, c);
  };
  for (const [r, rows] of chosenEntries(memory.newUsers, combos))
    for (const n of rows) {
      rates.all.users += n.users;
      rates.all.buyers += n.converted;
      const combo = keys.get(r);
      if (combo) {
        add(rates.source, combo.source, n.users, n.converted);
        add(rates.device, combo.device, n.users, n.converted);
      }
      add(rates.cohort, grain === "month" ? n.month : n.week, n.users, n.converted);
    }
  return rates;
}

export function rateOf(c: Converted | undefined): number | null {
  return c && c.users > 0 ? c.buyers / c.users : null;
}
