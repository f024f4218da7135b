/**
 * "Sources in numbers" by acquisition source (the first session's source, whole history): the
 * window's orders and revenue of each source's buyers, and the conversion lag of its new buyers
 * (mean and median in days, spec "Conversion lag" "the same by source"), with the buyers measured.
 * Buyers without any session have no source: their orders go under `unattributed`.
 */
import { UNATTRIBUTED } from "./attribution.ts";
import { type Context, firstSession } from "./context.ts";
import type { ConversionLagStats } from "./conversion.ts";
import { compareText, mean, microToNumber, quantileCont } from "./numbers.ts";

export interface NaiveSourceNumbers {
  source: string;
  orders: number;
  revenue: number;
  lagBuyers: number;
  lagMeanDays: number | null;
  lagMedianDays: number | null;
}

export function sourceNumbers(ctx: Context, lag: ConversionLagStats): NaiveSourceNumbers[] {
  const sold = new Map<string, { orders: number; micro: bigint }>();
  for (const order of ctx.orders) {
    const source = firstSession(ctx, order.user_id)?.source_id ?? UNATTRIBUTED;
    const s = sold.get(source) ?? { orders: 0, micro: 0n };
    s.orders += 1;
    s.micro += order.micro;
    sold.set(source, s);
  }
  const lagDays = new Map<string, number[]>();
  for (const buyer of lag.included) {
    const list = lagDays.get(buyer.source) ?? [];
    list.push(buyer.seconds / 86400);
    lagDays.set(buyer.source, list);
  }
  const keys = [...new Set([...sold.keys(), ...lagDays.keys()])];
  // Source ids in order, `unattributed` last.
  keys.sort((a, b) => Number(a === UNATTRIBUTED) - Number(b === UNATTRIBUTED) || compareText(a, b));
  return keys.map((source) => {
    const days = lagDays.get(source) ?? [];
    const s = sold.get(source);
    return {
      source,
      orders: s?.orders ?? 0,
      revenue: s ? microToNumber(s.micro) : 0,
      lagBuyers: days.length,
      lagMeanDays: mean(days),
      lagMedianDays: quantileCont(days, 0.5),
    };
  });
}
