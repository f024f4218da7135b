import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { type Analysis, metricsDocument } from "../analyze.ts";
import type { PngOptions } from "../charts/render.ts";
import type { RenderPool } from "../charts/render-pool.ts";
import type { Engine } from "../engine/engine.ts";
import type { Lang } from "../i18n/index.ts";
import { writeQuarantine } from "../ingest/index.ts";
import { presentationOf } from "../presentation.ts";
import { writeBudgetCsv, writeBudgetFigure } from "./budget-files.ts";
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
 * Writes a finished analysis to `outDir`: metrics.json (the documented schema: metadata, data
 * quality, every metric, insights), the tidy CSV tables, the quarantine, and with `visuals` the
 * figures (SVG, and PNG when asked) and the self-contained index.html. All of it goes into a
 * temporary directory beside `outDir` that replaces `outDir` only once complete (report-dir.ts): an
 * interrupted or failed run leaves the previous report intact. The returned paths are the final ones,
 * under `outDir`.
 */
export async function writeReport(
  analysis: Analysis,
  engine: Engine,
  outDir: string,
  options: WriteReportOptions,
): Promise<WrittenReport> {
  const { dir, written } = await replaceDirectory(outDir, async (work) => ({
    dir: work,
    written: await writeInto(analysis, engine, work, outDir, options),
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
  analysis: Analysis,
  engine: Engine,
  outDir: string,
  finalDir: string,
  options: WriteReportOptions,
): Promise<WrittenReport> {
  const step = options.onStep ?? (() => {});
  const { dataQuality, metrics } = analysis;
  let quarantine: string | null = null;
  if (dataQuality.quarantine.rows > 0) {
    quarantine = join(outDir, "quarantine.csv");
    // The quarantine stays where the files were audited (DuckDB, also for the ClickHouse engine).
    await writeQuarantine(engine.staging ?? engine, quarantine);
    // metrics.json names where the quarantine will be, not where it is being written.
    dataQuality.quarantine.path = join(finalDir, "quarantine.csv");
  }
  const metricsJson = join(outDir, "metrics.json");
  await writeFile(metricsJson, `${JSON.stringify(metricsDocument(analysis), null, 2)}\n`);
  const tableDir = join(outDir, "tables");
  const tables = [
    ...writeCsvTables({ ...metrics.tables, by_source: bySourceWithTrust(metrics) }, tableDir),
    ...writeForecastTables(metrics, tableDir),
    ...writeBudgetCsv(analysis.budget, tableDir),
  ];
  if (options.visuals === false) return { metricsJson, tables, figures: [], html: null, quarantine };

  step("figures");
  // render-all.ts, not charts/index.ts: the figures are drawn on worker threads, and the registry's
  // index would load Vega on this one for nothing.
  const { renderAllFigures } = await import("../charts/render-all.ts");
  const presentation = presentationOf(analysis, options.lang);
  const { PHONE_COLUMN, REPORT_COLUMN } = await import("./html/figures.ts");
  const rooms = { wide: REPORT_COLUMN, narrow: PHONE_COLUMN };
  const rendered = await renderAllFigures(presentation, outDir, options.png ?? false, {
    onFigure: options.onFigure,
    pool: options.figurePool,
    page: rooms,
  });
  // Issue 10: LTV with its forecast continuation, ROMI by source with its interval (files only for now:
  // the page does not place them yet).
  const { renderTrustFigures } = await import("../charts/trust/index.ts");
  const trustFigures = await renderTrustFigures(
    metrics,
    analysis.verdicts,
    presentation.context,
    outDir,
    options.png ?? false,
  );
  const figures = rendered.map((f) => ({
    name: f.name,
    svg: f.markup,
    wide: f.page?.wide ?? null,
    narrow: f.page?.narrow ?? null,
  }));
  const budgetFigure = await writeBudgetFigure(
    analysis.budget,
    { lang: options.lang, currency: presentation.context.currency },
    outDir,
    rooms,
  );

  step("html");
  const { renderReportHtml } = await import("./html/index.ts");
  const html = join(outDir, "index.html");
  const page = renderReportHtml(presentation, { figures, budgetFigure });
  await writeFile(html, page);
  return {
    metricsJson,
    tables,
    figures: [
      ...[...rendered, ...trustFigures].flatMap((f) => (f.png ? [f.svg, f.png] : [f.svg])),
      ...(budgetFigure ? [budgetFigure.path] : []),
    ],
    html,
    quarantine,
  };
}
