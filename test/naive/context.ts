/**
 * The window, the filter and the per-user indexes every naive module reads (decisions.md, "Window and
 * filters"). The input is the WHOLE canonical data: acquisition (first session) and the buyer cohort
 * (first order) are facts of each user's whole history; the window only selects which cohorts and
 * which activity are counted, and the filter which users (by their acquisition cell) and which spend.
 * A session that ends before it starts is a visit like any other; only session length leaves it out.
 */
import type { CostRecord, MetricOptions, OrderRecord, VisitRecord } from "../../src/metrics/tables.ts";
import {
  addDays,
  addMonths,
  dayOf,
  type Grain,
  isObserved,
  monthIndex,
  monthOf,
  periodOf,
  tsSeconds,
  windowPeriods,
} from "./calendar.ts";
import { compareText, parseMoney } from "./numbers.ts";

export interface NaiveInput {
  visits: VisitRecord[];
  orders: OrderRecord[];
  costs: CostRecord[];
}

/** Source / device filter of the dashboard: keep users acquired through one of these; empty = all. */
export interface NaiveFilter {
  sources: readonly string[];
  devices: readonly string[];
}

export const NO_FILTER: NaiveFilter = { sources: [], devices: [] };

export interface Session extends VisitRecord {
  startSec: number;
  endSec: number;
  day: string;
  /** end - start; negative for a session that ends before it starts (invalid length). */
  durationS: number;
}

export interface Order extends OrderRecord {
  sec: number;
  day: string;
  month: string;
  /** monthIndex(month), precomputed. */
  monthIdx: number;
  micro: bigint;
}

export interface Cost extends CostRecord {
  day: string;
  month: string;
  micro: bigint;
}

export interface Buyer {
  user_id: string;
  /** The first order of the whole history; for a new buyer it is in the window. */
  firstOrder: Order;
  /** Buyer cohort: month of the first order. */
  cohort: string;
  cohortIdx: number;
  /** The buyer's orders in the window, by time (all at or after the first order). */
  orders: Order[];
}

/** The window actually used: the requested one clamped to the visits' days. */
export interface EffectiveWindow {
  from: string;
  to: string;
  /** The request reached beyond the visits (the `window_beyond_data` warning). */
  clamped: boolean;
}

export interface Context {
  /** Options with `from` / `to` of the effective (clamped) window. */
  options: MetricOptions;
  window: EffectiveWindow;
  filter: NaiveFilter;
  /** Sessions of kept users starting in the window (activity). */
  sessions: Session[];
  /** Orders of kept users in the window (activity). */
  orders: Order[];
  /** Costs in the window of the chosen sources. */
  costs: Cost[];
  /** Every session (whole history) of each kept user, in the decisions.md tie order. */
  historyByUser: Map<string, Session[]>;
  /** New users: kept users whose first session (whole history) is in the window. */
  users: Set<string>;
  /** New buyers: kept users whose first order (whole history) is in the window. */
  buyers: Map<string, Buyer>;
  /** Every calendar month touching the window, in order. */
  windowMonths: string[];
  /** A device filter is on: spend cannot be split by device, so CAC / ROMI / payback are withheld. */
  spendWithheld: boolean;
  /** Rows of the whole input outside the effective window (whatever the filter). */
  outOfWindow: { visits: number; orders: number; costs: number };
}

/** decisions.md: start_ts, then source_id, then device, then end_ts. */
export function compareSessions(a: Session, b: Session): number {
  return (
    a.startSec - b.startSec ||
    compareText(a.source_id, b.source_id) ||
    compareText(a.device, b.device) ||
    a.endSec - b.endSec
  );
}

/**
 * The requested window clamped to the visits: `from` no earlier than the first visit's day, `to` no
 * later than the day after the last. Without any visit there is nothing to clamp to and the window
 * is kept as given (orders-and-costs-only data, e.g. the real Afisha files).
 */
export function effectiveWindow(visits: readonly VisitRecord[], options: MetricOptions): EffectiveWindow {
  if (visits.length === 0) return { from: options.from, to: options.to, clamped: false };
  let first = dayOf(visits[0]!.start_ts);
  let last = first;
  for (const v of visits) {
    const day = dayOf(v.start_ts);
    if (day < first) first = day;
    if (day > last) last = day;
  }
  const end = addDays(last, 1);
  // Days compare as strings (YYYY-MM-DD), so no Math.max / Math.min here.
  let { from, to } = options;
  if (from < first) from = first;
  if (to > end) to = end;
  return { from, to, clamped: from !== options.from || to !== options.to };
}

function toSession(v: VisitRecord): Session {
  const startSec = tsSeconds(v.start_ts);
  const endSec = tsSeconds(v.end_ts);
  return { ...v, startSec, endSec, day: dayOf(v.start_ts), durationS: endSec - startSec };
}

function toOrder(o: OrderRecord): Order {
  const day = dayOf(o.ts);
  const month = monthOf(day);
  return {
    ...o,
    sec: tsSeconds(o.ts),
    day,
    month,
    monthIdx: monthIndex(month),
    micro: parseMoney(o.revenue),
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k) ?? [];
    list.push(row);
    out.set(k, list);
  }
  return out;
}

/** Does the filter keep a user, judged by the first session of the whole history? */
function keeps(filter: NaiveFilter, first: Session | undefined): boolean {
  if (filter.sources.length === 0 && filter.devices.length === 0) return true;
  // Buyers without any session have no acquisition cell: only the unfiltered view has them.
  if (first === undefined) return false;
  if (filter.sources.length > 0 && !filter.sources.includes(first.source_id)) return false;
  if (filter.devices.length > 0 && !filter.devices.includes(first.device)) return false;
  return true;
}

export function buildContext(
  input: NaiveInput,
  requested: MetricOptions,
  filter: NaiveFilter = NO_FILTER,
): Context {
  const window = effectiveWindow(input.visits, requested);
  const options: MetricOptions = { ...requested, from: window.from, to: window.to };
  const inWindow = (day: string) => day >= options.from && day < options.to;

  const allSessions = input.visits.map(toSession);
  const history = groupBy(allSessions, (s) => s.user_id);
  for (const list of history.values()) list.sort(compareSessions);
  const allOrders = input.orders.map(toOrder);
  const ordersOf = groupBy(allOrders, (o) => o.user_id);
  for (const list of ordersOf.values()) list.sort((a, b) => a.sec - b.sec);

  const kept = new Set<string>();
  for (const user of new Set([...history.keys(), ...ordersOf.keys()])) {
    if (keeps(filter, history.get(user)?.[0])) kept.add(user);
  }

  const historyByUser = new Map<string, Session[]>();
  const users = new Set<string>();
  for (const [user, list] of history) {
    if (!kept.has(user)) continue;
    historyByUser.set(user, list);
    if (inWindow(list[0]!.day)) users.add(user);
  }
  const buyers = new Map<string, Buyer>();
  for (const [user_id, list] of ordersOf) {
    const firstOrder = list[0]!;
    if (!kept.has(user_id) || !inWindow(firstOrder.day)) continue;
    buyers.set(user_id, {
      user_id,
      firstOrder,
      cohort: firstOrder.month,
      cohortIdx: firstOrder.monthIdx,
      orders: list.filter((o) => inWindow(o.day)),
    });
  }

  const chosenSource = (source: string) => filter.sources.length === 0 || filter.sources.includes(source);
  const costs: Cost[] = [];
  let costsOut = 0;
  for (const c of input.costs) {
    const day = dayOf(c.date);
    if (!inWindow(day)) {
      costsOut++;
      continue;
    }
    if (chosenSource(c.source_id)) {
      costs.push({ ...c, day, month: monthOf(day), micro: parseMoney(c.costs) });
    }
  }
  const windowSessions = allSessions.filter((s) => inWindow(s.day));
  const windowOrders = allOrders.filter((o) => inWindow(o.day));

  return {
    options,
    window,
    filter,
    sessions: windowSessions.filter((s) => kept.has(s.user_id)),
    orders: windowOrders.filter((o) => kept.has(o.user_id)),
    costs,
    historyByUser,
    users,
    buyers,
    windowMonths: windowPeriods(options.from, options.to, "month"),
    spendWithheld: filter.devices.length > 0,
    outOfWindow: {
      visits: input.visits.length - windowSessions.length,
      orders: input.orders.length - windowOrders.length,
      costs: costsOut,
    },
  };
}

/**
 * The window's sessions whose source and device a by_source / by_device row is listed for
 * (decisions.md "Shapes"): every session of the kept users without a filter; under a source or device
 * filter only those of a chosen source and a chosen device (a kept user's later visit through another
 * source or device lists no row for it).
 */
export function listedSessions(ctx: Context): Session[] {
  const { sources, devices } = ctx.filter;
  return ctx.sessions.filter(
    (s) =>
      (sources.length === 0 || sources.includes(s.source_id)) &&
      (devices.length === 0 || devices.includes(s.device)),
  );
}

/** The user's first session of the whole history (tie order), or undefined for a buyer without sessions. */
export function firstSession(ctx: Context, user: string): Session | undefined {
  return ctx.historyByUser.get(user)?.[0];
}

/** Acquisition cohort of a user at the given grain (period of the first session). */
export function acquisitionCohort(ctx: Context, user: string, grain: Grain): string | undefined {
  const s = firstSession(ctx, user);
  return s === undefined ? undefined : periodOf(s.day, grain);
}

/** Whole calendar months from the buyer's cohort month to the order's month. */
export function orderLifetime(buyer: Buyer, order: Order): number {
  return order.monthIdx - buyer.cohortIdx;
}

/** Revenue (micro-units) of a buyer's orders in lifetimes 0..k. */
export function revenueThrough(buyer: Buyer, k: number): bigint {
  let total = 0n;
  for (const o of buyer.orders) if (orderLifetime(buyer, o) <= k) total += o.micro;
  return total;
}

/** Orders of a buyer in lifetimes 0..k. */
export function ordersThrough(buyer: Buyer, k: number): number {
  return buyer.orders.filter((o) => orderLifetime(buyer, o) <= k).length;
}

/** Is lifetime k of month cohort c observed (month c+k starts before `to`)? */
export function monthLifetimeObserved(ctx: Context, cohort: string, k: number): boolean {
  return isObserved(addMonths(cohort, k), "month", ctx.options.to);
}

/** Buyer cohorts (months with at least one new buyer), in order, with their buyers. */
export function buyerCohorts(ctx: Context): Map<string, Buyer[]> {
  const out = new Map<string, Buyer[]>();
  const sorted = [...ctx.buyers.values()].sort((a, b) => compareText(a.cohort, b.cohort));
  for (const b of sorted) {
    const list = out.get(b.cohort) ?? [];
    list.push(b);
    out.set(b.cohort, list);
  }
  return out;
}

/** Mature for horizon H: lifetime H-1 observed. */
export function isMature(ctx: Context, month: string): boolean {
  return monthLifetimeObserved(ctx, month, ctx.options.horizon - 1);
}
