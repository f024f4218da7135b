/**
 * Names of a cube's tables. Every cube (one per dataset) and every window built on it gets its own
 * prefix, so concurrent runs on one engine never share or wait for each other's tables, and the names
 * come only from these lists (never from user input).
 */

let cubes = 0;

/** Whole-history tables: built once per dataset, read by every window. */
export function dataTableNames(prefix: string) {
  return {
    /** Source dictionary over visits and costs: `s` (integer code), `source_id`. */
    sources: `${prefix}_sources`,
    /** (source, device) dictionary ranked in id byte order: `r` encodes the first-session tie-break. */
    combos: `${prefix}_combos`,
    /** One row per user: acquisition combo `r`, first session, acquisition day / month / week. */
    users: `${prefix}_users`,
    /**
     * One row per (user, active day): sessions, with the user's acquisition facts beside them, and
     * `only_day` 1 when every session of the user is on that day.
     */
    userDays: `${prefix}_user_days`,
    /** Sessions per (acquisition combo, day, length in seconds); negative lengths are invalid ones. */
    dayLengths: `${prefix}_day_lengths`,
    /** Days on which users of acquisition combo `r` had a session through combo `sr`. */
    sessionCombos: `${prefix}_session_combos`,
    /** Orders and revenue per (buyer, day). */
    buyerDays: `${prefix}_buyer_days`,
    /** One row per buyer: first order, buyer cohort, acquisition facts, attributable flag. */
    buyers: `${prefix}_buyers`,
    /** Sessions per (attributable buyer, session combo) starting at or before the first order. */
    attrSessions: `${prefix}_attr_sessions`,
    /** Attribution weights n/d per (model, buyer, dim, key); key NULL = unattributed. */
    attr: `${prefix}_attr`,
    /** Spend and cost rows per (source code, day). */
    costsDay: `${prefix}_costs_day`,
  } as const;
}

/** Tables of one analysis window over a data cube. */
export function windowTableNames(prefix: string) {
  return {
    /** One row per day of the window: offset `d`, `day_date`, `week_start`, `month_start`. */
    calendar: `${prefix}_calendar`,
    /** Distinct users and sessions per (acquisition combo, day). */
    actDay: `${prefix}_act_day`,
    /**
     * Distinct users per (combo, acquisition cohort, period), weeks and months: the cohort is NULL for
     * users acquired before the window, so WAU/MAU sum every row and retention the non-NULL ones.
     */
    activeWeek: `${prefix}_active_week`,
    activeMonth: `${prefix}_active_month`,
    /** Users acquired in the window per (combo, acquisition month, acquisition week), and how many converted. */
    newUsers: `${prefix}_new_users`,
    /** Session combos `sr` seen in the window per acquisition combo `r` (by_source lists every source seen). */
    seenCombos: `${prefix}_seen_combos`,
    /** Sessions per (combo, length) in the window. */
    lengths: `${prefix}_lengths`,
    /** One row per new buyer (first order in the window): cohort, acquisition, lag. */
    newBuyers: `${prefix}_new_buyers`,
    /** Measured conversion lags per (combo, acquisition month, acquisition week, lag bucket). */
    lagBuckets: `${prefix}_lag_buckets`,
    /** New buyers per (combo, buyer cohort): the cohorts' sizes without a scan of the buyers. */
    buyerCohorts: `${prefix}_buyer_cohorts`,
    /** Orders and revenue per (new buyer, lifetime month) inside the window. */
    lifetimes: `${prefix}_lifetimes`,
    /** Per (combo, buyer cohort, lifetime): orders, revenue and ordering buyers. */
    cells: `${prefix}_cells`,
    /** Every order in the window per (buyer's combo, calendar month); combo NULL for buyers without a session. */
    ordersMonth: `${prefix}_orders_month`,
    /** Attributed revenue per (model, dim, key, combo, cohort, lifetime) and buyers per (model, dim, key, combo, cohort). */
    attrRevenue: `${prefix}_attr_revenue`,
    attrBuyers: `${prefix}_attr_buyers`,
    /** Spend per (source code, month) in the window. */
    costs: `${prefix}_costs`,
    /**
     * The bootstrap's sums per user bucket: attributed revenue (raw and with orders capped) per
     * (model, source key, combo, cohort, lifetime, bucket), attributed buyers per (model, key, combo,
     * cohort, bucket). Read by metrics/intervals.ts.
     */
    bucketRevenue: `${prefix}_bucket_revenue`,
    bucketBuyers: `${prefix}_bucket_buyers`,
  } as const;
}

export type DataTables = ReturnType<typeof dataTableNames>;
export type WindowTables = ReturnType<typeof windowTableNames>;

/** A fresh prefix for a cube: unique within the process, and across processes sharing a database file. */
export function newCubePrefix(): string {
  cubes += 1;
  return `cs${process.pid}_${cubes}`;
}
