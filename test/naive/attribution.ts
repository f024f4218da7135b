/** Attribution weights of each buyer over sources or devices (spec "Attribution"). */
import type { Attribution } from "../../src/metrics/tables.ts";
import type { Buyer, Context, Session } from "./context.ts";

export const UNATTRIBUTED = "unattributed";

/** A buyer's weights by key; they sum to 1. */
export type Weights = Map<string, number>;

/**
 * Sessions of the whole history (not only the window's) that start at or before the buyer's first
 * order, in the decisions.md tie order.
 */
export function eligibleSessions(ctx: Context, buyer: Buyer): Session[] {
  const sessions = ctx.historyByUser.get(buyer.user_id) ?? [];
  return sessions.filter((s) => s.startSec <= buyer.firstOrder.sec);
}

export function buyerWeights(
  ctx: Context,
  buyer: Buyer,
  model: Attribution,
  field: "source_id" | "device",
): Weights {
  const eligible = eligibleSessions(ctx, buyer);
  const first = eligible[0];
  const last = eligible.at(-1);
  if (first === undefined || last === undefined) return new Map([[UNATTRIBUTED, 1]]);
  if (model === "first-touch") return new Map([[first[field], 1]]);
  if (model === "last-touch") return new Map([[last[field], 1]]);
  const counts = new Map<string, number>();
  for (const s of eligible) counts.set(s[field], (counts.get(s[field]) ?? 0) + 1);
  const weights: Weights = new Map();
  for (const [key, n] of counts) weights.set(key, n / eligible.length);
  return weights;
}

/** Weights of every new buyer, keyed by user id. */
export function allWeights(ctx: Context, field: "source_id" | "device"): Map<string, Weights> {
  const out = new Map<string, Weights>();
  for (const buyer of ctx.buyers.values()) {
    out.set(buyer.user_id, buyerWeights(ctx, buyer, ctx.options.attribution, field));
  }
  return out;
}

/** Attributed (possibly fractional) buyer counts by key. */
export function attributedBuyers(weights: ReadonlyMap<string, Weights>): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of weights.values()) for (const [key, x] of w) out.set(key, (out.get(key) ?? 0) + x);
  return out;
}
