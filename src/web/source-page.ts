/**
 * The dashboard's page of one source: the API's analysis for `sources=<id>` set against the same
 * analysis without the source filter (the same period, model, horizon and devices), so each of its
 * numbers has the total beside it. Cohort ROMI at H, CAC by cohort and spend by month are drawn as
 * the source against all sources (instead of by-source charts with a single bar), and a month-by-month
 * table holds the numbers behind them. Every number is read from the two documents as they are: the
 * page computes nothing but shares.
 */

import { baseConfig, header, PLOT_WIDTH } from "../charts/theme.ts";
import type { VegaLiteSpec } from "../charts/types.ts";
import { type Lang, t } from "../i18n/index.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { Cac } from "../metrics/tables.ts";
import type { RunContext } from "../presentation.ts";
import { DASH, fmtCac, fmtCount, fmtMoney, fmtRatio, fmtShare, tr } from "../report/html/format.ts";
import { type Html, html } from "../report/html/html.ts";
import { type Column, dataTable } from "../report/html/tables.ts";

/** Grey of "all sources" beside the source's own colour. */
const ALL_GREY = "#9aa3b2";

export interface MonthRow {
  month: string;
  /** The source's spend in the calendar month, and every source's. */
  spend: number;
  spendAll: number;
  /** New buyers of the month's cohort and their CAC (from the source's cac_by_cohort). */
  newBuyers: number | null;
  cac: Cac | null;
  /** CAC of the month's cohort over all sources. */
  cacAll: Cac | null;
  /** Revenue of every order placed in the month by the source's users. */
  revenue: number | null;
  /** ROMI at H of the month's cohort (lifetime H-1), the source's and all sources'. */
  romi: number | null;
  romiAll: number | null;
}

function spendByMonth(m: MetricsResult, source: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of m.tables.costs_by_source_month)
    if (source === null || r.source === source) out.set(r.month, (out.get(r.month) ?? 0) + r.costs);
  return out;
}

function romiAtH(m: MetricsResult): Map<string, number | null> {
  const k = m.options.horizon - 1;
  return new Map(m.tables.romi_by_cohort.filter((r) => r.lifetime === k).map((r) => [r.cohort, r.romi]));
}

/** The month-by-month rows: every month with spend, a cohort or orders in either document. */
export function monthRows(one: MetricsResult, all: MetricsResult, source: string): MonthRow[] {
  const spend = spendByMonth(one, source);
  const spendAll = spendByMonth(all, null);
  const cohorts = new Map(one.tables.cac_by_cohort.map((r) => [r.cohort, r]));
  const cohortsAll = new Map(all.tables.cac_by_cohort.map((r) => [r.cohort, r]));
  const revenue = new Map(one.orders.aovByMonth.map((r) => [r.month, r.revenue]));
  const romi = romiAtH(one);
  const romiAll = romiAtH(all);
  const months = [
    ...new Set([...spend.keys(), ...spendAll.keys(), ...cohorts.keys(), ...revenue.keys()]),
  ].sort();
  return months.map((month) => ({
    month,
    spend: spend.get(month) ?? 0,
    spendAll: spendAll.get(month) ?? 0,
    newBuyers: cohorts.get(month)?.new_buyers ?? null,
    cac: cohorts.get(month)?.cac ?? null,
    cacAll: cohortsAll.get(month)?.cac ?? null,
    revenue: revenue.get(month) ?? null,
    romi: romi.get(month) ?? null,
    romiAll: romiAll.get(month) ?? null,
  }));
}

/** The headline numbers of the source beside all sources', with the source's share of the additive ones. */
function compareTable(v: RunContext, one: MetricsResult, all: MetricsResult, source: string): Html {
  type Line = { label: string; one: string; all: string; share: string };
  const share = (a: number, b: number) => (b > 0 ? fmtShare(v, a / b) : DASH);
  const additive = (label: string, a: number, b: number, fmt: (x: number) => string): Line => ({
    label,
    one: fmt(a),
    all: fmt(b),
    share: share(a, b),
  });
  const ratio = (label: string, a: string, b: string): Line => ({ label, one: a, all: b, share: DASH });
  const h = { horizon: v.horizon };
  const lines: Line[] = [
    additive(tr(v, "common.users"), one.data.users, all.data.users, (x) => fmtCount(v, x)),
    additive(tr(v, "report.col.buyers"), one.data.buyers, all.data.buyers, (x) => fmtCount(v, x)),
    additive(tr(v, "report.col.orders"), one.data.orders, all.data.orders, (x) => fmtCount(v, x)),
    additive(tr(v, "report.col.revenue"), one.data.revenue, all.data.revenue, (x) => fmtMoney(v, x)),
    additive(tr(v, "report.col.costs"), one.data.costs, all.data.costs, (x) => fmtMoney(v, x)),
    ratio("CAC", fmtCac(v, one.marketing.cac), fmtCac(v, all.marketing.cac)),
    ratio(tr(v, "report.col.ltvH", h), fmtMoney(v, one.ltv.ltvH), fmtMoney(v, all.ltv.ltvH)),
    ratio(tr(v, "report.col.romiH", h), fmtRatio(v, one.marketing.romiH), fmtRatio(v, all.marketing.romiH)),
  ];
  const columns: Column<Line>[] = [
    { head: "", cell: (l) => l.label },
    { head: tr(v, "dash.source.this", { source }), cell: (l) => l.one, numeric: true },
    { head: tr(v, "dash.source.all"), cell: (l) => l.all, numeric: true },
    { head: tr(v, "dash.source.share"), cell: (l) => l.share, numeric: true },
  ];
  return html`<div class="source-compare">${dataTable(columns, lines)}</div>`;
}

function monthTable(v: RunContext, rows: readonly MonthRow[], source: string): Html {
  const h = { horizon: v.horizon };
  const columns: Column<MonthRow>[] = [
    { head: tr(v, "dash.source.col.month"), cell: (r) => r.month },
    {
      head: tr(v, "report.col.costs"),
      cell: (r) => fmtMoney(v, r.spend),
      numeric: true,
    },
    { head: tr(v, "dash.source.col.spendAll"), cell: (r) => fmtMoney(v, r.spendAll), numeric: true },
    {
      head: tr(v, "dash.source.share"),
      cell: (r) => (r.spendAll > 0 ? fmtShare(v, r.spend / r.spendAll) : DASH),
      numeric: true,
    },
    { head: tr(v, "dash.source.col.newBuyers"), cell: (r) => fmtCount(v, r.newBuyers), numeric: true },
    { head: "CAC", cell: (r) => (r.cac === null ? DASH : fmtCac(v, r.cac)), numeric: true },
    { head: tr(v, "dash.source.col.revenueMonth"), cell: (r) => fmtMoney(v, r.revenue), numeric: true },
    { head: tr(v, "report.col.romiH", h), cell: (r) => fmtRatio(v, r.romi), numeric: true },
    { head: tr(v, "dash.source.col.romiAll", h), cell: (r) => fmtRatio(v, r.romiAll), numeric: true },
  ];
  return html`<div class="source-months" data-source="${source}">${dataTable(columns, rows)}</div>`;
}

/** The page: the comparison table, three figure slots, the month-by-month table. */
export function sourcePageHtml(v: RunContext, one: MetricsResult, all: MetricsResult, source: string): Html {
  const rows = monthRows(one, all, source);
  const slot = (name: string) => html`<figure class="fig" data-figure="${name}"></figure>`;
  return html`<section id="source" class="flow"><h2>${tr(v, "dash.source.title", { source })}</h2><p>${tr(
    v,
    "dash.source.intro",
    { source },
  )}</p>${compareTable(v, one, all, source)}${slot("source-romi")}<p class="note">${tr(
    v,
    "dash.source.figRomiNote",
    {
      horizon: v.horizon,
    },
  )}</p>${slot("source-cac")}${slot("source-spend")}<h3>${tr(v, "dash.source.months")}</h3><p class="note">${tr(
    v,
    "dash.source.monthsNote",
    { horizon: v.horizon },
  )}</p>${monthTable(v, rows, source)}</section>`;
}

/** The month axis, the source-vs-all colours and the tooltip every source-page figure shares. */
function monthSeriesEncoding(
  lang: Lang,
  valueTitle: string,
  series: [string, string],
  colors: [string, string],
) {
  return {
    x: { field: "month", type: "ordinal", title: t(lang, "common.month"), axis: { labelAngle: -45 } },
    color: {
      field: "series",
      type: "nominal",
      scale: { domain: series, range: colors },
      legend: { orient: "top", title: null },
    },
    tooltip: [
      { field: "series", title: t(lang, "common.source") },
      { field: "month", title: t(lang, "common.month") },
      { field: "text", title: valueTitle },
    ],
  };
}

/** Two lines over the months (the source in its colour, all sources grey), gaps where a value is missing. */
function versusLines(
  lang: Lang,
  title: string,
  valueTitle: string,
  points: { month: string; series: string; value: number | null; text: string }[],
  series: [string, string],
  colors: [string, string],
): VegaLiteSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(title),
    width: PLOT_WIDTH,
    height: 220,
    data: { values: points },
    mark: { type: "line", point: { size: 40 }, strokeWidth: 2 },
    encoding: {
      ...monthSeriesEncoding(lang, valueTitle, series, colors),
      y: { field: "value", type: "quantitative", title: valueTitle },
    },
  } as VegaLiteSpec;
}

/** The page's three figures, by slot name. */
export function sourceFigures(
  v: RunContext,
  rows: readonly MonthRow[],
  source: string,
  color: string,
): Record<string, VegaLiteSpec> {
  const { lang, currency, horizon } = v;
  const one = tr(v, "dash.source.this", { source });
  const all = tr(v, "dash.source.all");
  const series: [string, string] = [one, all];
  const colors: [string, string] = [color, ALL_GREY];
  const romiPoints = rows.flatMap((r) =>
    r.romi === null && r.romiAll === null
      ? []
      : [
          { month: r.month, series: one, value: r.romi, text: fmtRatio(v, r.romi) },
          { month: r.month, series: all, value: r.romiAll, text: fmtRatio(v, r.romiAll) },
        ],
  );
  const cacOf = (c: Cac | null) => (typeof c === "number" ? c : null);
  const cacPoints = rows.flatMap((r) =>
    r.cac === null && r.cacAll === null
      ? []
      : [
          {
            month: r.month,
            series: one,
            value: cacOf(r.cac),
            text: r.cac === null ? DASH : fmtCac(v, r.cac),
          },
          {
            month: r.month,
            series: all,
            value: cacOf(r.cacAll),
            text: r.cacAll === null ? DASH : fmtCac(v, r.cacAll),
          },
        ],
  );
  const spendPoints = rows.flatMap((r) => [
    { month: r.month, series: all, value: r.spendAll, text: fmtMoney(v, r.spendAll) },
    { month: r.month, series: one, value: r.spend, text: fmtMoney(v, r.spend) },
  ]);
  const spendTitle = t(lang, "dash.source.figSpend", { currency, source });
  return {
    "source-romi": versusLines(
      lang,
      t(lang, "dash.source.figRomi", { horizon, source }),
      tr(v, "report.col.romiH", { horizon }),
      romiPoints,
      series,
      colors,
    ),
    "source-cac": versusLines(
      lang,
      t(lang, "dash.source.figCac", { currency, source }),
      "CAC",
      cacPoints,
      series,
      colors,
    ),
    "source-spend": {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: baseConfig(lang),
      title: header(spendTitle),
      width: PLOT_WIDTH,
      height: 200,
      data: { values: spendPoints },
      mark: { type: "bar" },
      encoding: {
        ...monthSeriesEncoding(lang, tr(v, "report.col.costs"), series, colors),
        y: { field: "value", type: "quantitative", title: tr(v, "report.col.costs"), stack: null },
      },
    } as VegaLiteSpec,
  };
}
