import { UNATTRIBUTED } from "./attribution.ts";
import { BOOTSTRAP_DEFAULTS, type BucketSeries, percentileInterval, safeRatio } from "./bootstrap.ts";
import { addExact } from "./exact-parts.ts";
import { sourceRowOrder } from "./id-order.ts";
import type { MetricRun } from "./query.ts";
import type { IntervalStats, SourceInterval } from "./result.ts";
import { SliceReplicates } from "./slice-replicates.ts";
import { type SliceSpend, spendUpTo } from "./slice-spend.ts";
import { BucketAccumulator, type BuyerGroup, type RevenueGroup, type TrustMemory } from "./trust-memory.ts";

/*
 * Bootstrap intervals (metrics/bootstrap.ts) on the by-source numbers, per cohort and overall, under
 * the run's attribution model and slice. Costs are fixed and buyers random: replicates resample the
 * slice's new buyers (their number held at the slice's own), so each source's share of them, their
 * revenue and every source's CAC and ROMI vary; spend does not. Percentile intervals at `level`.
 * Read from the window's per-bucket sums, held in memory (trust-memory.ts, loaded once per window from
 * cube-window.ts's buildBucketCells): a slice sums its combos' groups exactly in TypeScript and
 * computes the replicates there; its spend comes from the window's memory too (slice-spend.ts).
 */

/** Default coverage of the intervals (`--confidence`). */
export const DEFAULT_CONFIDENCE = 0.9;

const ALL = "all";

/**
 * `spend` (intervalSpend) is the same under every model: a caller slicing all three sums it once.
 * `byCohort` of the same slice under another model may be passed in too.
 */
export function intervalStats(
  run: MetricRun,
  memory: TrustMemory,
  level: number,
  costs: IntervalSpend,
  byCohort?: IntervalStats["byCohort"],
  /** Only each source's ROMI interval at H (TrustStats `extent: "verdicts"`). */
  verdictsOnly = false,
  /** The slice's replicates, shared by its models (slice-replicates.ts). */
  replicates: SliceReplicates = new SliceReplicates(),
): IntervalStats {
  const slice = sliceGroups(run, memory);
  const sources = sourceIntervals(run, slice, level, costs, replicates, verdictsOnly);
  return {
    level,
    replicates: sources.replicates,
    bySource: sources.rows,
    byCohort: byCohort ?? cohortIntervals(run, slice, level, replicates),
    romiBySourceLifetime: verdictsOnly ? [] : romiLifetimeIntervals(run, slice, level, costs, replicates),
  };
}

/**
 * The slice's spend as the intervals fix it: per source and `all`, of the mature months and of the
 * window; per source and lifetime k < H, of the months with lifetime k observed (none with a device
 * filter: no ROMI then). Sources (and `all`) with spend rows only, as GROUP BY gave them.
 */
export interface IntervalSpend {
  bySource: Map<string, { mature: number; costs: number }>;
  /** Keyed `${source}\u0000${k}`. */
  byLifetime: Map<string, { k: string; lifetime: number; costs: number }>;
}

/**
 * From the slice's spend summed in memory (slice-spend.ts: exact running sums per source and month),
 * so every figure equals the CAST(sum(costs) AS DOUBLE) the SQL read. `months` are the window's
 * months in order: mature months are the first P − H + 1, lifetime k is observed in the first P − k.
 */
export function intervalSpend(run: MetricRun, spend: SliceSpend, months: readonly string[]): IntervalSpend {
  const H = run.options.horizon;
  const last = months.length - 1;
  const bySource: IntervalSpend["bySource"] = new Map();
  for (const [source, byMonth] of spend.bySource)
    bySource.set(source, {
      mature: spendUpTo(byMonth, months, last - (H - 1)) ?? 0,
      costs: spend.sourceTotals.get(source) ?? 0,
    });
  if (spend.total !== null)
    bySource.set(ALL, { mature: spendUpTo(spend.byMonth, months, last - (H - 1)) ?? 0, costs: spend.total });
  const byLifetime: IntervalSpend["byLifetime"] = new Map();
  if (run.scope.withheld) return { bySource, byLifetime };
  for (const [k, byMonth] of spend.bySource)
    for (let lifetime = 0; lifetime < Math.min(H, months.length); lifetime++) {
      const costs = spendUpTo(byMonth, months, last - lifetime);
      if (costs !== null) byLifetime.set(`${k}\u0000${lifetime}`, { k, lifetime, costs });
    }
  return { bySource, byLifetime };
}

/**
 * The window's bucket groups (trust-memory.ts) the slice keeps: the run's model and combos, in the
 * window memory's order. A group's cohort is mature when lifetime H−1 is observed (`age` ≥ H − 1;
 * `age`: months from the cohort to the window's last month, its last observed lifetime).
 */
interface SliceGroups {
  revenue: readonly RevenueGroup[];
  buyers: readonly BuyerGroup[];
  /** The smallest `age` of a mature cohort: H − 1. */
  matureAge: number;
  /** Lifetimes 0..P−1 of the window (P = its months). */
  lifetimes: number;
}

/** A window's groups split by model once (a slice keeps one model's: a third of them). */
const groupsByModel = new WeakMap<
  TrustMemory,
  Map<string, { revenue: RevenueGroup[]; buyers: BuyerGroup[] }>
>();

function modelGroups(memory: TrustMemory, model: string) {
  let byModel = groupsByModel.get(memory);
  if (!byModel) {
    const split = new Map<string, { revenue: RevenueGroup[]; buyers: BuyerGroup[] }>();
    const of = (m: string) => {
      let e = split.get(m);
      if (!e) {
        e = { revenue: [], buyers: [] };
        split.set(m, e);
      }
      return e;
    };
    for (const g of memory.revenue) of(g.model).revenue.push(g);
    for (const g of memory.buyers) of(g.model).buyers.push(g);
    groupsByModel.set(memory, split);
    byModel = split;
  }
  return byModel.get(model) ?? { revenue: [], buyers: [] };
}

function sliceGroups(run: MetricRun, memory: TrustMemory): SliceGroups {
  const all = modelGroups(memory, run.options.attribution);
  const base = { matureAge: run.options.horizon - 1, lifetimes: memory.months.length };
  if (run.scope.combos === null) return { ...base, ...all };
  const combos = new Set(run.scope.combos);
  return {
    ...base,
    revenue: all.revenue.filter((g) => combos.has(g.r)),
    buyers: all.buyers.filter((g) => combos.has(g.r)),
  };
}

/** Accumulators per key, made on first use, in the order of first use. */
class Groups<K> {
  readonly map = new Map<string, { key: K; acc: Record<string, BucketAccumulator> }>();
  constructor(private readonly columns: readonly string[]) {}
  at(id: string, key: K): Record<string, BucketAccumulator> {
    let g = this.map.get(id);
    if (!g) {
      g = { key, acc: Object.fromEntries(this.columns.map((c) => [c, new BucketAccumulator()])) };
      this.map.set(id, g);
    }
    return g.acc;
  }
}

/** An accumulator as bootstrap.ts's BucketSeries (resampled: its group had rows in the buckets). */
function seriesOf(acc: BucketAccumulator, resampled: boolean): BucketSeries {
  return { values: acc.values(), resampled, total: acc.total() };
}

/**
 * LTV at H, ROMI at H and CAC per source and for `all`, from per-(key, bucket) sums: the mature
 * revenue, mature buyers and window buyers; replicates here (bootstrap.ts). The `all` row's weighted
 * buyers give each replicate's rescaling (bootstrap.ts, `units`): the slice's buyers stay N, so ROMI
 * and CAC vary with each source's share and revenue, not with the slice's size.
 */
function sourceIntervals(
  run: MetricRun,
  slice: SliceGroups,
  level: number,
  costs: IntervalSpend,
  replicates: SliceReplicates,
  /** ROMI at H only (LTV and CAC bounds null): what a verdict reads. */
  romiOnly = false,
) {
  const H = run.options.horizon;
  const columns = ["rev", "mb", "wb"] as const;
  const groups = new Groups<string>(columns);
  const { matureAge } = slice;
  // Each group into its source's sums; `all` is their sum, one dense addition per source (exact sums:
  // the same as adding every group to `all` too, at half the additions).
  for (const g of slice.revenue) {
    if (g.age < matureAge || g.lifetime >= H) continue;
    groups.at(g.key, g.key).rev!.add(g.sums);
  }
  for (const g of slice.buyers) {
    const acc = groups.at(g.key, g.key);
    acc.wb!.add(g.sums);
    if (g.age >= matureAge) acc.mb!.add(g.sums);
  }
  if (groups.map.size === 0) return { rows: [] as SourceInterval[], replicates: 0 };
  const perSource = [...groups.map.values()];
  const all = { key: ALL, acc: groups.at(ALL, ALL) };
  for (const { acc } of perSource) for (const c of columns) addAccumulator(all.acc[c]!, acc[c]!);
  const spend = costs.bySource;
  // Every series this needs, summed in one batch first (the `all` row's buyers twice: once here).
  const rows = [...groups.map.values()].map(({ key, acc }) => ({
    key,
    rev: acc.rev!.values(),
    mb: romiOnly ? null : acc.mb!.values(),
    wb: romiOnly ? null : acc.wb!.values(),
  }));
  const allMb = all.acc.mb!.values();
  const allWb = romiOnly ? null : all.acc.wb!.values();
  replicates.prepare(
    [allMb, allWb, ...rows.flatMap((row) => [row.rev, row.mb, row.wb])].filter((x) => x !== null),
  );
  // Per replicate: the slice's mature and window buyers over their weighted counts.
  const sm = replicates.unitScales(allMb, all.acc.mb!.total());
  // CAC's rescaling: not needed for ROMI alone.
  const sw = allWb === null ? null : replicates.unitScales(allWb, all.acc.wb!.total());
  const margin = run.options.margin;
  const withheld = run.scope.withheld !== null;
  let defined = 0;
  const out: SourceInterval[] = [];
  // One set of per-replicate ratios for every row: percentileInterval copies out what it keeps.
  const B = sm.length;
  const romi = new Float64Array(B);
  const ltv = romiOnly ? romi : new Float64Array(B);
  const cac = romiOnly ? romi : new Float64Array(B);
  for (const row of rows) {
    const { key } = row;
    // Read only (the slice's pristine replicates, slice-replicates.ts).
    const rev = replicates.view(row.rev);
    const sp = spend.get(key) ?? { mature: Number.NaN, costs: Number.NaN };
    for (let r = 0; r < rev.length; r++) romi[r] = margin * safeRatio(rev[r]! * sm[r]!, sp.mature);
    const romiH = percentileInterval(romi, level);
    // Without spend ROMI and CAC are not numbers (null, "no_spend"): no interval either.
    const romiBounds = withheld ? NONE : { low: romiH.low, high: romiH.high };
    if (sw === null || row.mb === null || row.wb === null) {
      defined = Math.max(defined, romiH.replicates);
      out.push({ source: sourceName(key), ltvH: NONE, romiH: romiBounds, cac: NONE });
      continue;
    }
    const mb = replicates.view(row.mb);
    const wb = replicates.view(row.wb);
    for (let r = 0; r < rev.length; r++) {
      ltv[r] = margin * safeRatio(rev[r]!, mb[r]!);
      cac[r] = safeRatio(sp.costs, wb[r]! * sw[r]!);
    }
    const ltvH = percentileInterval(ltv, level);
    const cacI = percentileInterval(cac, level);
    defined = Math.max(defined, ltvH.replicates);
    out.push({
      source: sourceName(key),
      ltvH: { low: ltvH.low, high: ltvH.high },
      romiH: romiBounds,
      cac: withheld || cacI.high === 0 ? NONE : { low: cacI.low, high: cacI.high },
    });
  }
  out.sort((a, b) => sourceRowOrder(a.source, b.source));
  return { rows: out, replicates: defined };
}

const NONE = { low: null, high: null };

/** Bounds of a revenue ratio times the margin (sums stay exact decimals; the margin scales the ratio). */
function withMargin(run: MetricRun, r: { low: number | null; high: number | null }) {
  const m = run.options.margin;
  return { low: r.low === null ? null : m * r.low, high: r.high === null ? null : m * r.high };
}

/**
 * Percentile interval of Σ num / Σ den over the replicates (bootstrap.ts, ratioIntervals): `fixed`
 * the side that is not resampled (its exact total in every replicate), `scale` the per-replicate
 * rescaling of the resampled sides (`units`; NaN where undefined).
 */
function ratioInterval(
  num: BucketSeries,
  den: BucketSeries,
  level: number,
  replicates: SliceReplicates,
  { fixed, scale }: { fixed?: "den"; scale?: Float64Array | null } = {},
): { estimate: number | null; low: number | null; high: number | null } {
  const estimate = safeRatio(num.total, den.total);
  const result = { estimate: Number.isNaN(estimate) ? null : estimate };
  if (!num.resampled) return { ...result, low: null, high: null };
  const side = (s: BucketSeries, name: "num" | "den"): Float64Array => {
    if (fixed === name) return new Float64Array(BOOTSTRAP_DEFAULTS.replicates).fill(s.total);
    const reps = replicates.sums(s.values);
    if (scale === undefined) return reps;
    for (let r = 0; r < reps.length; r++) reps[r] = scale ? reps[r]! * scale[r]! : Number.NaN;
    return reps;
  };
  const n = side(num, "num");
  const d = side(den, "den");
  for (let r = 0; r < n.length; r++) n[r] = safeRatio(n[r]!, d[r]!);
  const { low, high } = percentileInterval(n, level);
  return { ...result, low, high };
}

/** LTV(c, H−1) of every mature cohort of the slice (all sources); young cohorts get forecast intervals. */
function cohortIntervals(
  run: MetricRun,
  slice: SliceGroups,
  level: number,
  replicates: SliceReplicates,
): IntervalStats["byCohort"] {
  const H = run.options.horizon;
  const groups = new Groups<string>(["num", "den"]);
  const { matureAge } = slice;
  for (const g of slice.revenue)
    if (g.age >= matureAge && g.lifetime < H) groups.at(g.cohort, g.cohort).num!.add(g.sums);
  for (const g of slice.buyers) if (g.age >= matureAge) groups.at(g.cohort, g.cohort).den!.add(g.sums);
  const lifetime = H - 1;
  const cohorts = [...groups.map.values()].map(({ key, acc }) => ({
    key,
    num: seriesOf(acc.num!, true),
    den: seriesOf(acc.den!, true),
  }));
  replicates.prepare(cohorts.flatMap((c) => [c.num.values, c.den.values]));
  return cohorts
    .map(({ key, num, den }) => {
      const r = ratioInterval(num, den, level, replicates);
      return { cohort: key, lifetime, ltv: withMargin(run, r) };
    })
    .sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0));
}

/**
 * ROMI_s(k) per source over the cohorts with lifetime k observed (spend of their months fixed), which
 * bounds the payback lifetime: it is reached at the first k whose upper bound reaches 1 at best, and
 * at the first whose lower bound does at worst.
 */
function romiLifetimeIntervals(
  run: MetricRun,
  slice: SliceGroups,
  level: number,
  costs: IntervalSpend,
  replicates: SliceReplicates,
): IntervalStats["romiBySourceLifetime"] {
  if (run.scope.withheld) return [];
  // Lifetimes 0..H−1 only: payback within the horizon is what a verdict can rest on.
  const top = Math.min(run.options.horizon, slice.lifetimes);
  const P = slice.lifetimes;
  // ROMI_s(k) sums the groups of cohorts with lifetime k observed (age ≥ k) through lifetime k
  // (lifetime ≤ k). Each group is added once, into its (source, lifetime, age) cell, and each (s, k)
  // then adds the cells it covers: a few hundred dense additions per source instead of every group
  // once per k. Exact sums, so the order of the additions changes nothing.
  const cells = new Map<string, (BucketAccumulator | undefined)[]>();
  for (const g of slice.revenue) {
    if (g.lifetime >= top) continue;
    let byCell = cells.get(g.key);
    if (!byCell) {
      byCell = new Array<BucketAccumulator | undefined>(top * P);
      cells.set(g.key, byCell);
    }
    accumulatorAt(byCell, g.lifetime * P + g.age).add(g.sums);
  }
  const buyersByAge: (BucketAccumulator | undefined)[] = new Array(P);
  for (const g of slice.buyers) accumulatorAt(buyersByAge, g.age).add(g.sums);
  const revenue = new Groups<{ k: string; lifetime: number }>(["num"]);
  const units = new Map<number, BucketAccumulator>();
  for (let k = 0; k < top; k++) {
    for (const [key, byCell] of cells)
      for (let lifetime = 0; lifetime <= k; lifetime++)
        for (let age = k; age < P; age++) {
          const cell = byCell[lifetime * P + age];
          if (cell) addAccumulator(revenue.at(`${key}\u0000${k}`, { k: key, lifetime: k }).num!, cell);
        }
    const n = new BucketAccumulator();
    for (let age = k; age < P; age++) {
      const cell = buyersByAge[age];
      if (cell) addAccumulator(n, cell);
    }
    if (n.rows) units.set(k, n);
  }
  // Every (source, lifetime) with revenue or spend is a row (spend alone: an estimate of 0, no bounds).
  for (const [id, { k, lifetime }] of costs.byLifetime) revenue.at(id, { k, lifetime });
  const unitSeries = [...units].map(([k, n]) => ({ k, n: seriesOf(n, true) }));
  const rows = [...revenue.map].map(([id, { key, acc }]) => ({
    id,
    key,
    num: seriesOf(acc.num!, acc.num!.rows),
  }));
  // Only resampled revenue has replicates (ratioInterval: spend alone has no bounds).
  replicates.prepare([
    ...unitSeries.map((u) => u.n.values),
    ...rows.filter((row) => row.num.resampled).map((row) => row.num.values),
  ]);
  const scales = new Map(unitSeries.map(({ k, n }) => [k, replicates.unitScales(n.values, n.total)]));
  const out: IntervalStats["romiBySourceLifetime"] = [];
  for (const { id, key, num } of rows) {
    const spent = costs.byLifetime.get(id)?.costs ?? 0;
    const den: BucketSeries = {
      values: new Float64Array(BOOTSTRAP_DEFAULTS.buckets),
      resampled: false,
      total: spent,
    };
    const r = ratioInterval(num, den, level, replicates, {
      fixed: "den",
      scale: scales.get(key.lifetime) ?? null,
    });
    if (r.estimate === null) continue;
    out.push({ source: sourceName(key.k), lifetime: key.lifetime, romi: withMargin(run, r) });
  }
  return out.sort((a, b) => sourceRowOrder(a.source, b.source) || a.lifetime - b.lifetime);
}

/** The accumulator at `i`, made on first use. */
function accumulatorAt(cells: (BucketAccumulator | undefined)[], i: number): BucketAccumulator {
  let cell = cells[i];
  if (!cell) {
    cell = new BucketAccumulator();
    cells[i] = cell;
  }
  return cell;
}

/** Adds `from`'s exact per-bucket sums into `into` (its `rows` too). */
function addAccumulator(into: BucketAccumulator, from: BucketAccumulator): void {
  for (let b = 0; b < into.buckets; b++) addExact(into.hi, into.lo, b, from.hi[b]!, from.lo[b]!);
  if (from.rows) into.rows = true;
}

/** Key '' stands for NULL (buyers without a qualifying session). */
function sourceName(key: unknown): string {
  return key === "" || key === null || key === undefined ? UNATTRIBUTED : String(key);
}
