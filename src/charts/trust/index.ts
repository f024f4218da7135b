/** The issue-10 figures, rendered beside the others into `<outDir>/figures/` (SVG and PNG). */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Lang } from "../../i18n/index.ts";
import type { TrustVerdict } from "../../insights/trust.ts";
import type { MetricsResult } from "../../metrics/result.ts";
import { type PngOptions, renderPngAsync, renderSvg } from "../render.ts";
import { ltvForecastFigure } from "./ltv-forecast.ts";
import { romiIntervalsFigure } from "./romi-intervals.ts";

export { ltvForecastFigure, romiIntervalsFigure };

export async function renderTrustFigures(
  metrics: MetricsResult,
  verdicts: readonly TrustVerdict[],
  ctx: { lang: Lang; currency: string; horizon: number },
  outDir: string,
  /** PNG beside the SVG (with these options), as `report --png` asks for the other figures. */
  png: PngOptions | false = false,
): Promise<{ name: string; svg: string; png: string | null; markup: string }[]> {
  if (!metrics.trust) return [];
  const dir = join(outDir, "figures");
  await mkdir(dir, { recursive: true });
  const specs = [
    ["ltv-forecast", ltvForecastFigure(metrics.trust.forecast.ltv, ctx)],
    ...(verdicts.length > 0 ? [["romi-intervals", romiIntervalsFigure(verdicts, ctx)] as const] : []),
  ] as const;
  const out = [];
  for (const [name, spec] of specs) {
    const markup = await renderSvg(spec);
    const paths = { name, svg: join(dir, `${name}.svg`), png: png ? join(dir, `${name}.png`) : null };
    await writeFile(paths.svg, markup);
    if (png && paths.png) await writeFile(paths.png, await renderPngAsync(markup, png));
    out.push({ ...paths, markup });
  }
  return out;
}
