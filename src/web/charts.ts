/**
 * Figures in the browser: the same builders as the report (charts/FIGURES) give Vega-Lite specs,
 * compiled here and drawn by Vega as SVG. Expressions run in vega-interpreter rather than through
 * `new Function`, so the page works under a strict Content-Security-Policy (no 'unsafe-eval').
 * Tooltips are the figures' own (in the reader's language); in by-source figures a click on a source
 * reports its id.
 */
import { parse, View } from "vega";
import { expressionInterpreter } from "vega-interpreter";
import { compile } from "vega-lite";
import { Handler } from "vega-tooltip";
import { FIGURES, type FigureName } from "../charts/index.ts";
import { sourcePalette } from "../charts/palette.ts";
import { fitToRoom, followingEdges } from "../charts/reflow.ts";
import type { VegaLiteSpec } from "../charts/types.ts";
import { UNATTRIBUTED } from "../metrics/attribution.ts";
import type { Presentation } from "../presentation.ts";
import { addFigureExports } from "./export.ts";
import { atWidth, drawnWidth, type Runtime, shapeOf } from "./figure-shape.ts";
import { timestampsForInterpreter } from "./vega-compat.ts";

/** Figures with one mark per source: clicking a mark filters the dashboard by that source. */
const BY_SOURCE = new Set<string>([
  "conversion-lag-by-source",
  "ltv-by-source",
  "spend-by-source",
  "cac-by-source",
  "romi-by-source",
  "payback-by-source",
]);

const tooltip = new Handler({ disableDefaultStyle: true, theme: "light" });

/** A figure on the page with its view, and what it was drawn from (`drawnFrom`). */
interface Drawn {
  name: string;
  key: string;
  figure: HTMLElement;
  view: View;
}
let drawn: Drawn[] = [];

/** Removes the views drawn before (their listeners and timers go with them). */
export function clearCharts(): void {
  for (const d of drawn) d.view.finalize();
  drawn = [];
}

/**
 * What a figure's drawing depends on: its spec, the room it is fitted to, the page's language (the
 * export buttons) and whether its marks are clickable (by name); equal keys draw the same figure.
 * `scope` keeps figures within one analysis (drawCharts).
 */
function drawnFrom(scope: string, name: string, spec: VegaLiteSpec, room: number, lang: string): string {
  return `${scope}\n${name}\n${room}\n${lang}\n${JSON.stringify(spec)}`;
}

/**
 * Draws every `figure[data-figure]` under `root` from the presentation; `onSource` gets the id of a source
 * clicked in a by-source figure. A figure drawn before from the same spec for the same room (most of
 * them when the intervals arrive for the numbers on screen: only the figures with error bars or bands
 * change) is moved into its new slot as it is, view and all, instead of being drawn again: compiling,
 * fitting and drawing a figure costs tens of ms in the browser. Figures are kept only within one
 * `scope` (the analysis query): a filter change draws every figure again, even one that comes out the
 * same, so that a redraw always replaces the figures' SVG (what test/dashboard-latency.test.ts times).
 */
export async function drawCharts(
  root: HTMLElement,
  p: Presentation,
  onSource: (id: string) => void,
  /** Figures of the page that are not in the registry (the source page's), by slot name. */
  extra: Readonly<Record<string, VegaLiteSpec>> = {},
  scope = "",
): Promise<void> {
  const kept = drawn;
  drawn = [];
  const byLabel = new Map(
    sourcePalette(p)
      .filter((s) => s.id !== UNATTRIBUTED)
      .map((s) => [s.label, s.id]),
  );
  // Every slot's spec and room first, so that the views that are not kept are finalized before any
  // is drawn (as clearCharts did), and each kept one is in place before the page is painted.
  const slots = [...root.querySelectorAll<HTMLElement>("figure[data-figure]")].flatMap((figure) => {
    const name = figure.dataset.figure as FigureName;
    const build = FIGURES[name];
    const natural = build ? build(p) : extra[name];
    const room = figure.clientWidth;
    return natural
      ? [{ figure, name, natural, room, key: drawnFrom(scope, name, natural, room, p.context.lang) }]
      : [];
  });
  const reused = slots.map(({ name, key }) => {
    const at = kept.findIndex((d) => d.name === name && d.key === key);
    return at < 0 ? null : kept.splice(at, 1)[0]!;
  });
  for (const d of kept) d.view.finalize();
  await Promise.all(
    slots.map(async ({ figure, name, natural, room, key }, i) => {
      const old = reused[i];
      if (old) {
        figure.replaceWith(old.figure);
        drawn.push(old);
        return;
      }
      const clickable = BY_SOURCE.has(name);
      const compileVega = (spec: VegaLiteSpec) => {
        const config = spec.config ?? {};
        // Tooltips come from each figure's own `tooltip` encodings (translated titles, values with
        // their units); by-source marks look clickable.
        const mark = { ...config.mark, ...(clickable ? { cursor: "pointer" as const } : {}) };
        return timestampsForInterpreter(compile({ ...spec, config: { ...config, mark } }).spec);
      };
      // Specs of one shape (shapeOf) compile and parse to one Vega runtime up to the value of its
      // width signal: the figure is compiled and parsed once, and every other width it is measured or
      // drawn at is that runtime with its width set (at 1280 px every figure widens: one Vega-Lite
      // compile and one Vega parse instead of two).
      const byShape = new Map<string, Runtime>();
      const runtime = (candidate: VegaLiteSpec): Runtime => {
        const shape = shapeOf(candidate);
        const known = shape === null ? undefined : byShape.get(shape);
        if (known) return atWidth(known, (candidate as { width: number }).width);
        const vegaSpec = compileVega(shape === null ? candidate : followingEdges(candidate));
        const parsed = parse(vegaSpec, undefined, { ast: true });
        if (shape !== null) byShape.set(shape, parsed);
        return parsed;
      };
      // Drawn for the column it sits in (charts/reflow.ts): the plot narrows on a phone with its
      // text at full size, and widens on a desktop; a step-sized plot (a heatmap) scrolls instead.
      // The natural size is measured off the page, so only the final drawing is ever shown.
      const probes = new Map<VegaLiteSpec, View>();
      const measure = async (candidate: VegaLiteSpec) => {
        const probe = new View(runtime(candidate), { expr: expressionInterpreter, renderer: "none" });
        probes.set(candidate, probe);
        await probe.runAsync();
        return drawnWidth(probe) ?? Number(/<svg[^>]*?\swidth="([\d.]+)"/.exec(await probe.toSVG())?.[1]);
      };
      const spec = await fitToRoom(natural, room, measure);
      // The spec fitted is often one measured (most figures on a phone): its probe, already
      // compiled and run, is drawn on the page instead of compiling the same spec again.
      const measured = probes.get(spec);
      for (const probe of probes.values()) if (probe !== measured) probe.finalize();
      figure.replaceChildren();
      // In the order the View constructor takes its options: hover, then the container.
      const view = measured
        ? measured.renderer("svg").hover().initialize(figure)
        : new View(runtime(spec), {
            expr: expressionInterpreter,
            renderer: "svg",
            container: figure,
            hover: true,
          });
      // A view's first run sets its container's cursor (Vega's cursor operator, "default" until a
      // pointer moves over a mark); the probe's ran with no container.
      if (measured) figure.style.cursor = "default";
      view.tooltip(tooltip.call);
      if (clickable) {
        view.addEventListener("click", (_event, item) => {
          const datum = (item as { datum?: Record<string, unknown> } | null | undefined)?.datum;
          // Bars carry the source id; older marks only their label (the id or "unattributed").
          const direct = typeof datum?.id === "string" ? datum.id : undefined;
          const label = [datum?.label, datum?.source].find((v): v is string => typeof v === "string");
          const id = direct ?? (label === undefined ? undefined : byLabel.get(label));
          if (id !== undefined) onSource(id);
        });
      }
      drawn.push({ name, key, figure, view });
      await view.runAsync();
      addFigureExports(figure, name, p.context.lang, view);
      const svg = figure.querySelector("svg");
      svg?.setAttribute("role", "img");
    }),
  );
}
