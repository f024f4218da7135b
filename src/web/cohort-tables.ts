/**
 * The cohort heatmaps as numeric tables (dashboard): one row per cohort with its size, one column per
 * month of its life (month 1 = the cohort month), unobserved cells "—", or, where the run forecast
 * them (issue 10, `trust.forecast`), the forecast in italics marked `data-forecast` and titled
 * "forecast". Folded under each page so the figures stay first; the CSV button of every table exports
 * them.
 */
import type { ForecastModel } from "../metrics/options.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { RunContext } from "../presentation.ts";
import { DASH, fmtCount, fmtMoney, fmtRatio, fmtShare, tr } from "../report/html/format.ts";
import { type Html, html } from "../report/html/html.ts";
import { type Column, dataTable } from "../report/html/tables.ts";

interface Cell {
  cohort: string;
  lifetime: number;
  size: number | null;
  value: number | null;
  /** A predicted value, not a measured one. */
  forecast?: boolean;
}

interface Row {
  cohort: string;
  size: number | null;
  values: (number | null)[];
  forecast: boolean[];
}

function rowsOf(cells: readonly Cell[]): { rows: Row[]; lifetimes: number } {
  const lifetimes = Math.max(0, ...cells.map((c) => c.lifetime + 1));
  const byCohort = new Map<string, Row>();
  for (const c of cells) {
    const row = byCohort.get(c.cohort) ?? {
      cohort: c.cohort,
      size: c.size,
      values: Array(lifetimes).fill(null),
      forecast: Array(lifetimes).fill(false),
    };
    // A forecast never replaces a measured value (the grids overlap on observed cells).
    if (c.forecast && row.values[c.lifetime] != null) continue;
    row.values[c.lifetime] = c.value;
    row.forecast[c.lifetime] = c.forecast === true;
    byCohort.set(c.cohort, row);
  }
  return { rows: [...byCohort.values()].sort((a, b) => (a.cohort < b.cohort ? -1 : 1)), lifetimes };
}

function cohortTable(
  v: RunContext,
  cells: readonly Cell[],
  sizeHead: string,
  format: (x: number) => string,
): Html | null {
  const { rows, lifetimes } = rowsOf(cells);
  if (rows.length === 0) return null;
  const columns: Column<Row>[] = [
    { head: tr(v, "dash.cohort.cohort"), cell: (r) => r.cohort },
    { head: sizeHead, cell: (r) => fmtCount(v, r.size), numeric: true },
    ...Array.from(
      { length: lifetimes },
      (_, k): Column<Row> => ({
        head: String(k + 1),
        cell: (r) =>
          r.values[k] === null || r.values[k] === undefined
            ? DASH
            : r.forecast[k]
              ? html`<i class="forecast" data-forecast title="${tr(v, "dash.cohort.forecast")}">${format(r.values[k]!)}</i>`
              : format(r.values[k]!),
        numeric: true,
      }),
    ),
  ];
  return dataTable(columns, rows);
}

/** `forecast`: the model of the table's forecast cells (named in the note), null without any. */
function folded(
  v: RunContext,
  title: string,
  table: Html | null,
  forecast: ForecastModel | null = null,
): Html | string {
  if (table === null) return "";
  const note = forecast
    ? html` ${tr(v, "dash.cohort.forecastNote", { model: tr(v, `forecast.model.${forecast}`) })}`
    : "";
  return html`<details class="cohort-table"><summary>${title}</summary><p class="note">${tr(
    v,
    "dash.cohort.note",
  )}${note}</p>${table}</details>`;
}

/** Retention by cohort as numbers, with cohort sizes (Product page). */
export function retentionTable(v: RunContext, m: MetricsResult): Html | string {
  const cells = m.tables.retention.map((r) => ({
    cohort: r.cohort,
    lifetime: r.lifetime,
    size: r.cohort_size,
    value: r.retention,
  }));
  return folded(
    v,
    tr(v, "dash.cohort.retention"),
    cohortTable(v, cells, tr(v, "dash.cohort.users"), (x) => fmtShare(v, x)),
  );
}

/**
 * The forecast cells of the cohorts a table shows (`size` has them), never an observed one; LTV and
 * ROMI read their forecasts the same way.
 */
function forecastCells(
  forecast: readonly { cohort: string; lifetime: number; observed: boolean; value: number | null }[],
  size: ReadonlyMap<string, number | null>,
): Cell[] {
  return forecast
    .filter((r) => !r.observed && r.value !== null && size.has(r.cohort))
    .map((r) => ({
      cohort: r.cohort,
      lifetime: r.lifetime,
      size: size.get(r.cohort) ?? null,
      value: r.value,
      forecast: true,
    }));
}

/** A cumulative cohort table (LTV, ROMI): measured cells, then forecasts where none was measured. */
function cumulativeTable(
  v: RunContext,
  title: string,
  cells: readonly Cell[],
  predicted: readonly Cell[],
  m: MetricsResult,
  fmt: (x: number) => string,
): Html | string {
  return folded(
    v,
    title,
    cohortTable(v, [...cells, ...predicted], tr(v, "dash.cohort.buyers"), fmt),
    predicted.length > 0 ? (m.trust?.forecast.model ?? "power") : null,
  );
}

/** Cumulative LTV by buyer cohort as numbers, with the cohorts' buyers (Sales page). */
export function ltvTable(v: RunContext, m: MetricsResult): Html | string {
  const cells: Cell[] = m.tables.ltv.map((r) => ({
    cohort: r.cohort,
    lifetime: r.lifetime,
    size: r.cohort_size,
    value: r.ltv,
  }));
  const size = new Map(cells.map((c) => [c.cohort, c.size]));
  const forecast = (m.trust?.forecast.ltv ?? []).map((r) => ({ ...r, value: r.ltv }));
  return cumulativeTable(v, tr(v, "dash.cohort.ltv"), cells, forecastCells(forecast, size), m, (x) =>
    fmtMoney(v, x),
  );
}

/** Cumulative ROMI by buyer cohort as numbers, with the cohorts' buyers (Marketing page). */
export function romiTable(v: RunContext, m: MetricsResult): Html | string {
  const buyers = new Map(m.tables.ltv.filter((r) => r.lifetime === 0).map((r) => [r.cohort, r.cohort_size]));
  const cells: Cell[] = m.tables.romi_by_cohort.map((r) => ({
    cohort: r.cohort,
    lifetime: r.lifetime,
    size: buyers.get(r.cohort) ?? null,
    value: r.romi,
  }));
  // Every cohort the table shows, with its buyers where known (a ROMI cohort may have none in ltv).
  const size = new Map<string, number | null>(cells.map((c) => [c.cohort, c.size]));
  const forecast = (m.trust?.forecast.romi ?? [])
    .filter((r) => r.source === "all")
    .map((r) => ({ ...r, value: r.romi }));
  return cumulativeTable(v, tr(v, "dash.cohort.romi"), cells, forecastCells(forecast, size), m, (x) =>
    fmtRatio(v, x),
  );
}
