import type { UserKey } from "./foundation-visits.ts";
import { FROM_TS, type MetricRun, TO_TS } from "./query.ts";
import type { Attribution } from "./tables.ts";
import { T } from "./temp-tables.ts";

/*
 * Per-buyer attribution weights for the chosen model, by source and by device, as n/d integer pairs
 * (first- and last-touch: 1/1; linear: sessions of the key / qualifying sessions). Only sessions that
 * start at or before the buyer's first order qualify; a buyer with none gets one row with key NULL
 * (reported as `unattributed`), so the weights of every buyer sum to 1 in both dimensions.
 *
 * Attributed sums are taken per denominator d first (exact DECIMAL / integer sums), then divided:
 * first- and last-touch money stays exact, and linear sums do not depend on summation order.
 */

/** Name under which buyers without a qualifying session are reported. */
export const UNATTRIBUTED = "unattributed";

const DIMS = "(VALUES ('source'), ('device')) dims(dim)";
const KEY_OF_DIM = "CASE dims.dim WHEN 'source' THEN c.source_id ELSE c.device END";

export async function buildAttribution(run: MetricRun, key: UserKey, model: Attribution): Promise<void> {
  if (model === "first-touch") {
    await run.run(`CREATE OR REPLACE TEMP TABLE ${T.attr} AS
      SELECT b.uk, b.cohort, dims.dim, CASE WHEN b.attributable THEN ${KEY_OF_DIM} END AS key, 1 AS n, 1 AS d
      FROM ${T.buyers} b LEFT JOIN ${T.combos} c ON c.r = b.first_r CROSS JOIN ${DIMS}`);
  } else {
    await buildQualifyingSessions(run, key);
    await run.run(model === "last-touch" ? lastTouchSql() : linearSql());
  }
  await buildAttributedCells(run);
}

/** The one extra pass over visits: sessions of attributable buyers up to their first order, per combo. */
async function buildQualifyingSessions(run: MetricRun, key: UserKey): Promise<void> {
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.attrSessions} AS
    SELECT b.uk, c.r, CAST(count(*) AS INTEGER) AS n, max(v.start_ts) AS last_ts
    FROM visits v
    JOIN ${T.combos} c ON c.source_id = v.source_id AND c.device = v.device
    JOIN (SELECT uk, first_order_ts FROM ${T.buyers} WHERE attributable) b ON b.uk = ${key.of("v.user_id")}
    WHERE v.start_ts >= ${FROM_TS} AND v.start_ts < ${TO_TS} AND v.start_ts <= b.first_order_ts
    GROUP BY 1, 2`);
}

/** Last in the tie-break order = greatest (start_ts, combo rank), the rank following (source_id, device). */
function lastTouchSql(): string {
  return `CREATE OR REPLACE TEMP TABLE ${T.attr} AS
    WITH last AS (SELECT uk, arg_max(r, {'ts': last_ts, 'r': r}) AS r FROM ${T.attrSessions} GROUP BY uk)
    SELECT b.uk, b.cohort, dims.dim, ${KEY_OF_DIM} AS key, 1 AS n, 1 AS d
    FROM ${T.buyers} b LEFT JOIN last ON last.uk = b.uk LEFT JOIN ${T.combos} c ON c.r = last.r
    CROSS JOIN ${DIMS}`;
}

function linearSql(): string {
  return `CREATE OR REPLACE TEMP TABLE ${T.attr} AS
    WITH per_key AS (
      SELECT s.uk, dims.dim, ${KEY_OF_DIM} AS key, CAST(sum(s.n) AS INTEGER) AS n
      FROM ${T.attrSessions} s JOIN ${T.combos} c ON c.r = s.r CROSS JOIN ${DIMS}
      GROUP BY 1, 2, 3),
    totals AS (SELECT uk, CAST(sum(n) AS INTEGER) AS d FROM ${T.attrSessions} GROUP BY uk)
    SELECT b.uk, b.cohort, dims.dim, p.key, coalesce(p.n, 1) AS n, coalesce(t.d, 1) AS d
    FROM ${T.buyers} b CROSS JOIN ${DIMS}
    LEFT JOIN per_key p ON p.uk = b.uk AND p.dim = dims.dim
    LEFT JOIN totals t ON t.uk = b.uk`;
}

// Each cell is rounded to 1e-12 as a DECIMAL: every later sum over cells is then exact and does not
// depend on the order DuckDB's threads add them in (DOUBLE sums changed in the last digit between runs).
async function buildAttributedCells(run: MetricRun): Promise<void> {
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.attrRevenue} AS
    SELECT dim, key, cohort, lifetime, sum(CAST(CAST(rn AS DOUBLE) / d AS DECIMAL(38, 12))) AS revenue
    FROM (
      SELECT a.dim, a.key, l.cohort, l.lifetime, a.d, sum(l.revenue * a.n) AS rn
      FROM ${T.lifetimes} l JOIN ${T.attr} a ON a.uk = l.uk
      GROUP BY ALL)
    GROUP BY ALL`);
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.attrBuyers} AS
    SELECT dim, key, cohort, sum(CAST(CAST(nn AS DOUBLE) / d AS DECIMAL(38, 12))) AS buyers
    FROM (SELECT dim, key, cohort, d, sum(n) AS nn FROM ${T.attr} GROUP BY ALL)
    GROUP BY ALL`);
}
