import type { Engine } from "../engine/engine.ts";
import type { DataTables } from "./cube-tables.ts";
import { ATTRIBUTIONS } from "./options.ts";
import { BoundSql, num } from "./query.ts";

/*
 * The whole-history half of the cube, built once per dataset: who each user is (acquisition combo,
 * first session, cohorts), their active days, session lengths per acquisition cell and day, each
 * buyer's first order and orders per day, and the attribution weights of every model. Acquisition is
 * a fact of the whole history (docs/decisions.md, "Window and filters"): windows and filters select
 * from these tables and never re-date a user.
 *
 * Raw visits are read twice here and never again: the combo dictionary, then one pass that reduces
 * every visit to integers (user key, combo code, start, length). The per-user first session, the
 * active days and lengths, and the sessions of attributable buyers up to their first order read that
 * narrow table, not the text columns again. Everything later reads these tables.
 *
 * Portable SQL: every select item aliased, flags as 0/1 integers, engine syntax only through the
 * dialect (src/engine/dialect.ts), tables created through the engine.
 */

/** What the data cube learnt about the data; the slices need it as parameters and facts. */
export interface DataCubeFacts {
  /** First and last visit start (wall clock text), null without visits. */
  firstVisitStart: string | null;
  lastVisitStart: string | null;
  /** Every user id in visits and orders is a canonical u64, so users are keyed as UBIGINT. */
  numericUserKeys: boolean;
  /** (source, device) combos, in code order `r`. */
  combos: { r: number; source: string; device: string }[];
  /** Sources of visits and costs, in code order `s`. */
  sources: { s: number; source: string }[];
}

const DIMS = "(SELECT 'source' AS dim UNION ALL SELECT 'device' AS dim)";
const KEY_OF_DIM = "CASE dims.dim WHEN 'source' THEN c.source_id ELSE c.device END";

export async function buildDataCube(engine: Engine, t: DataTables): Promise<DataCubeFacts> {
  const q = new BoundSql(engine, {});
  const { d } = q;
  // Pass 1: the combo dictionary (byte order of source, then device: the tie-break order), the data's
  // bounds and whether ids allow exact integer keys.
  await q.createTemp(
    t.combos,
    `SELECT CAST(row_number() OVER (ORDER BY g.source_id, g.device) - 1 AS INTEGER) AS r,
      g.source_id AS source_id, g.device AS device, g.first_start AS first_start, g.last_start AS last_start,
      g.ids_numeric AS ids_numeric
    FROM (
      SELECT v.source_id AS source_id, v.device AS device, min(v.start_ts) AS first_start,
        max(v.start_ts) AS last_start,
        min(CASE WHEN ${d.isCanonicalU64("v.user_id")} THEN 1 ELSE 0 END) AS ids_numeric
      FROM visits v GROUP BY v.source_id, v.device) g`,
  );
  await q.createTemp(
    t.sources,
    `SELECT CAST(row_number() OVER (ORDER BY u.source_id) - 1 AS INTEGER) AS s, u.source_id AS source_id
    FROM (SELECT c.source_id AS source_id FROM ${t.combos} c UNION SELECT k.source_id AS source_id FROM costs k) u`,
  );
  const [facts] = await q.all(`
    SELECT CAST(count(*) AS INTEGER) AS combos, CAST(min(first_start) AS VARCHAR) AS first_start,
      CAST(max(last_start) AS VARCHAR) AS last_start, CAST(coalesce(min(ids_numeric), 1) AS INTEGER) AS visit_ids,
      CAST((SELECT coalesce(min(CASE WHEN ${d.isCanonicalU64("o.user_id")} THEN 1 ELSE 0 END), 1) AS v FROM orders o)
        AS INTEGER) AS order_ids
    FROM ${t.combos}`);
  const combos = await q.all(`SELECT r, source_id, device FROM ${t.combos} ORDER BY r`);
  const sources = await q.all(`SELECT s, source_id FROM ${t.sources} ORDER BY s`);
  const cubeFacts: DataCubeFacts = {
    firstVisitStart: typeof facts?.first_start === "string" ? facts.first_start : null,
    lastVisitStart: typeof facts?.last_start === "string" ? facts.last_start : null,
    numericUserKeys: num(facts?.visit_ids) === 1 && num(facts?.order_ids) === 1,
    combos: combos.map((c) => ({ r: num(c.r), source: String(c.source_id), device: String(c.device) })),
    sources: sources.map((s) => ({ s: num(s.s), source: String(s.source_id) })),
  };
  const keyed = new UserKeyed(engine, cubeFacts);
  const visitKeys = `${t.users}_visits`;
  await buildVisitKeys(keyed, t, visitKeys);
  try {
    await buildUsers(keyed, t, visitKeys);
    await buildActiveDays(keyed, t, visitKeys);
    await buildBuyers(keyed, t);
    await buildAttribution(keyed, t, visitKeys);
  } finally {
    await engine.dropTemp(visitKeys);
  }
  await q.createTemp(
    t.costsDay,
    `SELECT s.s AS s, k."date" AS day_date, sum(k.costs) AS costs, CAST(count(*) AS INTEGER) AS cost_rows
    FROM costs k JOIN ${t.sources} s ON s.source_id = k.source_id GROUP BY s.s, k."date"`,
  );
  return cubeFacts;
}

/**
 * SQL with the data's facts bound: `$base` (the first visit start, origin of the sort keys) and
 * `$combos`, and the user key: exact u64 when every id allows it (much faster joins), else the text.
 */
class UserKeyed extends BoundSql {
  readonly sortKeyType: "BIGINT" | "HUGEINT";

  constructor(
    engine: Engine,
    readonly facts: DataCubeFacts,
  ) {
    const base = facts.firstVisitStart ?? "2000-01-01 00:00:00";
    super(engine, { base, combos: Math.max(facts.combos.length, 1) });
    // sort key = microseconds since the first visit * combos + combo code; BIGINT holds it below 2^62.
    const spanUs = facts.lastVisitStart
      ? (Date.parse(`${facts.lastVisitStart.replace(" ", "T")}Z`) -
          Date.parse(`${base.replace(" ", "T")}Z`)) *
        1000
      : 0;
    this.sortKeyType =
      (spanUs + 86_400_000_000) * Math.max(facts.combos.length, 1) < 2 ** 62 ? "BIGINT" : "HUGEINT";
  }

  key(column: string): string {
    return this.facts.numericUserKeys ? this.d.toU64(column) : column;
  }

  /** A (timestamp, combo) pair as one integer that sorts like the pair: first/last in tie order. */
  sortKey(ts: string, r: string): string {
    const kt = this.sortKeyType;
    return `(CAST(${this.d.microsBetween(BASE_TS, ts)} AS ${kt}) * CAST($combos AS ${kt}) + ${r})`;
  }

  /** The combo code and the timestamp back from a sort key. */
  comboOf(key: string): string {
    return `CAST(${key} % CAST($combos AS ${this.sortKeyType}) AS INTEGER)`;
  }

  tsOf(key: string): string {
    return this.d.addMicros(
      BASE_TS,
      `CAST(${this.d.intDivide(key, `CAST($combos AS ${this.sortKeyType})`)} AS BIGINT)`,
    );
  }
}

const BASE_TS = "CAST($base AS TIMESTAMP)";

/** Orders above this quantile of order value are capped to it in the robust (capped) revenue. */
export const ORDER_CAP_QUANTILE = 0.999;

/**
 * Pass 2, the last read of raw visits: each visit as its user key, combo code, start and length in
 * seconds. Parsing the text ids and joining the (source, device) text to its combo code is the costly
 * part of a pass over visits; the three passes below read these integers instead.
 */
async function buildVisitKeys(q: UserKeyed, t: DataTables, visitKeys: string): Promise<void> {
  await q.createTemp(
    visitKeys,
    `SELECT ${q.key("v.user_id")} AS uk, c.r AS r, v.start_ts AS start_ts,
      ${q.d.secondsBetween("v.start_ts", "v.end_ts")} AS len_s
    FROM visits v JOIN ${t.combos} c ON c.source_id = v.source_id AND c.device = v.device`,
  );
}

/** One row per user with the first session by the tie-break order of docs/decisions.md. */
async function buildUsers(q: UserKeyed, t: DataTables, visitKeys: string): Promise<void> {
  const { d } = q;
  await q.createTemp(
    t.users,
    `SELECT f.uk AS uk, f.sessions AS sessions, ${q.comboOf("f.first_key")} AS r, ${q.tsOf("f.first_key")} AS first_ts,
      ${d.truncDay(q.tsOf("f.first_key"))} AS acq_day, ${d.truncMonth(q.tsOf("f.first_key"))} AS acq_month,
      ${d.truncWeek(q.tsOf("f.first_key"))} AS acq_week
    FROM (
      SELECT k.uk AS uk, min(${q.sortKey("k.start_ts", "k.r")}) AS first_key, CAST(count(*) AS INTEGER) AS sessions
      FROM ${visitKeys} k GROUP BY k.uk) f`,
  );
}

/**
 * Sessions per (user, day) with the user's acquisition facts; then, from the visits joined to their
 * users, sessions per (acquisition combo, day, length) and the session combos each acquisition combo
 * was seen through per day, in one GROUPING SETS scan. The large (user, day) grouping needs no user
 * facts, so it groups the narrow visit keys alone and joins the users to its fewer rows afterwards
 * (cheaper than carrying the facts through the grouping: 4.3 CPU-s instead of 5.0 at 4M sessions).
 * `only_day` marks the day of a user whose sessions all fall on it (every session of the user): such
 * a user is active in that day's week and month only, so a window counts those rows instead of
 * counting distinct users among them (cube-window.ts, buildActivity).
 */
async function buildActiveDays(q: UserKeyed, t: DataTables, visitKeys: string): Promise<void> {
  const { d } = q;
  await q.createTemp(
    t.userDays,
    `SELECT g.uk AS uk, u.r AS r, u.acq_day AS acq_day, u.acq_month AS acq_month, u.acq_week AS acq_week,
      g.day_date AS day_date, g.sessions AS sessions,
      CASE WHEN g.sessions = u.sessions THEN 1 ELSE 0 END AS only_day
    FROM (
      SELECT x.uk AS uk, x.day_date AS day_date, CAST(count(*) AS INTEGER) AS sessions
      FROM (SELECT k.uk AS uk, ${d.truncDay("k.start_ts")} AS day_date FROM ${visitKeys} k) x
      GROUP BY x.uk, x.day_date) g
    JOIN ${t.users} u ON u.uk = g.uk`,
  );
  const both = `${t.userDays}_both`;
  await q.createTemp(
    both,
    `SELECT x.r AS r, x.day_date AS day_date, x.len_s AS len_s, x.sr AS sr, CAST(count(*) AS INTEGER) AS sessions,
      CAST(grouping(x.len_s) AS INTEGER) AS no_len
    FROM (
      SELECT u.r AS r, ${d.truncDay("k.start_ts")} AS day_date, k.len_s AS len_s, k.r AS sr
      FROM ${visitKeys} k JOIN ${t.users} u ON u.uk = k.uk) x
    GROUP BY GROUPING SETS ((x.r, x.day_date, x.len_s), (x.r, x.sr, x.day_date))`,
  );
  await q.createTemp(t.dayLengths, `SELECT r, day_date, len_s, sessions FROM ${both} WHERE no_len = 0`);
  await q.createTemp(t.sessionCombos, `SELECT r, sr, day_date FROM ${both} WHERE no_len = 1`);
  await q.engine.dropTemp(both);
}

/** Buyers over the whole history: first order, buyer cohort, acquisition, whether attributable. */
async function buildBuyers(q: UserKeyed, t: DataTables): Promise<void> {
  const { d } = q;
  await q.createTemp(
    t.buyerDays,
    // capped_revenue: every order capped at the 99.9th percentile of order value over the whole data
    // (one cap per dataset, so a filter never changes what counts as an outlier order); the robust
    // LTV / ROMI of metrics/concentration.ts read it.
    `SELECT ${q.key("o.user_id")} AS uk, ${d.truncDay("o.ts")} AS day_date, CAST(count(*) AS INTEGER) AS orders,
      sum(o.revenue) AS revenue, min(o.ts) AS first_ts,
      sum(CASE WHEN o.revenue > cap.v THEN cap.v ELSE o.revenue END) AS capped_revenue
    FROM orders o CROSS JOIN (SELECT CAST(${d.quantile("x.revenue", ORDER_CAP_QUANTILE)} AS DECIMAL(38, 6)) AS v
      FROM orders x) cap
    GROUP BY ${q.key("o.user_id")}, ${d.truncDay("o.ts")}`,
  );
  // attributable: a session starting at or before the first order; the first session is the earliest.
  await q.createTemp(
    t.buyers,
    `SELECT b.uk AS uk, b.first_order_ts AS first_order_ts, ${d.truncMonth("b.first_order_ts")} AS cohort,
      CASE WHEN u.uk IS NULL THEN 0 ELSE 1 END AS is_user, u.first_ts AS first_session_ts, u.r AS r,
      u.acq_day AS acq_day, u.acq_month AS acq_month, u.acq_week AS acq_week,
      CASE WHEN u.first_ts <= b.first_order_ts THEN 1 ELSE 0 END AS attributable
    FROM (SELECT uk, min(first_ts) AS first_order_ts FROM ${t.buyerDays} GROUP BY uk) b
    LEFT JOIN ${t.users} u ON u.uk = b.uk`,
  );
}

/**
 * Per-buyer weights n/d of every model, by source and by device (first- and last-touch 1/1; linear:
 * sessions of the key / qualifying sessions). A buyer without a qualifying session gets one row with
 * key NULL (`unattributed`), so each buyer's weights sum to 1 in both dimensions and every model.
 */
async function buildAttribution(q: UserKeyed, t: DataTables, visitKeys: string): Promise<void> {
  await q.createTemp(
    t.attrSessions,
    `SELECT b.uk AS uk, k.r AS r, CAST(count(*) AS INTEGER) AS n, max(${q.sortKey("k.start_ts", "k.r")}) AS last_key
    FROM ${visitKeys} k
    JOIN (SELECT uk, first_order_ts FROM ${t.buyers} WHERE attributable = 1) b ON b.uk = k.uk
    WHERE k.start_ts <= b.first_order_ts
    GROUP BY b.uk, k.r`,
  );
  const parts: Record<(typeof ATTRIBUTIONS)[number], string> = {
    "first-touch": `SELECT 'first-touch' AS model, b.uk AS uk, dims.dim AS dim,
        CASE WHEN b.attributable = 1 THEN ${KEY_OF_DIM} END AS key, 1 AS n, 1 AS d
      FROM ${t.buyers} b LEFT JOIN ${t.combos} c ON c.r = b.r CROSS JOIN ${DIMS} dims`,
    // Last in the tie-break order = greatest (start_ts, combo) sort key.
    "last-touch": `SELECT 'last-touch' AS model, b.uk AS uk, dims.dim AS dim, ${KEY_OF_DIM} AS key, 1 AS n, 1 AS d
      FROM ${t.buyers} b
      LEFT JOIN (SELECT uk, ${q.comboOf("max(last_key)")} AS r FROM ${t.attrSessions} GROUP BY uk) l ON l.uk = b.uk
      LEFT JOIN ${t.combos} c ON c.r = l.r CROSS JOIN ${DIMS} dims`,
    linear: `SELECT 'linear' AS model, b.uk AS uk, dims.dim AS dim, p.key AS key, coalesce(p.n, 1) AS n,
        coalesce(w.d, 1) AS d
      FROM ${t.buyers} b CROSS JOIN ${DIMS} dims
      LEFT JOIN (
        SELECT s.uk AS uk, dims.dim AS dim, ${KEY_OF_DIM} AS key, CAST(sum(s.n) AS INTEGER) AS n
        FROM ${t.attrSessions} s JOIN ${t.combos} c ON c.r = s.r CROSS JOIN ${DIMS} dims
        GROUP BY s.uk, dims.dim, ${KEY_OF_DIM}) p ON p.uk = b.uk AND p.dim = dims.dim
      LEFT JOIN (SELECT uk, CAST(sum(n) AS INTEGER) AS d FROM ${t.attrSessions} GROUP BY uk) w ON w.uk = b.uk`,
  };
  await q.createTemp(t.attr, ATTRIBUTIONS.map((m) => parts[m]).join("\nUNION ALL\n"));
  await q.engine.dropTemp(t.attrSessions);
}
