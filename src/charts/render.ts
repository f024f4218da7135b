/**
 * Vega-Lite spec -> SVG (Vega in Node, no browser, no canvas) -> PNG (resvg). Text is laid out and
 * drawn with the bundled Liberation Sans, so both steps agree on glyph widths and Cyrillic renders
 * the same on every machine. Liberation Sans is metric-compatible with Arial, which the SVG names as
 * its fallback, so the SVG opened in a browser keeps the same layout.
 */
import { fileURLToPath } from "node:url";
import { Resvg, type ResvgRenderOptions, renderAsync } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile } from "vega-lite";
import { type FontMetrics, loadFontMetrics } from "./font-metrics.ts";
import { FONT_FAMILY } from "./theme.ts";
import type { VegaLiteSpec } from "./types.ts";

const FONT_DIR = fileURLToPath(new URL("../../assets/fonts/", import.meta.url));
export const FONT_FILES = [`${FONT_DIR}LiberationSans-Regular.ttf`, `${FONT_DIR}LiberationSans-Bold.ttf`];

interface TextItem {
  fontSize?: number | string;
  fontWeight?: string | number;
}
interface TextMetricsHook {
  width: (item: TextItem, text: unknown) => number;
}

let metrics: { regular: FontMetrics; bold: FontMetrics } | undefined;

/**
 * Replaces Vega's text width estimate with real advances of the bundled font. Vega keeps this hook
 * as module state (it is what vl-convert overrides too); it is not in vega's typings.
 */
function installTextMetrics(): void {
  if (metrics) return;
  metrics = { regular: loadFontMetrics(FONT_FILES[0]!), bold: loadFontMetrics(FONT_FILES[1]!) };
  const m = metrics;
  const hook = (vega as unknown as { textMetrics: TextMetricsHook }).textMetrics;
  // Raw width, no truncation: Vega's own `truncate` calls this hook for its binary search.
  hook.width = (item, text) => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const w = item.fontWeight;
    const bold = w === "bold" || w === "bolder" || (typeof w === "number" && w >= 600) || Number(w) >= 600;
    const s = text == null ? "" : String(text).trim();
    return (bold ? m.bold : m.regular).width(s, size);
  };
}

export interface CompiledSpec {
  vega: vega.Spec;
  /** Vega-Lite's warnings (e.g. a channel dropped); a figure should compile without any. */
  warnings: string[];
}

/** Compiles a Vega-Lite spec to Vega, collecting warnings instead of printing them. */
export function compileSpec(spec: VegaLiteSpec): CompiledSpec {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...a: unknown[]) => {
      throw new Error(`vega-lite: ${a.join(" ")}`);
    },
    warn: (...a: unknown[]) => {
      warnings.push(a.join(" "));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  // biome-ignore lint/suspicious/noExplicitAny: vega-lite's LoggerInterface is not exported from its root
  const { spec: vg } = compile(spec, { logger: logger as any });
  return { vega: vg as vega.Spec, warnings };
}

// Vega numbers SVG clip paths and gradients with module-level counters; renders are serialised and
// the counters reset so the same spec always gives the same bytes.
let queue: Promise<unknown> = Promise.resolve();

/** Renders a Vega-Lite spec to an SVG document (deterministic: same spec, same bytes). */
export function renderSvg(spec: VegaLiteSpec): Promise<string> {
  installTextMetrics();
  const run = async (): Promise<string> => {
    const { vega: vg } = compileSpec(spec);
    const problems: string[] = [];
    const view = new vega.View(vega.parse(vg), {
      renderer: "none",
      logLevel: vega.Warn,
      logger: {
        level: () => vega.Warn,
        error: (...a: unknown[]) => problems.push(a.join(" ")),
        warn: () => undefined,
        info: () => undefined,
        debug: () => undefined,
      } as unknown as vega.LoggerInterface,
    });
    try {
      vega.resetSVGDefIds();
      const svg = await view.toSVG();
      if (problems.length) throw new Error(`vega: ${problems.join("; ")}`);
      return svg;
    } finally {
      view.finalize();
    }
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

export interface PngOptions {
  /** Output width in px (height follows the aspect ratio); overrides `scale`. */
  width?: number;
  /** Zoom factor over the SVG's own size; default 2, sharp on high-density screens and in print. */
  scale?: number;
}

/** Rasterises an SVG (from `renderSvg`) to PNG with the bundled fonts only, on a white background. */
export function renderPng(svg: string, options: PngOptions = {}): Buffer {
  return new Resvg(svg, pngOptions(options)).render().asPng();
}

/**
 * The same on libuv's thread pool: the caller can compile the next figure while this one rasterises,
 * which puts the second core to work (the PNGs are most of the report's figure time).
 */
export async function renderPngAsync(svg: string, options: PngOptions = {}): Promise<Buffer> {
  return (await renderAsync(svg, pngOptions(options))).asPng();
}

function pngOptions(options: PngOptions): ResvgRenderOptions {
  const fitTo =
    options.width !== undefined
      ? ({ mode: "width", value: Math.round(options.width) } as const)
      : ({ mode: "zoom", value: options.scale ?? 2 } as const);
  return {
    fitTo,
    background: "white",
    font: {
      fontFiles: FONT_FILES,
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  };
}
