/**
 * Figures: the registry (registry.ts: one Vega-Lite builder per figure), the renderer (render.ts:
 * spec -> SVG -> PNG) and the batch renderer (render-all.ts: every figure into a directory, on worker
 * threads).
 */
export { FIGURE_NAMES, FIGURES, type FigureName } from "./registry.ts";
export { compileSpec, type PngOptions, renderPng, renderPngAsync, renderSvg } from "./render.ts";
export { type RenderAllHooks, type RenderedFigure, renderAllFigures } from "./render-all.ts";
export { RenderPool } from "./render-pool.ts";
export type { FigureBuilder, Presentation, RunContext, VegaLiteSpec } from "./types.ts";
