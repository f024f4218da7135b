import { buildAttribution } from "./attribution.ts";
import { buildBuyers, buildCosts, ordersIdsNumeric } from "./foundation-orders.ts";
import { buildUsers, buildVisitProfile, chooseUserKey, type UserKey } from "./foundation-visits.ts";
import type { MetricRun } from "./query.ts";

/** What the foundation learnt about the data; also reported in the result for diagnosis. */
export interface FoundationFacts {
  /** Days in the window. */
  days: number;
  /** (source, device) combinations seen in windowed visits. */
  combos: number;
  /** Users were keyed as exact 64-bit integers (true) or as text (false); results are the same. */
  numericUserKeys: boolean;
}

/**
 * Materialises every shared building block once (see temp-tables.ts) and returns the run with the
 * parameters the metric modules need. Order matters: users before buyers (acquisition facts), buyers
 * before attribution.
 */
export async function buildFoundation(
  base: MetricRun,
): Promise<{ run: MetricRun; facts: FoundationFacts; key: UserKey }> {
  const days = daysBetween(base.options.from, base.options.to);
  const withDays = base.with({ days });
  const visitFacts = await buildVisitProfile(withDays);
  const numericUserKeys = visitFacts.idsNumeric && (await ordersIdsNumeric(withDays));
  const run = withDays.with({ combos: Math.max(visitFacts.combos, 1) });
  const key = chooseUserKey(run, numericUserKeys, visitFacts.combos, days);
  await buildUsers(run, key);
  await buildBuyers(run, key);
  await buildCosts(run);
  await buildAttribution(run, key, run.options.attribution);
  return { run, facts: { days, combos: visitFacts.combos, numericUserKeys }, key };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
