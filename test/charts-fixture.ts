/**
 * `Tables` for the chart tests, made up with the shape of the Afisha analysis: a year of activity,
 * twelve monthly cohorts with unobserved corners, sources 1–10 without 8 (6 and 7 free, as in the
 * real costs), an `unattributed` row, and two devices. Numbers are deterministic (seeded).
 */

import { LAG_BUCKETS, type Tables } from "../src/metrics/tables.ts";
import { mulberry32 as prng } from "./helpers/prng.ts";
import type { Extras } from "./presentation-fixture.ts";

const r2 = (x: number) => Math.round(x * 100) / 100;

export function addMonths(month: string, k: number): string {
  const [y = 0, m = 1] = month.split("-").map(Number);
  const i = y * 12 + (m - 1) + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}

function days(from: string, count: number): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

export const EMPTY_TABLES: Tables = {
  summary: [],
  activity_daily: [],
  activity_weekly: [],
  activity_monthly: [],
  retention: [],
  conversion_lag: [],
  orders_by_cohort: [],
  ltv: [],
  cac_by_cohort: [],
  romi_by_cohort: [],
  payback_by_cohort: [],
  by_source: [],
  by_device: [],
  costs_by_source_month: [],
};

export interface FixtureOptions {
  months?: number;
  sources?: string[];
  /** Sources with visits but no spend. */
  free?: string[];
  /** Sources with spend but no buyers (CAC `infinite`). */
  noBuyers?: string[];
  withCosts?: boolean;
  seed?: number;
}

/** A realistic `Tables`; the options shrink it to the edge cases the tests need. */
export function makeTables(o: FixtureOptions = {}): Tables {
  const months = o.months ?? 12;
  const sources = o.sources ?? ["1", "2", "3", "4", "5", "6", "7", "9", "10", "unattributed"];
  const free = new Set(o.free ?? ["6", "7", "unattributed"]);
  const noBuyers = new Set(o.noBuyers ?? []);
  const withCosts = o.withCosts ?? true;
  const rnd = prng(o.seed ?? 7);
  const first = "2017-06";
  const cohorts = Array.from({ length: months }, (_, i) => addMonths(first, i));
  const t: Tables = structuredClone(EMPTY_TABLES);

  const dayList = days("2017-06-01", Math.round(months * 30.42));
  t.activity_daily = dayList.map((d, i) => {
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    const season = 1 + 0.35 * Math.sin((i / dayList.length) * Math.PI);
    const users = Math.round((700 + 250 * rnd()) * season * (weekday === 0 || weekday === 6 ? 0.8 : 1));
    return { period: d, users, sessions: Math.round(users * 1.08), partial: false };
  });
  // The window starts on a Thursday: the first ISO week is partial, and so is the last one.
  const weeks = Math.floor(dayList.length / 7) + 1;
  t.activity_weekly = days("2017-05-29", weeks * 7)
    .filter((_, i) => i % 7 === 0)
    .map((d, i) => {
      const users = Math.round((4800 + 1500 * rnd()) * (i === 0 || i === weeks - 1 ? 0.6 : 1));
      return { period: d, users, sessions: users * 2, partial: i === 0 || i === weeks - 1 };
    });
  t.activity_monthly = cohorts.map((c, i) => {
    const users = Math.round(18000 + 9000 * Math.sin((i / months) * Math.PI) + 2000 * rnd());
    return { period: c, users, sessions: users * 3, partial: false };
  });

  const sizes = cohorts.map(() => Math.round(13000 + 15000 * rnd()));
  const buyers = cohorts.map(() => Math.round(2000 + 2500 * rnd()));
  const spend = cohorts.map(() => (withCosts ? r2(18000 + 20000 * rnd()) : 0));
  for (const [ci, c] of cohorts.entries()) {
    let cum = 0;
    let payback: number | null = null;
    for (let k = 0; k < months; k++) {
      const observed = ci + k < months;
      const ret = k === 0 ? 1 : 0.08 * Math.exp(-0.18 * (k - 1)) * (0.8 + 0.4 * rnd());
      t.retention.push({
        cohort: c,
        lifetime: k,
        cohort_size: sizes[ci]!,
        users: observed ? Math.round(sizes[ci]! * ret) : null,
        retention: observed ? ret : null,
      });
      if (!observed) {
        t.ltv.push({ cohort: c, lifetime: k, cohort_size: buyers[ci]!, revenue: null, ltv: null });
        t.romi_by_cohort.push({ cohort: c, lifetime: k, romi: null });
        continue;
      }
      const orders = Math.round(buyers[ci]! * (k === 0 ? 1.15 : 0.1 * Math.exp(-0.2 * k) * (0.5 + rnd())));
      const revenue = r2(orders * (4 + 2 * rnd()));
      cum += revenue;
      t.orders_by_cohort.push({
        cohort: c,
        lifetime: k,
        orders,
        revenue,
        buyers: Math.round(orders * 0.8),
        aov: orders ? revenue / orders : null,
      });
      const ltv = cum / buyers[ci]!;
      t.ltv.push({ cohort: c, lifetime: k, cohort_size: buyers[ci]!, revenue: r2(cum), ltv });
      const cac = withCosts ? spend[ci]! / buyers[ci]! : null;
      const romi = cac ? ltv / cac : null;
      t.romi_by_cohort.push({ cohort: c, lifetime: k, romi });
      if (payback === null && romi !== null && romi >= 1) payback = k;
    }
    t.payback_by_cohort.push({ cohort: c, payback_lifetime: payback });
    t.cac_by_cohort.push({
      cohort: c,
      costs: spend[ci]!,
      new_buyers: buyers[ci]!,
      cac: withCosts ? spend[ci]! / buyers[ci]! : "no_spend",
    });
  }

  for (const [si, s] of sources.entries()) {
    const users = Math.round((s === "unattributed" ? 0 : 5000 + 60000 * rnd()) / (si + 1));
    const b = noBuyers.has(s)
      ? 0
      : s === "unattributed"
        ? 40
        : Math.max(1, Math.round(users * (0.1 + 0.1 * rnd())));
    const paid = withCosts && !free.has(s);
    // CAC between 3 and 15 per buyer, so ROMI spans both sides of break-even (LTV is 4 to 10).
    const costs = paid ? r2(Math.max(b, 50) * (3 + 12 * rnd())) : 0;
    const ltv = b ? 4 + 6 * rnd() : null;
    const romi = paid && ltv !== null ? (ltv * b) / costs : null;
    t.by_source.push({
      source: s,
      users,
      buyers: b,
      conversion_rate: users ? b / users : null,
      costs,
      cac: !paid ? "no_spend" : b === 0 ? "infinite" : costs / b,
      ltv_h: ltv,
      romi_h: romi,
      payback_lifetime:
        romi !== null && romi >= 0.8 ? Math.min(months - 1, Math.floor(3 / romi + rnd() * 2)) : null,
    });
    if (paid) {
      for (const [ci, c] of cohorts.entries()) {
        t.costs_by_source_month.push({
          source: s,
          month: c,
          costs: r2((costs / months) * (0.7 + 0.6 * rnd()) + ci),
        });
      }
    }
    if (b > 0 && s !== "unattributed") {
      const w = LAG_BUCKETS.map(() => rnd());
      w[0] = w[0]! * 4;
      const sum = w.reduce((a, x) => a + x, 0);
      LAG_BUCKETS.forEach((bucket, i) => {
        t.conversion_lag.push({
          dimension: "source",
          key: s,
          bucket,
          buyers: Math.round((b * w[i]!) / sum),
          share: w[i]! / sum,
        });
      });
    }
  }
  const shares = [0.55, 0.12, 0.13, 0.1, 0.1];
  const total = buyers.reduce((a, x) => a + x, 0);
  LAG_BUCKETS.forEach((bucket, i) => {
    t.conversion_lag.push({
      dimension: "all",
      key: "all",
      bucket,
      buyers: Math.round(total * shares[i]!),
      share: shares[i]!,
    });
  });
  for (const device of ["desktop", "touch"]) {
    const users = Math.round(40000 + 120000 * rnd());
    const b = Math.round(users * 0.15);
    t.by_device.push({ device, users, buyers: b, conversion_rate: b / users, ltv_h: 5 + 4 * rnd() });
  }
  // Lag by acquisition cohort, from its own generator so the numbers above stay as they were.
  const lagRnd = prng((o.seed ?? 7) + 1000);
  for (const [ci, c] of cohorts.entries()) {
    // Later cohorts have had less time: fewer slow buyers, and fewer buyers overall.
    const w = LAG_BUCKETS.map(
      (_, i) => (i === 0 ? 5 : 1) * (0.5 + lagRnd()) * (i === 4 ? 1 - ci / months : 1),
    );
    const sum = w.reduce((a, x) => a + x, 0);
    const n = Math.round(buyers[ci]! * (1 - ci / (months + 2)));
    LAG_BUCKETS.forEach((bucket, i) => {
      t.conversion_lag.push({
        dimension: "cohort",
        key: c,
        bucket,
        buyers: Math.round((n * w[i]!) / sum),
        share: w[i]! / sum,
      });
    });
  }
  t.summary = [
    { metric: "users", value: sizes.reduce((a, x) => a + x, 0) },
    { metric: "buyers", value: total },
    { metric: "horizon_months", value: 6 },
  ];
  return t;
}

/**
 * The figure extras of a run (session-length histogram and statistics, AOV per month) for the window
 * of `makeTables({ months })`: lengths shaped like the Afisha sessions (most under a few minutes, a
 * long tail, a heavy open bin), minute-resolution statistics.
 */
export function makeExtras(o: { months?: number; seed?: number } = {}): Extras {
  const months = o.months ?? 12;
  const rnd = prng((o.seed ?? 7) + 2000);
  const scale = months * 30_000;
  const sessionHistogram = Array.from({ length: 61 }, (_, bin) => ({
    fromS: bin * 60,
    toS: bin < 60 ? (bin + 1) * 60 : null,
    sessions:
      bin === 60
        ? Math.round(scale * 0.023)
        : Math.round(scale * (bin === 0 ? 0.07 : 0.16 * Math.exp(-0.105 * (bin - 1))) * (0.95 + 0.1 * rnd())),
  }));
  const aovByMonth = Array.from({ length: months }, (_, i) => {
    const orders = Math.round(1800 + 4000 * rnd());
    const revenue = r2(orders * (4.6 + 0.7 * rnd()));
    return { month: addMonths("2017-06", i), orders, revenue, aov: revenue / orders };
  });
  return { sessionHistogram, sessionStats: { meanS: 643.6, medianS: 300, modeS: 60 }, aovByMonth };
}

/** Rows of the inline data of a spec and of its layers/panels, for checks on what is drawn. */
export function dataRows(spec: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const n = node as Record<string, unknown>;
      const values = (n.data as { values?: unknown[] } | undefined)?.values;
      if (Array.isArray(values)) out.push(...(values as Record<string, unknown>[]));
      for (const [k, v] of Object.entries(n)) if (k !== "data") walk(v);
    }
  };
  walk(spec);
  return out;
}
