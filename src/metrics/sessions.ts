import { type MetricRun, num, numOrNull } from "./query.ts";
import type { HistogramBin, SessionStats } from "./result.ts";
import { T } from "./temp-tables.ts";

/** Histogram: 60-second bins up to 3600 s, then one open bin (docs/decisions.md). */
const BIN_S = 60;
const BINS = 60;

/*
 * Length statistics come from the frequency table of lengths built in the profile pass (a few hundred
 * rows for minute-resolution data) rather than a sort of every session: the median and p90 interpolate
 * between order statistics found by cumulative counts, exactly as quantile_cont does on raw values.
 */
const FREQUENCIES = `SELECT CAST(len_s AS BIGINT) AS len, CAST(sessions AS BIGINT) AS n
  FROM ${T.profile} WHERE len_s IS NOT NULL AND len_s >= 0`;

export async function sessionStats(run: MetricRun): Promise<SessionStats> {
  const [totals] = await run.all(`
    WITH f AS (${FREQUENCIES})
    SELECT CAST(coalesce(sum(n), 0) AS DOUBLE) AS valid,
      CAST((SELECT coalesce(sum(sessions), 0) FROM ${T.profile} WHERE len_s < 0) AS DOUBLE) AS invalid,
      CAST(sum(len * n) AS DOUBLE) / sum(n) AS mean_s,
      (SELECT len FROM f ORDER BY n DESC, len ASC LIMIT 1) AS mode_s
    FROM f`);
  const quantiles = await run.all(`
    WITH f AS (${FREQUENCIES}),
    c AS (SELECT len, sum(n) OVER (ORDER BY len ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto FROM f),
    q AS (
      SELECT p, p * (total - 1) AS pos FROM (SELECT sum(n) AS total FROM f) t, (VALUES (0.5), (0.9)) v(p)
      WHERE total > 0)
    SELECT p,
      (SELECT min(len) FROM c WHERE upto > floor(q.pos)) AS lo,
      (SELECT min(len) FROM c WHERE upto > ceil(q.pos)) AS hi,
      q.pos - floor(q.pos) AS frac
    FROM q ORDER BY p`);
  const at = (p: number): number | null => {
    const row = quantiles.find((r) => num(r.p) === p);
    if (!row) return null;
    const lo = num(row.lo);
    return lo + num(row.frac) * (num(row.hi) - lo);
  };
  return {
    valid: num(totals?.valid),
    invalid: num(totals?.invalid),
    meanS: numOrNull(totals?.mean_s),
    medianS: at(0.5),
    modeS: numOrNull(totals?.mode_s),
    p90S: at(0.9),
    histogram: await histogram(run),
  };
}

async function histogram(run: MetricRun): Promise<HistogramBin[]> {
  const rows = await run.all(`
    WITH f AS (${FREQUENCIES})
    SELECT CAST(b.bin AS INTEGER) AS bin, CAST(coalesce(sum(f.n), 0) AS DOUBLE) AS sessions
    FROM range(0, ${BINS + 1}) b(bin) LEFT JOIN f ON least(f.len // ${BIN_S}, ${BINS}) = b.bin
    GROUP BY b.bin ORDER BY b.bin`);
  return rows.map((r) => {
    const bin = num(r.bin);
    return { fromS: bin * BIN_S, toS: bin < BINS ? (bin + 1) * BIN_S : null, sessions: num(r.sessions) };
  });
}
