import { type MetricRun, num, numOrNull, text } from "./query.ts";
import type { RetentionStats } from "./result.ts";
import type { CohortGrain, RetentionRow } from "./tables.ts";

const GRAIN = {
  month: { cohort: "acq_month", period: "month_start" },
  week: { cohort: "acq_week", period: "week_start" },
} as const;

/**
 * Retention(c, k): users of acquisition cohort c with a session in period c + k / size of c, at the
 * chosen grain. One row per cohort x lifetime 0..P-1 (P = periods the window touches); a cell whose
 * period is after the window's last period is unobserved: users and retention null.
 */
export async function retentionMatrix(run: MetricRun, grain: CohortGrain): Promise<RetentionRow[]> {
  const { d, t } = run;
  const g = GRAIN[grain];
  const active = grain === "month" ? t.activeMonth : t.activeWeek;
  const between = grain === "month" ? d.monthsBetween : d.weeksBetween;
  const format = grain === "month" ? d.formatMonth : d.formatDay;
  const rows = await run.all(`
    WITH sizes AS (
      SELECT n.${g.cohort} AS cohort, sum(n.users) AS size FROM ${t.newUsers} n
      WHERE ${run.inCombos("n.r")} GROUP BY n.${g.cohort}),
    active AS (
      SELECT a.cohort AS cohort, ${between("a.cohort", "a.period")} AS lifetime, sum(a.users) AS users
      FROM ${active} a WHERE a.cohort IS NOT NULL AND ${run.inCombos("a.r")}
      GROUP BY a.cohort, ${between("a.cohort", "a.period")}),
    lifetimes AS (
      SELECT CAST(row_number() OVER (ORDER BY p.period) - 1 AS INTEGER) AS lifetime
      FROM (SELECT DISTINCT c.${g.period} AS period FROM ${t.calendar} c) p),
    last AS (SELECT max(c.${g.period}) AS last_period FROM ${t.calendar} c)
    SELECT ${format("s.cohort")} AS cohort, l.lifetime AS lifetime, CAST(s.size AS INTEGER) AS cohort_size,
      CASE WHEN ${between("s.cohort", "last.last_period")} >= l.lifetime
        THEN CAST(coalesce(a.users, 0) AS INTEGER) END AS users,
      CASE WHEN ${between("s.cohort", "last.last_period")} >= l.lifetime
        THEN ${d.safeDivide("coalesce(a.users, 0)", "s.size")} END AS retention
    FROM sizes s CROSS JOIN lifetimes l CROSS JOIN last
    LEFT JOIN active a ON a.cohort = s.cohort AND a.lifetime = l.lifetime
    ORDER BY s.cohort, l.lifetime`);
  return rows.map((r) => ({
    cohort: text(r.cohort),
    lifetime: num(r.lifetime),
    cohort_size: num(r.cohort_size),
    users: numOrNull(r.users),
    retention: numOrNull(r.retention),
  }));
}

/** Plain mean over cohorts of each lifetime's observed cells, with how many cohorts it covers. */
export function retentionStats(rows: RetentionRow[], grain: CohortGrain): RetentionStats {
  const byLifetime = new Map<number, number[]>();
  for (const row of rows) {
    const values = byLifetime.get(row.lifetime) ?? [];
    if (row.retention !== null) values.push(row.retention);
    byLifetime.set(row.lifetime, values);
  }
  const meanByLifetime = [...byLifetime].map(([lifetime, values]) => ({
    lifetime,
    retention: values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null,
    cohorts: values.length,
  }));
  return { grain, meanByLifetime };
}
