/**
 * The window filter and per-user indexes every naive module reads. Inputs are canonical rows (ingest
 * has already rejected invalid ones, e.g. sessions ending before they start); we only apply [from, to).
 */
import type { CostRecord, MetricOptions, OrderRecord, VisitRecord } from "../../src/metrics/tables.ts";
import {
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

export interface Session extends VisitRecord {
  startSec: number;
  endSec: number;
  day: string;
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
  firstOrder: Order;
  /** Buyer cohort: month of the first order in the window. */
  cohort: string;
  cohortIdx: number;
  /** The buyer's orders in the window, by time. */
  orders: Order[];
}

export interface Context {
  options: MetricOptions;
  sessions: Session[];
  orders: Order[];
  costs: Cost[];
  /** In-window sessions of each user, in the decisions.md tie order. */
  sessionsByUser: Map<string, Session[]>;
  /** Users = distinct users with a session in the window. */
  users: Set<string>;
  buyers: Map<string, Buyer>;
  /** Every calendar month touching the window, in order. */
  windowMonths: string[];
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

function inWindow(day: string, options: MetricOptions): boolean {
  return day >= options.from && day < options.to;
}

export function buildContext(input: NaiveInput, options: MetricOptions): Context {
  const sessions: Session[] = [];
  for (const v of input.visits) {
    const day = dayOf(v.start_ts);
    if (!inWindow(day, options)) continue;
    const startSec = tsSeconds(v.start_ts);
    const endSec = tsSeconds(v.end_ts);
    sessions.push({ ...v, startSec, endSec, day, durationS: endSec - startSec });
  }
  const orders: Order[] = [];
  for (const o of input.orders) {
    const day = dayOf(o.ts);
    if (!inWindow(day, options)) continue;
    const month = monthOf(day);
    orders.push({
      ...o,
      sec: tsSeconds(o.ts),
      day,
      month,
      monthIdx: monthIndex(month),
      micro: parseMoney(o.revenue),
    });
  }
  const costs: Cost[] = [];
  for (const c of input.costs) {
    const day = dayOf(c.date);
    if (!inWindow(day, options)) continue;
    costs.push({ ...c, day, month: monthOf(day), micro: parseMoney(c.costs) });
  }

  const sessionsByUser = new Map<string, Session[]>();
  for (const s of sessions) {
    const list = sessionsByUser.get(s.user_id) ?? [];
    list.push(s);
    sessionsByUser.set(s.user_id, list);
  }
  for (const list of sessionsByUser.values()) list.sort(compareSessions);

  const ordersByUser = new Map<string, Order[]>();
  for (const o of orders) {
    const list = ordersByUser.get(o.user_id) ?? [];
    list.push(o);
    ordersByUser.set(o.user_id, list);
  }
  const buyers = new Map<string, Buyer>();
  for (const [user_id, list] of ordersByUser) {
    list.sort((a, b) => a.sec - b.sec);
    const firstOrder = list[0]!;
    buyers.set(user_id, {
      user_id,
      firstOrder,
      cohort: firstOrder.month,
      cohortIdx: firstOrder.monthIdx,
      orders: list,
    });
  }

  return {
    options,
    sessions,
    orders,
    costs,
    sessionsByUser,
    users: new Set(sessionsByUser.keys()),
    buyers,
    windowMonths: windowPeriods(options.from, options.to, "month"),
    outOfWindow: {
      visits: input.visits.length - sessions.length,
      orders: input.orders.length - orders.length,
      costs: input.costs.length - costs.length,
    },
  };
}

/** The user's first session (tie order), or undefined for a buyer without sessions. */
export function firstSession(ctx: Context, user: string): Session | undefined {
  return ctx.sessionsByUser.get(user)?.[0];
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

/** Buyer cohorts (months with at least one buyer), in order, with their buyers. */
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
