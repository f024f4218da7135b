/**
 * The figure registry and the batch renderer: every figure is a pure function of a `Presentation`
 * (the analysis and the context it is shown in); `renderAllFigures` writes each as `<name>.svg` and
 * `<name>.png`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { activity } from "./figures/activity.ts";
import { aovByLifetime } from "./figures/aov-by-lifetime.ts";
import { aovByMonth } from "./figures/aov-by-month.ts";
import { cacByCohort } from "./figures/cac-by-cohort.ts";
import { cacBySource } from "./figures/cac-by-source.ts";
import { conversionLag } from "./figures/conversion-lag.ts";
import { conversionLagByCohort } from "./figures/conversion-lag-by-cohort.ts";
import { conversionLagBySource } from "./figures/conversion-lag-by-source.ts";
import { ltvByDevice } from "./figures/ltv-by-device.ts";
import { ltvBySource } from "./figures/ltv-by-source.ts";
import { ltvCurves } from "./figures/ltv-curves.ts";
import { ltvHeatmap } from "./figures/ltv-heatmap.ts";
import { paybackBySource } from "./figures/payback-by-source.ts";
import { purchasesPerMonth } from "./figures/purchases-per-month.ts";
import { retention } from "./figures/retention.ts";
import { romiBySource } from "./figures/romi-by-source.ts";
import { romiHeatmap } from "./figures/romi-heatmap.ts";
import { sessionLength } from "./figures/session-length.ts";
import { sessionsPerDay } from "./figures/sessions-per-day.ts";
import { spendBySource } from "./figures/spend-by-source.ts";
import { type PngOptions, renderPngAsync, renderSvg } from "./render.ts";
import type { FigureBuilder, Presentation } from "./types.ts";

export { compileSpec, type PngOptions, renderPng, renderPngAsync, renderSvg } from "./render.ts";
export type { FigureBuilder, Presentation, RunContext, VegaLiteSpec } from "./types.ts";

/** Every figure by file name, in the order a report tells the story: product, orders, money. */
export const FIGURES = {
  activity,
  "sessions-per-day": sessionsPerDay,
  "session-length": sessionLength,
  retention,
  "conversion-lag": conversionLag,
  "conversion-lag-by-source": conversionLagBySource,
  "conversion-lag-by-cohort": conversionLagByCohort,
  "purchases-per-month": purchasesPerMonth,
  "aov-by-month": aovByMonth,
  "aov-by-lifetime": aovByLifetime,
  "ltv-heatmap": ltvHeatmap,
  "ltv-curves": ltvCurves,
  "ltv-by-source": ltvBySource,
  "ltv-by-device": ltvByDevice,
  "spend-by-source": spendBySource,
  "cac-by-source": cacBySource,
  "cac-by-cohort": cacByCohort,
  "romi-heatmap": romiHeatmap,
  "romi-by-source": romiBySource,
  "payback-by-source": paybackBySource,
} satisfies Record<string, FigureBuilder>;

export type FigureName = keyof typeof FIGURES;
export const FIGURE_NAMES = Object.keys(FIGURES) as FigureName[];

export interface RenderedFigure {
  name: FigureName;
  /** Paths written. */
  svg: string;
  png: string;
  /** The SVG markup itself, for pages that inline it. */
  markup: string;
}

/**
 * Renders every figure into `outDir/figures/` as SVG and PNG and returns their paths, in registry
 * order. SVGs render one at a time (Vega's id counters are global); PNG options apply to all.
 */
export async function renderAllFigures(
  p: Presentation,
  outDir: string,
  png: PngOptions = {},
): Promise<RenderedFigure[]> {
  const dir = join(outDir, "figures");
  await mkdir(dir, { recursive: true });
  const out: RenderedFigure[] = [];
  const rasters: Promise<void>[] = [];
  for (const name of FIGURE_NAMES) {
    const svg = await renderSvg(FIGURES[name](p));
    const paths = { name, svg: join(dir, `${name}.svg`), png: join(dir, `${name}.png`) };
    await writeFile(paths.svg, svg);
    // Rasterise in the background while the next figure compiles; each PNG is written when done.
    rasters.push(renderPngAsync(svg, png).then((buffer) => writeFile(paths.png, buffer)));
    out.push({ ...paths, markup: svg });
  }
  await Promise.all(rasters);
  return out;
}
