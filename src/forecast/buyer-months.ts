import type { MetricRun } from "../metrics/query.ts";
import { num, text } from "../metrics/query.ts";
import { type BuyerHistory, buyerHistories } from "./buyer-forecast.ts";

/**
 * The buyer-level forecast's input, read once per slice: every new buyer's revenue (margin applied)
 * per lifetime month with orders, from the window's per-(buyer, lifetime) table that the LTV matrix is
 * summed from (cube-window.ts `lifetimes`), so the two agree cell by cell. Buyer keys are the cube's
 * user keys as text (never a JS number).
 */
export async function readBuyerHistories(run: MetricRun): Promise<BuyerHistory[]> {
  const { t, d } = run;
  const rows = await run.all(`
    SELECT CAST(l.uk AS VARCHAR) AS uk, ${d.formatMonth("l.cohort")} AS cohort, l.lifetime AS lifetime,
      CAST($margin AS DOUBLE) * CAST(l.revenue AS DOUBLE) AS revenue
    FROM ${t.lifetimes} l WHERE ${run.inCombos("l.r")}`);
  return buyerHistories(
    rows.map((r) => ({
      buyer: text(r.uk),
      cohort: text(r.cohort),
      lifetime: num(r.lifetime),
      revenue: num(r.revenue),
    })),
  );
}
