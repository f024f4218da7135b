import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { type Analysis, metricsDocument, type StagedAnalysis } from "../analyze.ts";
import type { PngOptions } from "../charts/render.ts";
import type { PageRenderings, PageRooms } from "../charts/render-all.ts";
import type { RenderPool } from "../charts/render-pool.ts";
import type { VegaLiteSpec } from "../charts/types.ts";
import type { Engine } from "../engine/engine.ts";
import type { Lang } from "../i18n/index.ts";
import { writeQuarantine } from "../ingest/index.ts";
import { presentationOf } from "../presentation.ts";
import { writeBudgetCsv } from "./budget-files.ts";
import { writeCsvTables } from "./csv-tables.ts";
import { replaceDirectory } from "./report-dir.ts";
import { bySourceWithTrust, writeForecastTables } from "./trust-tables.ts";

export { OutputError, prepareReportDir } from "./report-dir.ts";

export interface WrittenReport {
  metricsJson: string;
  tables: string[];
  figures: string[];
  html: string | null;
  quarantine: string | null;
}

export interface WriteReportOptions {
  lang: Lang;
  /** Figures and the HTML page (the slow part); off gives the JSON and CSV only. */
  visuals?: boolean;
  /**
   * PNGs beside the SVGs (for slides and documents), with these options; default none: the page
   * inlines the SVGs, and rasterising 19 figures costs as much as drawing them.
   */
  png?: PngOptions | false;
  /** Called before each long step, for progress on a terminal. */
  onStep?: (step: string) => void;
  /** Called as figures finish. */
  onFigure?: (done: number, total: number) => void;
  /** Figure threads started ahead (see `renderAllFigures`); the caller closes them. */
  figurePool?: RenderPool;
}

/**
 * Writes an analysis to `outDir`: metrics.json (the documented schema: metadata, data quality, every
 * metric, insights), the tidy CSV tables, the quarantine, and with `visuals` the figures (SVG, and PNG
 * when asked) and the self-contained index.html. All of it goes into a temporary directory beside
 * `outDir` that replaces `outDir` only once complete (report-dir.ts): an interrupted or failed run
 * leaves the previous report intact. The returned paths are the final ones, under `outDir`.
 *
 * A staged analysis (analyzeInStages) is written while its plan is being fitted: the quarantine, the
 * metric tables and every figure but the plan's are made from `withoutPlan`; metrics.json, the plan's
 * files and the page wait for `complete`. The files are the same as from the finished analysis.
 */
export async function writeReport(
  analysis: Analysis | StagedAnalysis,
  engine: Engine,
  outDir: string,
  options: WriteReportOptions,
): Promise<WrittenReport> {
  const staged =
    "complete" in analysis ? analysis : { withoutPlan: analysis, complete: Promise.resolve(analysis) };
  const { dir, written } = await replaceDirectory(outDir, async (work) => ({
    dir: work,
    written: await writeInto(staged, engine, work, outDir, options),
  }));
  const moved = (path: string) => join(outDir, relative(dir, path));
  return {
    metricsJson: moved(written.metricsJson),
    tables: written.tables.map(moved),
    figures: written.figures.map(moved),
    html: written.html ? moved(written.html) : null,
    quarantine: written.quarantine ? moved(written.quarantine) : null,
  };
}

/** Writes the report files into `outDir` (the temporary directory that becomes `finalDir`). */
async function writeInto(
  staged: StagedAnalysis,
  engine: Engine,
  outDir: string,
  finalDir: string,
  options: WriteReportOptions,
): Promise<WrittenReport> {
  const step = options.onStep ?? (() => {});
  const first = staged.withoutPlan;
  const { metrics } = first;
  let quarantine: string | null = null;
  if (first.dataQuality.quarantine.rows > 0) {
    quarantine = join(outDir, "quarantine.csv");
    // The quarantine stays where the files were audited (DuckDB, also for the ClickHouse engine).
    await writeQuarantine(engine.staging ?? engine, quarantine);
  }
  const tableDir = join(outDir, "tables");
  const metricTables = [
    ...writeCsvTables({ ...metrics.tables, by_source: bySourceWithTrust(metrics) }, tableDir),
    ...writeForecastTables(metrics, tableDir),
  ];
  const finish = async (analysis: Analysis) => {
    // metrics.json names where the quarantine will be, not where it is being written.
    if (quarantine) analysis.dataQuality.quarantine.path = join(finalDir, "quarantine.csv");
    const metricsJson = join(outDir, "metrics.json");
    await writeFile(metricsJson, `${JSON.stringify(metricsDocument(analysis), null, 2)}\n`);
    return { metricsJson, tables: [...metricTables, ...writeBudgetCsv(analysis.budget, tableDir)] };
  };
  if (options.visuals === false) {
    return { ...(await finish(await staged.complete)), figures: [], html: null, quarantine };
  }

  step("figures");
  // render-all.ts, not charts/index.ts: the figures are drawn on worker threads, and the registry's
  // index would load Vega on this one for nothing.
  const { renderAllFigures } = await import("../charts/render-all.ts");
  const { RenderPool } = await import("../charts/render-pool.ts");
  const pool = options.figurePool ?? new RenderPool();
  const png = options.png ?? false;
  try {
    const presentation = presentationOf(first, options.lang);
    const ctx = presentation.context;
    // Each fixed-width figure also drawn for the report's column and a phone's (issue 13: the page has
    // no script to redraw it; CSS shows one).
    const { PHONE_COLUMN, REPORT_COLUMN } = await import("./html/figures.ts");
    const rooms = { wide: REPORT_COLUMN, narrow: PHONE_COLUMN };
    // Issue 10: LTV with its forecast continuation, ROMI by source with its interval (files only for
    // now: the page does not place them yet). Queued with the others, on the same threads.
    const { trustFigureSpecs } = await import("../charts/trust/index.ts");
    const trust = trustFigureSpecs(metrics, first.verdicts, ctx).map((f) =>
      drawFigure(pool, outDir, f.name, f.spec, png),
    );
    const registry = renderAllFigures(presentation, outDir, png, {
      onFigure: options.onFigure,
      pool,
      page: rooms,
    });
    // A plan that fails (a budget out of reach) fails the report; the figures in flight are dropped.
    for (const drawing of [registry, ...trust]) drawing.catch(() => {});
    const analysis = await staged.complete;
    const done = await finish(analysis);
    // The plan's figure, SVG only (the page inlines it), queued behind the others.
    const { responseCurvesFigure } = await import("../charts/figures/response-curves.ts");
    const plan = analysis.budget;
    const budgetFigure =
      plan && plan.sources.length > 0
        ? drawPlanFigure(pool, outDir, responseCurvesFigure(plan, ctx), rooms)
        : null;
    const [rendered, trustFigures, budgetDrawn] = await Promise.all([
      registry,
      Promise.all(trust),
      budgetFigure,
    ]);

    step("html");
    const { renderReportHtml } = await import("./html/index.ts");
    const html = join(outDir, "index.html");
    const page = renderReportHtml(presentationOf(analysis, options.lang), {
      figures: rendered.map((f) => ({
        name: f.name,
        svg: f.markup,
        wide: f.page?.wide ?? null,
        narrow: f.page?.narrow ?? null,
      })),
      budgetFigure: budgetDrawn ? { svg: budgetDrawn.markup, ...budgetDrawn.page } : null,
    });
    await writeFile(html, page);
    return {
      ...done,
      figures: [
        ...[...rendered, ...trustFigures].flatMap((f) => (f.png ? [f.svg, f.png] : [f.svg])),
        ...(budgetDrawn ? [budgetDrawn.svg] : []),
      ],
      html,
      quarantine,
    };
  } finally {
    if (!options.figurePool) await pool.close();
  }
}

/** One figure drawn on the pool into `outDir/figures/<name>.svg` (and .png with PNG options). */
async function drawFigure(
  pool: RenderPool,
  outDir: string,
  name: string,
  spec: VegaLiteSpec,
  png: PngOptions | false,
): Promise<{ name: string; svg: string; png: string | null; markup: string }> {
  const dir = join(outDir, "figures");
  await mkdir(dir, { recursive: true });
  const drawn = await pool.render(spec, png);
  const paths = { name, svg: join(dir, `${name}.svg`), png: drawn.png ? join(dir, `${name}.png`) : null };
  await writeFile(paths.svg, drawn.svg);
  if (paths.png && drawn.png) await writeFile(paths.png, drawn.png);
  return { ...paths, markup: drawn.svg };
}

/** The plan's response curves, SVG only (the page inlines it), with its drawings for the page's columns. */
async function drawPlanFigure(
  pool: RenderPool,
  outDir: string,
  spec: VegaLiteSpec,
  rooms: PageRooms,
): Promise<{ svg: string; markup: string; page: PageRenderings }> {
  const drawn = await drawFigure(pool, outDir, "response-curves", spec, false);
  const { pageRenderings } = await import("../charts/render-all.ts");
  const page = await pageRenderings(
    spec,
    drawn.markup,
    rooms,
    async (s) => (await pool.render(s, false)).svg,
  );
  return { svg: drawn.svg, markup: drawn.markup, page };
}
