/**
 * The batch renderer: every figure of the registry into `outDir/figures/` as `<name>.svg` and, when
 * PNG options are given, `<name>.png`. The specs are built here; compiling and drawing them happens on
 * worker threads (render-pool.ts), so neither Vega nor resvg is loaded on this thread.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fitToRoom } from "./reflow.ts";
import { FIGURE_NAMES, FIGURES, type FigureName } from "./registry.ts";
import type { PngOptions } from "./render.ts";
import { RenderPool } from "./render-pool.ts";
import type { Presentation, VegaLiteSpec } from "./types.ts";

export interface RenderedFigure {
  name: FigureName;
  /** Paths written; `png` is null when no PNG was asked for. */
  svg: string;
  png: string | null;
  /** The SVG markup itself, as written to `svg`. */
  markup: string;
  /** With `hooks.page`: the figure drawn for the page's column, and for a phone's when that differs. */
  page?: PageRenderings;
}

/**
 * A figure redrawn for the widths of a page that has no script to redraw it (charts/reflow.ts); each
 * is null when it would be the natural drawing (a heatmap, which scrolls in its box instead).
 */
export interface PageRenderings {
  wide: string | null;
  narrow: string | null;
}

/** Column widths, in CSS px, of the page the figures are inlined into. */
export interface PageRooms {
  wide: number;
  narrow: number;
}

export interface RenderAllHooks {
  /** Called as figures finish (in any order), e.g. for a progress line. */
  onFigure?: (done: number, total: number) => void;
  /** Threads to render on; default one per core, at most four. Ignored with `pool`. */
  threads?: number;
  /**
   * A pool started earlier, so that its threads load Vega while the metrics are computed; the caller
   * closes it. Without it, one is started here and closed when the figures are done.
   */
  pool?: RenderPool;
  /** Also draw each figure for these columns (the HTML report's); the files keep the natural size. */
  page?: PageRooms;
}

/**
 * Renders every figure and returns what was written, in registry order. `png: false` writes the SVGs
 * only (the HTML report inlines SVG; PNGs are for slides and documents); PNG options apply to all.
 */
export async function renderAllFigures(
  p: Presentation,
  outDir: string,
  png: PngOptions | false = {},
  hooks: RenderAllHooks = {},
): Promise<RenderedFigure[]> {
  const dir = join(outDir, "figures");
  await mkdir(dir, { recursive: true });
  const pool = hooks.pool ?? new RenderPool(hooks.threads);
  let done = 0;
  try {
    return await Promise.all(
      FIGURE_NAMES.map(async (name): Promise<RenderedFigure> => {
        const spec = FIGURES[name](p);
        const rendered = await pool.render(spec, png);
        const svg = join(dir, `${name}.svg`);
        const pngPath = rendered.png ? join(dir, `${name}.png`) : null;
        await writeFile(svg, rendered.svg);
        if (pngPath && rendered.png) await writeFile(pngPath, rendered.png);
        hooks.onFigure?.(++done, FIGURE_NAMES.length);
        const page = hooks.page
          ? await pageRenderings(spec, rendered.svg, hooks.page, poolSvg(pool))
          : undefined;
        return { name, svg, png: pngPath, markup: rendered.svg, ...(page ? { page } : {}) };
      }),
    );
  } finally {
    if (!hooks.pool) await pool.close();
  }
}

const svgWidth = (svg: string) => Number(/<svg[^>]*?\swidth="([\d.]+)"/.exec(svg)?.[1]);

/** The pool's SVG of a spec. */
const poolSvg = (pool: RenderPool) => async (spec: VegaLiteSpec) => (await pool.render(spec, false)).svg;

/**
 * `spec` (drawn as `natural`) fitted to the page's wide and narrow columns, drawn by `draw`. Every
 * candidate drawn while fitting is kept, so the drawing that was measured last is not drawn again.
 */
export async function pageRenderings(
  spec: VegaLiteSpec,
  natural: string,
  rooms: PageRooms,
  draw: (spec: VegaLiteSpec) => Promise<string>,
): Promise<PageRenderings> {
  const drawn = new Map<string, Promise<string>>([[JSON.stringify(spec), Promise.resolve(natural)]]);
  const once = (candidate: VegaLiteSpec) => {
    const key = JSON.stringify(candidate);
    let svg = drawn.get(key);
    if (!svg) {
      svg = draw(candidate);
      drawn.set(key, svg);
    }
    return svg;
  };
  const measure = async (candidate: VegaLiteSpec) => svgWidth(await once(candidate));
  // Vega marks a legend's group `role-legend`; without one the phone's legend rule is not drawn for.
  const legend = natural.includes("role-legend");
  const [wideSpec, narrowSpec] = await Promise.all([
    fitToRoom(spec, rooms.wide, measure),
    fitToRoom(spec, rooms.narrow, measure, legend),
  ]);
  const [wide, narrow] = await Promise.all([once(wideSpec), once(narrowSpec)]);
  return { wide: wide === natural ? null : wide, narrow: narrow === natural ? null : narrow };
}
