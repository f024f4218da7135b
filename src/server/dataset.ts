/**
 * What the server knows about its data, read once at start-up: the filter catalog (sources, devices,
 * the default window), row counts for /api/health, and the data-quality report (from the ingest it
 * just ran, or rebuilt from a database that an earlier `--db` run ingested).
 */

import type { BudgetPlanDocument } from "../budget/plan-document.ts";
import type { Engine } from "../engine/engine.ts";
import { auditWarnings } from "../ingest/audit.ts";
import { TABLE_NAMES, type TableName } from "../ingest/canonical.ts";
import type { FileFormat } from "../ingest/file-format.ts";
import { type DataQualityReport, InputError, type TableLoad } from "../ingest/index.ts";
import type { RejectCode } from "../ingest/reject-rules.ts";
import { analysisWindow } from "../ingest/window.ts";
import { buildCube, buildTrustAhead, type Cube, prepareTrust, sliceCube } from "../metrics/cube.ts";
import { naturalIdOrder } from "../metrics/id-order.ts";
import type { ForecastModel } from "../metrics/options.ts";
import type { FilterCatalog } from "./params.ts";

export interface Dataset {
  /** The engine holding the canonical tables; requests run on its forks. */
  engine: Engine;
  /** The acquisition cube every request slices (built once here). */
  cube: Cube;
  dataQuality: DataQualityReport;
  catalog: FilterCatalog;
  rows: Record<TableName, number>;
  engineVersion: string;
  /** The whole data's budget plan (server/budget-plan.ts), set once at start-up; null without one. */
  budget?: BudgetPlanDocument | null;
}

export interface DescribeOptions {
  /**
   * Build the default window's trust tables before returning, with every core: serve's start-up budget
   * plan needs them at once (server/budget-plan.ts). Otherwise (default) they are built in the
   * background once this returns, while requests are answered.
   */
  trustNow?: boolean;
}

/**
 * Builds the acquisition cube of an ingested engine and reads the filter catalog and row counts.
 * `currency` is the label money is shown with; `forecastModel` the LTV forecast of every response
 * (`serve --forecast-model`).
 */
export async function describeDataset(
  engine: Engine,
  dataQuality: DataQualityReport,
  currency: string,
  forecastModel: ForecastModel = "power",
  { trustNow = false }: DescribeOptions = {},
): Promise<Dataset> {
  const [counts] = await engine.all(
    `SELECT (SELECT count(*) FROM visits)::DOUBLE AS visits, (SELECT count(*) FROM orders)::DOUBLE AS orders,
       (SELECT count(*) FROM costs)::DOUBLE AS costs`,
  );
  const cube = await buildCube(engine);
  const defaultWindow = { from: dataQuality.window.from, to: dataQuality.window.to, currency, forecastModel };
  // The default window's point tables are built now, with every core, so the first request only reads.
  await sliceCube(cube, defaultWindow, undefined, engine, { trust: false });
  if (trustNow) await prepareTrust(cube, defaultWindow);
  // From here on requests only read small tables: one core each serves two at once better (measured
  // by bench:load: ~20 % less CPU per slice than two threads contending).
  await engine.setThreads?.(1);
  // Every window's trust tables (the default window's now, unless built above) are built in the
  // background after its point tables, so its first intervals=1 request does not build them.
  buildTrustAhead(cube);
  const sources = cube.facts.sources.map((s) => s.source).sort(naturalIdOrder);
  const devices = [...new Set(cube.facts.combos.map((c) => c.device))].sort(naturalIdOrder);
  // The default window is the report's: the ingest's (flags, else the visits' days).
  const { from, to } = dataQuality.window;
  const lastDay = new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return {
    engine,
    cube,
    dataQuality,
    catalog: {
      bounds: { firstVisitStart: from, lastVisitStart: lastDay },
      sources,
      devices,
      currency,
      forecastModel,
    },
    rows: {
      visits: Number(counts?.visits ?? 0),
      orders: Number(counts?.orders ?? 0),
      costs: Number(counts?.costs ?? 0),
    },
    engineVersion: await engine.version(),
  };
}

/**
 * The data-quality report of a database ingested by an earlier run (`--db`): row counts and reject
 * reasons from the `ingested_*` tables and the quarantine, the warnings re-audited. File paths are
 * those the quarantine recorded, else the database's own.
 */
export async function auditStoredDatabase(
  engine: Engine,
  dbPath: string,
  bounds: { from?: string; to?: string } = {},
): Promise<DataQualityReport> {
  const tables = new Set(
    (await engine.all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables")).map(
      (r) => r.name,
    ),
  );
  const present = Object.fromEntries(
    TABLE_NAMES.map((t) => [t, tables.has(`ingested_${t}`) && tables.has(t)]),
  ) as Record<TableName, boolean>;
  if (!TABLE_NAMES.some((t) => tables.has(t))) {
    throw new InputError(`${dbPath} holds no visits, orders or costs: ingest it first (e.g. check --db)`);
  }
  const window = await analysisWindow(engine, bounds);
  if (!window) throw new InputError(`${dbPath}: no usable rows in any table: nothing to analyse`);
  const files: TableLoad[] = [];
  for (const table of TABLE_NAMES.filter((t) => present[t]))
    files.push(await storedLoad(engine, table, dbPath));
  const warnings = await auditWarnings(engine, present, window);
  const rows = files.reduce((sum, f) => sum + f.rejected.reduce((s, r) => s + r.count, 0), 0);
  return { window, files, warnings, quarantine: { rows, path: null } };
}

async function storedLoad(engine: Engine, table: TableName, dbPath: string): Promise<TableLoad> {
  const hasQuarantine = (
    await engine.all("SELECT 1 AS x FROM information_schema.tables WHERE table_name = 'quarantine'")
  ).length;
  const rejected = hasQuarantine
    ? await engine.all<{ reason: string; count: number; lines: string; file: string }>(
        `SELECT reason, count(*)::DOUBLE AS count, any_value(file) AS file,
           to_json(list(line::DOUBLE ORDER BY line)[1:5])::VARCHAR AS lines
         FROM quarantine WHERE table_name = $table GROUP BY reason ORDER BY count DESC, reason`,
        { table },
      )
    : [];
  const [counts] = await engine.all<{ rows: number; loaded: number }>(
    `SELECT count(*)::DOUBLE AS rows, count(*) FILTER (WHERE reason IS NULL)::DOUBLE AS loaded
     FROM ingested_${table}`,
  );
  const malformed = rejected.find((r) => r.reason === "malformed_line")?.count ?? 0;
  const path = rejected[0]?.file ?? dbPath;
  return {
    table,
    path,
    // The original format is not recorded in the database; name where the rows now live.
    format: "duckdb" as FileFormat,
    mapping: {},
    rowsRead: (counts?.rows ?? 0) + malformed,
    rowsLoaded: counts?.loaded ?? 0,
    rejected: rejected.map((r) => ({
      reason: r.reason as RejectCode,
      count: r.count,
      exampleLines: JSON.parse(r.lines) as number[],
    })),
  };
}
