import type { Engine } from "../engine/engine.ts";
import type { AnalysisWindow } from "./quality.ts";

/**
 * The analysis window: the user's bounds where given, else (spec) the first day of the earliest visit
 * to the day after the latest visit. Without visits, the costs' and then the orders' days stand in, so
 * an audit of orders and costs alone still has a window.
 */
export async function analysisWindow(
  engine: Engine,
  bounds: { from?: string; to?: string } = {},
): Promise<AnalysisWindow | null> {
  const candidates = [
    { basis: "visits", sql: "SELECT min(start_ts)::DATE AS lo, max(start_ts)::DATE + 1 AS hi FROM visits" },
    { basis: "costs", sql: "SELECT min(date) AS lo, max(date) + 1 AS hi FROM costs" },
    { basis: "orders", sql: "SELECT min(ts)::DATE AS lo, max(ts)::DATE + 1 AS hi FROM orders" },
  ] as const;
  for (const { basis, sql } of candidates) {
    const [row] = await engine.all<{ lo: string | null; hi: string | null }>(
      `SELECT strftime(lo, '%Y-%m-%d') AS lo, strftime(hi, '%Y-%m-%d') AS hi FROM (${sql})`,
    );
    if (row?.lo && row.hi) {
      const given = bounds.from !== undefined || bounds.to !== undefined;
      return { from: bounds.from ?? row.lo, to: bounds.to ?? row.hi, basis: given ? "options" : basis };
    }
  }
  if (bounds.from && bounds.to) return { from: bounds.from, to: bounds.to, basis: "options" };
  return null;
}
