/** Conversion lag (spec "Conversion lag") and conversion rates by acquisition. */
import {
  type ConversionLagRow,
  LAG_BUCKETS,
  type LagBucket,
  type LagDimension,
} from "../../src/metrics/tables.ts";
import { periodOf } from "./calendar.ts";
import { type Context, firstSession } from "./context.ts";
import { compareText, mean, quantileCont } from "./numbers.ts";

export interface BuyerLag {
  user_id: string;
  seconds: number;
  bucket: LagBucket;
  /** Acquisition keys: first session's source and device, acquisition cohort at the cohort grain. */
  source: string;
  device: string;
  cohort: string;
}

export interface ConversionLagStats {
  included: BuyerLag[];
  excluded_no_session: number;
  excluded_order_first: number;
  mean_days: number | null;
  median_min: number | null;
  /** Median in days, for the report's "days" reading. */
  median_days: number | null;
}

/** Whole days elapsed, floor(seconds / 86400), into the spec's buckets. */
export function lagBucket(seconds: number): LagBucket {
  const days = Math.floor(seconds / 86400);
  if (days <= 0) return "0d";
  if (days === 1) return "1d";
  if (days <= 7) return "2-7d";
  if (days <= 30) return "8-30d";
  return "31+d";
}

export function conversionLagStats(ctx: Context): ConversionLagStats {
  const included: BuyerLag[] = [];
  let noSession = 0;
  let orderFirst = 0;
  for (const buyer of ctx.buyers.values()) {
    const first = firstSession(ctx, buyer.user_id);
    if (first === undefined) {
      noSession++;
      continue;
    }
    const seconds = buyer.firstOrder.sec - first.startSec;
    if (seconds < 0) {
      orderFirst++;
      continue;
    }
    included.push({
      user_id: buyer.user_id,
      seconds,
      bucket: lagBucket(seconds),
      source: first.source_id,
      device: first.device,
      cohort: periodOf(first.day, ctx.options.cohortGrain),
    });
  }
  const seconds = included.map((b) => b.seconds);
  const meanS = mean(seconds);
  const medianS = quantileCont(seconds, 0.5);
  return {
    included,
    excluded_no_session: noSession,
    excluded_order_first: orderFirst,
    mean_days: meanS === null ? null : meanS / 86400,
    median_min: medianS === null ? null : medianS / 60,
    median_days: medianS === null ? null : medianS / 86400,
  };
}

const DIMENSIONS: readonly LagDimension[] = ["all", "source", "device", "cohort"];

/**
 * For each dimension and each key with at least one included buyer, all five buckets (zeros
 * included); share = buyers in the bucket / included buyers with that key.
 */
export function conversionLagRows(stats: ConversionLagStats): ConversionLagRow[] {
  const rows: ConversionLagRow[] = [];
  for (const dimension of DIMENSIONS) {
    const groups = new Map<string, BuyerLag[]>();
    for (const b of stats.included) {
      const key = dimension === "all" ? "all" : b[dimension];
      const list = groups.get(key) ?? [];
      list.push(b);
      groups.set(key, list);
    }
    for (const key of [...groups.keys()].sort(compareText)) {
      const group = groups.get(key)!;
      for (const bucket of LAG_BUCKETS) {
        const buyers = group.filter((b) => b.bucket === bucket).length;
        rows.push({ dimension, key, bucket, buyers, share: buyers / group.length });
      }
    }
  }
  return rows;
}

export interface AcquisitionCount {
  users: number;
  /** New users of the key who are new buyers (first order in the window). */
  converted: number;
}

/** New users and converted new users by the first session's source or device. */
export function acquisitionCounts(
  ctx: Context,
  field: "source_id" | "device",
): Map<string, AcquisitionCount> {
  const out = new Map<string, AcquisitionCount>();
  for (const user of ctx.users) {
    const key = firstSession(ctx, user)![field];
    const c = out.get(key) ?? { users: 0, converted: 0 };
    c.users++;
    if (ctx.buyers.has(user)) c.converted++;
    out.set(key, c);
  }
  return out;
}

/** Overall conversion rate: new users who are also new buyers / new users. */
export function conversionRate(ctx: Context): number | null {
  if (ctx.users.size === 0) return null;
  let converted = 0;
  for (const u of ctx.users) if (ctx.buyers.has(u)) converted++;
  return converted / ctx.users.size;
}
