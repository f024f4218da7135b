import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Analysis, metricsDocument } from "../analyze.ts";
import type { Engine } from "../engine/engine.ts";
import type { Lang } from "../i18n/index.ts";
import { writeQuarantine } from "../ingest/index.ts";
import { writeBudgetCsv, writeBudgetFigure } from "./budget-files.ts";
import { writeCsvTables } from "./csv-tables.ts";

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
  /** Called before each long step, for progress on a terminal. */
  onStep?: (step: string) => void;
}

/**
 * Writes a finished analysis to `outDir`: metrics.json (the documented schema: metadata, data
 * quality, every metric, insights), the tidy CSV tables, the quarantine, and with `visuals` the
 * figures (SVG + PNG) and the self-contained index.html.
 */
export async function writeReport(
  analysis: Analysis,
  engine: Engine,
  outDir: string,
  options: WriteReportOptions,
): Promise<WrittenReport> {
  const step = options.onStep ?? (() => {});
  const { metadata, dataQuality, metrics, insights } = analysis;
  let quarantine: string | null = null;
  if (dataQuality.quarantine.rows > 0) {
    quarantine = join(outDir, "quarantine.csv");
    await writeQuarantine(engine, quarantine);
    dataQuality.quarantine.path = quarantine;
  }
  const metricsJson = join(outDir, "metrics.json");
  await writeFile(metricsJson, `${JSON.stringify(metricsDocument(analysis), null, 2)}\n`);
  const tables = [
    ...writeCsvTables(metrics.tables, join(outDir, "tables")),
    ...writeBudgetCsv(analysis.budget, join(outDir, "tables")),
  ];
  if (options.visuals === false) return { metricsJson, tables, figures: [], html: null, quarantine };

  step("figures");
  const { renderAllFigures } = await import("../charts/index.ts");
  const { options: o } = metadata;
  const { meanS, medianS, modeS, histogram } = metrics.sessions;
  const ctx = {
    lang: options.lang,
    currency: o.currency,
    horizon: o.horizon,
    attribution: o.attribution,
    // Numbers some figures need beyond the tables (session length, AOV by month).
    extras: {
      sessionHistogram: histogram,
      sessionStats: { meanS, medianS, modeS },
      aovByMonth: metrics.orders.aovByMonth,
    },
  };
  const rendered = await renderAllFigures(metrics.tables, ctx, outDir);
  const figures = rendered.map((f) => ({ name: f.name, svg: f.markup }));
  const budgetFigure = await writeBudgetFigure(
    analysis.budget,
    { lang: options.lang, currency: o.currency },
    outDir,
  );

  step("html");
  const { renderReportHtml } = await import("./html/index.ts");
  const html = join(outDir, "index.html");
  const page = renderReportHtml({
    lang: options.lang,
    currency: o.currency,
    horizon: o.horizon,
    attribution: o.attribution,
    generatedFrom: { inputs: metadata.inputs.map((i) => i.path), window: { from: o.from, to: o.to } },
    tables: metrics.tables,
    insights,
    figures,
    quality: dataQuality,
    extras: { margin: o.margin, cohortGrain: o.cohortGrain },
    budget: analysis.budget,
    budgetFigure: budgetFigure?.svg ?? null,
  });
  await writeFile(html, page);
  return {
    metricsJson,
    tables,
    figures: [...rendered.flatMap((f) => [f.svg, f.png]), ...(budgetFigure ? [budgetFigure.path] : [])],
    html,
    quarantine,
  };
}
