import { UNATTRIBUTED } from "../metrics/attribution.ts";
import type { MetricRun } from "../metrics/query.ts";
import { num, text } from "../metrics/query.ts";
import { type BuyerHistory, buyerHistories } from "./buyer-forecast.ts";
import type { BuyerShare } from "./buyer-sources.ts";

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

/**
 * The per-source forecast's weights, read once per slice and attribution model: every new buyer of the
 * slice with its weight n/d in each source under the run's model (cube-data.ts `attr`, the weights the
 * sources' LTV matrices are summed with; key NULL = `unattributed`). One row per (buyer, source): one
 * per buyer under first and last touch.
 */
export async function readBuyerWeights(run: MetricRun): Promise<Map<string, BuyerShare[]>> {
  const { t } = run;
  const rows = await run.all(`
    SELECT CAST(a.uk AS VARCHAR) AS uk, coalesce(a.key, '') AS k, CAST(a.n AS DOUBLE) / CAST(a.d AS DOUBLE) AS w
    FROM ${t.attr} a JOIN ${t.newBuyers} nb ON nb.uk = a.uk
    WHERE a.model = $model AND a.dim = 'source' AND ${run.inCombos("nb.r")}`);
  const out = new Map<string, BuyerShare[]>();
  for (const r of rows) {
    const buyer = text(r.uk);
    const source = text(r.k) === "" ? UNATTRIBUTED : text(r.k);
    const list = out.get(buyer) ?? [];
    list.push({ source, weight: num(r.w) });
    out.set(buyer, list);
  }
  return out;
}
