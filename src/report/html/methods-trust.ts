/**
 * The methods note on uncertainty (issue 10): how the intervals are made, the verdict rule, the
 * forecast's model, and the backtest of that model on this run's own data — the same rolling-origin
 * computation as `channelscope backtest` (src/forecast/backtest.ts), so the page quotes numbers it
 * computed rather than numbers from another run. The power curve's is computed here from the LTV
 * matrix (pure, milliseconds); the buyer-level model's needs every buyer's months, so the run computes
 * it (`trust.forecast.backtest`, backtest.ts withBuyerBacktest) and the page quotes it; without it
 * the page quotes the power curve's and says so.
 */
import {
  type BacktestSummary,
  backtestLtv,
  baselineOn,
  type LargestMiss,
  largestMisses,
} from "../../forecast/backtest.ts";
import { formatNumber } from "../../i18n/index.ts";
import { CUT_ROMI, ONE_BUYER_COHORT_SHARE } from "../../insights/thresholds.ts";
import type { MetricsResult } from "../../metrics/result.ts";
import type { RunContext } from "../../presentation.ts";
import { DASH, fmtCount, fmtShare, tr } from "./format.ts";
import { type Html, html } from "./html.ts";
import { type Column, dataTable } from "./tables.ts";

/** The tidy tables of issue 10 beside by_source.csv (report/trust-tables.ts writes them). */
export const TRUST_TABLES = ["ltv_forecast", "romi_forecast", "payback_forecast"] as const;

interface BacktestRow {
  months: number | null;
  model: BacktestSummary;
  naive: BacktestSummary;
  /** The row's case that erred most (none for the pooled row or a row of one case). */
  miss: LargestMiss | undefined;
}

/** The section body, or null when the run has no trust numbers (nothing to describe). */
export function trustMethods(v: RunContext, m: MetricsResult | undefined): Html | null {
  const trust = m?.trust;
  if (!m || !trust) return null;
  const level = Math.round(trust.intervals.level * 100);
  const forecastModel = trust.forecast.model;
  const own = forecastModel === "buyer" ? trust.forecast.backtest : undefined;
  const result = own ?? backtestLtv(m.tables.ltv, { horizon: v.horizon });
  const quoted = own ? "buyer-level" : "power-curve";
  const misses = new Map(largestMisses(result, quoted).map((m) => [m.observedMonths, m]));
  const rows: BacktestRow[] = [];
  for (const s of result.summary) {
    if (s.model !== quoted) continue;
    // The baseline on the quoted model's own cases (the buyer-level model forecasts fewer).
    const naive = baselineOn(result.cases, quoted, s.observedMonths);
    const miss = s.observedMonths === null ? undefined : misses.get(s.observedMonths);
    if (s.cases + s.unscored > 0) rows.push({ months: s.observedMonths, model: s, naive, miss });
  }
  const pct = (x: number | null) => (x === null ? DASH : fmtShare(v, x));
  const columns: Column<BacktestRow>[] = [
    {
      head: tr(v, "report.backtest.months"),
      cell: (r) => (r.months === null ? tr(v, "report.backtest.all") : fmtCount(v, r.months)),
    },
    { head: tr(v, "report.backtest.cases"), cell: (r) => fmtCount(v, r.model.cases), numeric: true },
    { head: tr(v, "report.backtest.mape"), cell: (r) => pct(r.model.mape), numeric: true },
    { head: tr(v, "report.backtest.bias"), cell: (r) => pct(r.model.bias), numeric: true },
    { head: tr(v, "report.backtest.coverage"), cell: (r) => pct(r.model.coverage), numeric: true },
    { head: tr(v, "report.backtest.naiveMape"), cell: (r) => pct(r.naive.mape), numeric: true },
    { head: tr(v, "report.backtest.naiveBias"), cell: (r) => pct(r.naive.bias), numeric: true },
    {
      head: tr(v, "report.backtest.largestMiss"),
      cell: (r) => (r.miss ? `${r.miss.cohort} ${r.miss.error > 0 ? "+" : ""}${pct(r.miss.error)}` : DASH),
    },
    {
      head: tr(v, "report.backtest.mapeWithout"),
      cell: (r) => (r.miss ? pct(r.miss.mapeWithout) : DASH),
      numeric: true,
    },
  ];
  // A named cohort whose largest buyer brings a quarter of its revenue (as the cohort findings flag
  // it): a miss one customer explains is not a miss of the curve's shape, and the reader should know.
  const shares = new Map(trust.concentration.byCohort.map((c) => [c.cohort, c.topBuyerShare]));
  const buyers = [...new Set([...misses.values()].map((m) => m.cohort))].flatMap((cohort) => {
    const share = shares.get(cohort);
    return share != null && share >= ONE_BUYER_COHORT_SHARE
      ? [tr(v, "report.backtest.missBuyer", { cohort, share: fmtShare(v, share), horizon: v.horizon })]
      : [];
  });
  const backtest =
    rows.length === 0
      ? html`<p class="note">${tr(v, "report.backtest.none")}</p>`
      : html`<p>${tr(v, "report.backtest.intro", {
          model: tr(v, `forecast.model.${own ? "buyer" : "power"}`),
          cohorts: result.cohorts.length,
          first: result.cohorts[0] ?? DASH,
          last: result.cohorts.at(-1) ?? DASH,
        })}${
          forecastModel === "buyer" && !own ? html` ${tr(v, "report.backtest.powerOnly")}` : ""
        }</p><div data-backtest data-model="${quoted}">${dataTable(columns, rows)}</div>${
          misses.size > 0
            ? html`<p class="note">${tr(v, "report.backtest.misses")}${buyers.length > 0 ? ` ${buyers.join(" ")}` : ""}</p>`
            : ""
        }`;
  return html`<h3>${tr(v, "report.methods.trust")}</h3>
<p>${tr(v, "report.trust.intervals", { level, replicates: trust.intervals.replicates })}</p>
<p>${tr(v, "report.trust.rule", { cut: formatNumber(v.lang, CUT_ROMI, 2) })}</p>
<p>${tr(v, forecastModel === "buyer" ? "report.trust.forecastBuyer" : "report.trust.forecast")}</p>
${backtest}
<p class="csv-links"><a href="tables/by_source.csv"><code>by_source.csv</code></a> ${TRUST_TABLES.map(
    (name) => html`<a href="tables/${name}.csv"><code>${name}.csv</code></a> `,
  )}</p>`;
}
