/** The report's data tables: by source, by device, and the attribution sensitivity of verdicts. */
import type { SensitivityRow, Verdict } from "../../insights/types.ts";
import { ATTRIBUTIONS } from "../../metrics/options.ts";
import type { MetricsResult } from "../../metrics/result.ts";
import type { SourceNumbers } from "../../metrics/source-numbers.ts";
import type { ByDeviceRow, BySourceRow } from "../../metrics/tables.ts";
import type { RunContext } from "../../presentation.ts";
import { bySourceBasis, EARLY_PAYBACK_MARK, earlyPaybackOnYoungCohorts } from "./basis.ts";
import {
  attributionName,
  DASH,
  deviceName,
  fmtCac,
  fmtCount,
  fmtDays,
  fmtDuration,
  fmtMoney,
  fmtPayback,
  fmtRatio,
  fmtShare,
  sourceName,
  tr,
} from "./format.ts";
import { type Child, type Html, html } from "./html.ts";
import { intervalChild, levelText, trustLookup } from "./intervals.ts";

export interface Column<R> {
  head: string;
  cell: (row: R) => Child;
  numeric?: boolean;
}

/**
 * A plain table; numeric columns are right-aligned. `flag` marks rows to highlight; `foot` is a
 * totals row (one cell per column).
 */
export function dataTable<R>(
  columns: readonly Column<R>[],
  rows: readonly R[],
  opts: { flag?: (row: R) => boolean; foot?: readonly Child[] } = {},
): Html {
  const cls = (c: Column<R>) => (c.numeric ? "num" : null);
  return html`<div class="table-wrap"><table><thead><tr>${columns.map(
    (c) => html`<th${cls(c) ? html` class="num"` : ""} scope="col">${c.head}</th>`,
  )}</tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr${opts.flag?.(r) ? html` class="flag"` : ""}>${columns.map(
        (c) => html`<td${cls(c) ? html` class="num"` : ""}>${c.cell(r)}</td>`,
      )}</tr>\n`,
  )}</tbody>${
    opts.foot
      ? html`<tfoot><tr>${opts.foot.map(
          (cell, i) => html`<td${cls(columns[i]!) ? html` class="num"` : ""}>${cell}</td>`,
        )}</tr></tfoot>`
      : ""
  }</table></div>`;
}

/** ROMI coloured by which side of break-even it is on. */
function romi(v: RunContext, x: number | null): Child {
  if (x === null) return DASH;
  return html`<span class="${x >= 1 ? "good-text" : "bad-text"}">${fmtRatio(v, x)}</span>`;
}

/**
 * Payback: a lifetime, "not yet" for a paid source that has not paid back, "—" when nothing was spent;
 * marked when only the young cohorts bear it out (basis.ts).
 */
function payback(v: RunContext, row: BySourceRow): string {
  if (row.payback_lifetime !== null)
    return `${fmtPayback(v, row.payback_lifetime)}${earlyPaybackOnYoungCohorts(v, row) ? EARLY_PAYBACK_MARK : ""}`;
  return row.costs > 0 ? tr(v, "report.payback.notYet") : DASH;
}

/** A lag in days as read: hours and minutes under a day (a median of 0.0 days says nothing), else days. */
export function fmtLagDays(v: RunContext, days: number | null): string {
  if (days === null) return DASH;
  return days < 1 ? fmtDuration(v, Math.round(days * 1440) * 60) : fmtDays(v, days);
}

/**
 * Time to the first order by acquisition source (the seed's "average time to conversion per
 * source"): the buyers whose lag is measured, the mean and the median, with the overall lag as the
 * totals row. Its own table beside Sources in numbers, so that one stays narrow enough for a page.
 */
export function lagBySourceTable(v: RunContext, m: MetricsResult): Html | string {
  const rows = m.sourceNumbers.filter((r) => r.lagBuyers > 0);
  if (rows.length === 0) return "";
  const { lag } = m.conversion;
  return html`<div class="keep lag-by-source"><h4>${tr(v, "report.col.lag")}¹</h4>${dataTable<SourceNumbers>(
    [
      { head: tr(v, "common.source"), cell: (r) => sourceName(v, r.source) },
      { head: tr(v, "report.col.lagBuyers"), cell: (r) => fmtCount(v, r.lagBuyers), numeric: true },
      { head: tr(v, "report.col.lagMean"), cell: (r) => fmtLagDays(v, r.lagMeanDays), numeric: true },
      { head: tr(v, "report.col.lagMedian"), cell: (r) => fmtLagDays(v, r.lagMedianDays), numeric: true },
    ],
    rows,
    {
      foot: [
        html`<b>${tr(v, "report.total")}</b>`,
        fmtCount(v, lag.buyers),
        fmtLagDays(v, lag.meanDays),
        fmtLagDays(v, lag.medianDays),
      ],
    },
  )}</div>`;
}

/**
 * Sources in numbers, with a totals row from the run's own headline numbers (all users, buyers and
 * spend; the overall CAC, LTV and ROMI), never a sum of ratios. With the trust numbers (issue 10) LTV,
 * CAC and ROMI carry their interval `[low–high]` below the number and a column gives the top buyer's
 * share of the source's revenue at H; without them (API without `intervals=1`) the table is as before.
 */
export function bySourceTable(v: RunContext, rows: readonly BySourceRow[], m?: MetricsResult): Html {
  const trust = trustLookup(m);
  const ci = (source: string) => trust?.interval(source);
  // Orders and revenue by acquisition source (metrics/source-numbers.ts), beside the row.
  const acquired = new Map<string, SourceNumbers>((m?.sourceNumbers ?? []).map((r) => [r.source, r]));
  const of = (r: BySourceRow) => acquired.get(r.source);
  const columns: Column<BySourceRow>[] = [
    { head: tr(v, "common.source"), cell: (r) => sourceName(v, r.source) },
    // ¹: by the source of the first session whatever the model (the intro says so).
    { head: `${tr(v, "common.users")}¹`, cell: (r) => fmtCount(v, r.users), numeric: true },
    { head: tr(v, "report.col.buyers"), cell: (r) => fmtCount(v, r.buyers), numeric: true },
    {
      head: `${tr(v, "report.col.conversion")}¹`,
      cell: (r) => fmtShare(v, r.conversion_rate),
      numeric: true,
    },
    { head: `${tr(v, "report.col.orders")}¹`, cell: (r) => fmtCount(v, of(r)?.orders ?? 0), numeric: true },
    { head: `${tr(v, "report.col.revenue")}¹`, cell: (r) => fmtMoney(v, of(r)?.revenue ?? 0), numeric: true },
    { head: tr(v, "report.col.costs"), cell: (r) => fmtMoney(v, r.costs), numeric: true },
    {
      head: "CAC",
      cell: (r) => html`${fmtCac(v, r.cac)}${intervalChild(v, "cac", ci(r.source)?.cac)}`,
      numeric: true,
    },
    {
      head: tr(v, "report.col.ltvH"),
      cell: (r) => html`${fmtMoney(v, r.ltv_h)}${intervalChild(v, "ltv_h", ci(r.source)?.ltvH)}`,
      numeric: true,
    },
    {
      head: tr(v, "report.col.romiH"),
      cell: (r) => html`${romi(v, r.romi_h)}${intervalChild(v, "romi_h", ci(r.source)?.romiH)}`,
      numeric: true,
    },
    { head: tr(v, "report.col.payback"), cell: (r) => payback(v, r), numeric: true },
  ];
  if (trust)
    columns.push({
      head: tr(v, "report.col.topBuyer"),
      cell: (r) => fmtShare(v, trust.concentration(r.source)?.topBuyerShare ?? null),
      numeric: true,
    });
  const all = ci("all");
  const foot: Child[] | undefined = m && [
    html`<b>${tr(v, "report.total")}</b>`,
    fmtCount(v, m.data.users),
    fmtCount(v, m.data.buyers),
    fmtShare(v, m.conversion.rate),
    fmtCount(v, m.data.orders),
    fmtMoney(v, m.data.revenue),
    fmtMoney(v, m.data.costs),
    html`${fmtCac(v, m.marketing.cac)}${intervalChild(v, "cac", all?.cac)}`,
    html`${fmtMoney(v, m.ltv.ltvH)}${intervalChild(v, "ltv_h", all?.ltvH)}`,
    html`${romi(v, m.marketing.romiH)}${intervalChild(v, "romi_h", all?.romiH)}`,
    DASH,
    ...(trust ? [fmtShare(v, trust.concentration("all")?.topBuyerShare ?? null)] : []),
  ];
  const table = html`${dataTable(columns, rows, foot ? { foot } : {})}${m ? bySourceBasis(v, rows, m) : ""}`;
  if (!trust) return table;
  return html`${table}<p class="note ci-note">${tr(v, "report.sources.ciNote", {
    level: levelText(v, trust.level),
  })}</p>`;
}

export function byDeviceTable(v: RunContext, rows: readonly ByDeviceRow[]): Html {
  return dataTable<ByDeviceRow>(
    [
      { head: tr(v, "common.device"), cell: (r) => deviceName(v, r.device) },
      { head: tr(v, "common.users"), cell: (r) => fmtCount(v, r.users), numeric: true },
      { head: tr(v, "report.col.buyers"), cell: (r) => fmtCount(v, r.buyers), numeric: true },
      { head: tr(v, "report.col.conversion"), cell: (r) => fmtShare(v, r.conversion_rate), numeric: true },
      { head: tr(v, "report.col.ltvH"), cell: (r) => fmtMoney(v, r.ltv_h), numeric: true },
    ],
    rows,
  );
}

export function verdictShort(v: RunContext, verdict: Verdict): string {
  return tr(v, `report.verdictShort.${verdict}`);
}

/** Per source: the verdict and ROMI at H under each model; rows whose verdict depends on the model are flagged. */
export function sensitivityTable(v: RunContext, rows: readonly SensitivityRow[]): Html {
  const depends = (r: SensitivityRow) => new Set(ATTRIBUTIONS.map((m) => r.verdicts[m])).size > 1;
  const columns: Column<SensitivityRow>[] = [
    { head: tr(v, "common.source"), cell: (r) => sourceName(v, r.source) },
    ...ATTRIBUTIONS.map(
      (m): Column<SensitivityRow> => ({
        head: attributionName(v, m),
        cell: (r) =>
          html`${verdictShort(v, r.verdicts[m])}<br><span class="note">ROMI ${fmtRatio(v, r.romiH[m])}</span>`,
      }),
    ),
    { head: tr(v, "report.sensitivity.depends"), cell: (r) => (depends(r) ? tr(v, "report.yes") : DASH) },
  ];
  return dataTable(columns, rows, { flag: depends });
}
