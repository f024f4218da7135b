/**
 * The batch renderer: every figure of the registry into `outDir/figures/` as `<name>.svg` and, when
 * PNG options are given, `<name>.png`. The specs are built here; compiling and drawing them happens on
 * worker threads (render-pool.ts), so neither Vega nor resvg is loaded on this thread.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FIGURE_NAMES, FIGURES, type FigureName } from "./registry.ts";
import type { PngOptions } from "./render.ts";
import { RenderPool } from "./render-pool.ts";
import type { Presentation } from "./types.ts";

export interface RenderedFigure {
  name: FigureName;
  /** Paths written; `png` is null when no PNG was asked for. */
  svg: string;
  png: string | null;
  /** The SVG markup itself, for pages that inline it. */
  markup: string;
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
        const rendered = await pool.render(FIGURES[name](p), png);
        const svg = join(dir, `${name}.svg`);
        const pngPath = rendered.png ? join(dir, `${name}.png`) : null;
        await writeFile(svg, rendered.svg);
        if (pngPath && rendered.png) await writeFile(pngPath, rendered.png);
        hooks.onFigure?.(++done, FIGURE_NAMES.length);
        return { name, svg, png: pngPath, markup: rendered.svg };
      }),
    );
  } finally {
    if (!hooks.pool) await pool.close();
  }
}
