/**
 * A `Presentation` around fixture `Tables`: the typed members of `MetricsResult` that the figures,
 * the report and the insights read are filled from the tables themselves (or from a summary, when
 * the fixture has one), so a test states its numbers once, in the tables.
 */
import type { Analysis } from "../src/analyze.ts";
import type { DataQualityReport } from "../src/ingest/quality.ts";
import type { Insights } from "../src/insights/types.ts";
import type { MetricsResult, SourceFlags } from "../src/metrics/result.ts";
import type { Attribution, Cac, Tables } from "../src/metrics/tables.ts";
import { type Presentation, presentationOf, type RunContext } from "../src/presentation.ts";

/** Numbers of `MetricsResult` that the tables do not hold (the chart fixture's `makeExtras`). */
export interface Extras {
  sessionHistogram?: MetricsResult["sessions"]["histogram"];
  sessionStats?: { meanS: number | null; medianS: number | null; modeS: number | null };
  aovByMonth?: MetricsResult["orders"]["aovByMonth"];
  sourceNumbers?: MetricsResult["sourceNumbers"];
}

/** The run settings a test varies; the rest are the defaults of the Afisha sample. */
export interface FixtureContext {
  lang: RunContext["lang"];
  currency?: string;
  horizon?: number;
  attribution?: Attribution;
  extras?: Extras | undefined;
  /** Mature buyers per source (the engine's flags); by default every buyer counts as mature. */
  matureBuyers?: Record<string, number>;
  /**
   * Trust numbers (issue 10) as the engine would give them: the mature cohorts from the LTV table
   * (lifetime H−1 observed), and per source a ROMI / LTV / CAC interval of ±`spread` around the
   * point (default 10 %) unless `romi` gives its bounds, plus the top buyer's share and ROMI without
   * him where `top` names them. Absent: no `trust`, as the API without `intervals=1`.
   */
  trust?: FixtureTrust;
}

export interface FixtureTrust {
  spread?: number;
  romi?: Record<string, [low: number, high: number]>;
  top?: Record<string, { share: number; without: number }>;
  /** Per cohort: the top buyer's share of its revenue at H. */
  cohortTop?: Record<string, number>;
  forecast?: NonNullable<MetricsResult["trust"]>["forecast"];
}

/** The trust block of a fixture (see `FixtureContext.trust`). */
function trustOf(
  tables: Tables,
  t: FixtureTrust,
  romiAll: number | null,
  ltvAll: number | null,
  cacAll: Cac,
) {
  const k = t.spread ?? 0.1;
  const around = (x: number | null) =>
    x === null ? { low: null, high: null } : { low: x * (1 - k), high: x * (1 + k) };
  const row = (source: string, romi: number | null, ltv: number | null, cac: Cac) => ({
    source,
    romiH: t.romi?.[source] ? { low: t.romi[source][0], high: t.romi[source][1] } : around(romi),
    ltvH: around(ltv),
    cac: around(typeof cac === "number" ? cac : null),
  });
  return {
    intervals: {
      level: 0.9,
      replicates: 1000,
      bySource: [
        ...tables.by_source.map((r) => row(r.source, r.romi_h, r.ltv_h, r.cac)),
        row("all", romiAll, ltvAll, cacAll),
      ],
      byCohort: [],
      romiBySourceLifetime: [],
    },
    concentration: {
      bySource: Object.entries(t.top ?? {}).map(([source, c]) => ({
        source,
        revenue: 0,
        topBuyerShare: c.share,
        topPercentShare: c.share,
        ltvHRobust: null,
        romiHRobust: null,
        romiHWithoutTopBuyer: c.without,
      })),
      byCohort: Object.entries(t.cohortTop ?? {}).map(([cohort, share]) => ({
        cohort,
        topBuyerShare: share,
      })),
    },
    forecast: t.forecast ?? { model: "power", ltv: [], romi: [], payback: [] },
  };
}

const TOO_FEW = 30;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);

function summaryNumber(tables: Tables, metric: string): number | null | undefined {
  const row = tables.summary.find((r) => r.metric === metric);
  if (!row) return undefined;
  return typeof row.value === "number" ? row.value : null;
}

/** A MetricsResult consistent with `tables` (and with its summary rows where it has them). */
export function metricsOf(tables: Tables, c: FixtureContext): MetricsResult {
  const horizon = c.horizon ?? 6;
  const attribution = c.attribution ?? "first-touch";
  const s = (metric: string, fallback: number | null) => {
    const v = summaryNumber(tables, metric);
    return v === undefined ? fallback : v;
  };
  const period = (rows: Tables["activity_daily"]) => {
    const complete = rows.filter((r) => !r.partial).map((r) => r.users);
    return {
      mean: mean(complete.length ? complete : rows.map((r) => r.users)),
      meanAllPeriods: mean(rows.map((r) => r.users)),
      periods: rows.length,
      completePeriods: complete.length,
      fromPartialPeriods: complete.length === 0,
    };
  };
  const dau = period(tables.activity_daily);
  const wau = period(tables.activity_weekly);
  const mau = period(tables.activity_monthly);
  const lifetimes = [...new Set(tables.retention.map((r) => r.lifetime))].sort((a, b) => a - b);
  const meanByLifetime = lifetimes.map((lifetime) => {
    const cells = tables.retention.filter((r) => r.lifetime === lifetime && r.retention !== null);
    return { lifetime, retention: mean(cells.map((r) => r.retention!)), cohorts: cells.length };
  });
  const sources: SourceFlags[] = tables.by_source.map((r) => {
    const matureBuyers = c.matureBuyers?.[r.source] ?? r.buyers;
    return { source: r.source, matureBuyers, tooFewBuyers: matureBuyers < TOO_FEW };
  });
  const costs = tables.by_source.reduce((a, r) => a + r.costs, 0);
  const buyers =
    s(
      "buyers",
      tables.by_source.reduce((a, r) => a + r.buyers, 0),
    ) ?? 0;
  const cacValue = summaryNumber(tables, "cac");
  const cac: Cac =
    typeof cacValue === "number"
      ? cacValue
      : costs === 0
        ? "no_spend"
        : buyers === 0
          ? "infinite"
          : costs / buyers;
  const hist = c.extras?.sessionHistogram ?? [];
  const stats = c.extras?.sessionStats ?? { meanS: null, medianS: null, modeS: null };
  const aovByMonth = c.extras?.aovByMonth ?? [];
  const orders = aovByMonth.reduce((a, m) => a + m.orders, 0);
  const revenue = aovByMonth.reduce((a, m) => a + m.revenue, 0);
  const mature = [
    ...new Set(tables.ltv.filter((r) => r.lifetime === horizon - 1 && r.ltv !== null).map((r) => r.cohort)),
  ];
  return {
    ...(c.trust ? { trust: trustOf(tables, c.trust, s("romi_h", null), s("ltv_h", null), cac) } : {}),
    options: {
      from: "2017-06-01",
      to: "2018-06-01",
      horizon,
      margin: 1,
      attribution,
      cohortGrain: "month",
      confidence: 0.9,
      currency: c.currency ?? (c.lang === "ru" ? "у.е." : "USD"),
    },
    window: {
      from: "2017-06-01",
      to: "2018-06-01",
      requested: { from: "2017-06-01", to: "2018-06-01" },
      clamped: false,
    },
    filter: { sources: [], devices: [] },
    tables,
    data: {
      users: s("users", 0) ?? 0,
      sessions:
        s(
          "sessions",
          tables.activity_daily.reduce((a, r) => a + r.sessions, 0),
        ) ?? 0,
      buyers,
      orders: s("orders", orders) ?? 0,
      revenue: s("revenue", revenue) ?? 0,
      costs: s("costs", costs) ?? 0,
      excluded: { visits: 0, orders: 0, costs: 0 },
      sourceDevicePairs: 0,
      numericUserKeys: true,
    },
    activity: {
      dau: { ...dau, mean: s("dau", dau.mean) },
      wau: { ...wau, mean: s("wau", wau.mean) },
      mau: { ...mau, mean: s("mau", mau.mean) },
      stickyWau: s("sticky_wau", null),
      stickyMau: s("sticky_mau", null),
      sessionsPerUserDay: s("sessions_per_user_day", null),
    },
    sessions: {
      valid: hist.reduce((a, b) => a + b.sessions, 0),
      invalid: 0,
      meanS: s("session_mean_s", stats.meanS),
      medianS: s("session_median_s", stats.medianS),
      modeS: s("session_mode_s", stats.modeS),
      p90S: null,
      histogram: [...hist],
    },
    retention: { grain: "month", meanByLifetime },
    conversion: {
      lag: {
        buyers,
        meanDays: s("conversion_lag_mean_days", null),
        medianDays: null,
        medianMinutes: s("conversion_lag_median_min", null),
        excludedNoSession: 0,
        excludedOrderFirst: 0,
      },
      convertedUsers: buyers,
      rate: s("conversion_rate", null),
      byCohort: [],
    },
    orders: {
      aov: s("aov", orders ? revenue / orders : null),
      aovByMonth: [...aovByMonth],
      ordersPerBuyerH: s("orders_per_buyer_h", null),
      ordersPerBuyerHCohorts: 0,
    },
    ltv: {
      horizon,
      ltvH: s("ltv_h", null),
      ltvHCohortMean: s("ltv_h_cohort_mean", null),
      matureCohorts: mature,
      matureBuyers: 0,
    },
    marketing: {
      spendBySource: [],
      spendByMonth: [],
      cac,
      cacBySourceCohort: [],
      romiH: s("romi_h", null),
      romiBySourceLifetime: [],
      sources,
      tooFewBuyersThreshold: TOO_FEW,
      withheld: null,
    },
    sourceNumbers: c.extras?.sourceNumbers ?? [],
  };
}

const NO_INSIGHTS: Insights = { horizon: 6, attribution: "first-touch", findings: [], sensitivity: [] };

/** An analysis around `tables`, with optional insights and data-quality report. */
export function analysisOf(
  tables: Tables,
  c: FixtureContext,
  more: { insights?: Insights; dataQuality?: DataQualityReport; inputs?: string[] } = {},
): Analysis {
  const metrics = metricsOf(tables, c);
  return {
    metadata: {
      tool: "channelscope",
      version: "0.0.0-test",
      engine: { name: "fixture", version: "0" },
      inputs: (more.inputs ?? []).map((path) => ({
        table: path,
        path,
        format: "csv",
        rowsRead: 0,
        rowsLoaded: 0,
      })),
      options: metrics.options,
      window: metrics.window,
      sources: [],
      devices: [],
      filters: metrics.filter,
    },
    dataQuality: more.dataQuality ?? {
      window: { from: metrics.options.from, to: metrics.options.to, basis: "visits" },
      files: [],
      warnings: [],
      quarantine: { rows: 0, path: null },
    },
    metrics,
    bySourceByModel: {
      "first-touch": tables.by_source,
      "last-touch": tables.by_source,
      linear: tables.by_source,
    },
    insights: more.insights ?? { ...NO_INSIGHTS, horizon: metrics.options.horizon },
    verdicts: [],
    budget: null,
  };
}

/** The presentation of fixture tables: what every figure builder takes. */
export function present(
  tables: Tables,
  c: FixtureContext,
  more: Parameters<typeof analysisOf>[2] = {},
): Presentation {
  return presentationOf(analysisOf(tables, c, more), c.lang);
}
