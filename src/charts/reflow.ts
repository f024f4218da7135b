/**
 * A figure drawn for a given width instead of shrunk to it: the plot width of a spec is changed and
 * everything else (font sizes, bar thickness, axis padding) stays, so text keeps its size on a phone
 * and a figure fills a wide column on a desktop. Only plots with a fixed pixel width reflow: a plot
 * sized by its step (heatmaps, one cell per lifetime) keeps its cells, which must hold their values,
 * and scrolls sideways in a narrow page instead. Marks placed at the plot's right edge by pixel (a
 * reference line's label) follow the new edge.
 */
import { wrap } from "./theme.ts";
import type { VegaLiteSpec } from "./types.ts";

type Node = Record<string, unknown>;

/** The plot width of `spec` (the widest panel of a vertical concat), or null when it is step-sized. */
export function plotWidth(spec: VegaLiteSpec): number | null {
  const s = spec as unknown as Node;
  if (typeof s.width === "number") return s.width;
  if (Array.isArray(s.vconcat)) {
    const widths = (s.vconcat as Node[])
      .map((p) => p.width)
      .filter((w): w is number => typeof w === "number");
    return widths.length === s.vconcat.length && widths.length > 0 ? Math.max(...widths) : null;
  }
  return null;
}

/** Replaces `x: { value: old }` (a mark at the right edge) with the plot's own width, in every layer. */
function followEdge(node: unknown, old: number): unknown {
  if (Array.isArray(node)) return node.map((n) => followEdge(n, old));
  if (!node || typeof node !== "object") return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node as Node)) {
    if (k === "data") out[k] = v;
    else if (k === "x" && v && typeof v === "object" && (v as Node).value === old)
      out[k] = { ...(v as Node), value: "width" };
    else out[k] = followEdge(v, old);
  }
  return out;
}

/** One view (or layer stack) with plot width `width`, its edge marks moved along. */
function withWidth(view: Node, width: number): Node {
  const old = view.width;
  if (typeof old !== "number") return view;
  return { ...(followEdge(view, old) as Node), width: Math.round(width) };
}

/**
 * `spec` with the marks at its plot's right edge following the plot width instead of sitting at its
 * number (what reflowSpec does to a spec it resizes): drawn the same at that width, and at any other
 * width once the width changes. Specs without a plot width of their own come back unchanged.
 */
export function followingEdges(spec: VegaLiteSpec): VegaLiteSpec {
  const s = spec as unknown as Node;
  return typeof s.width === "number" ? (withWidth(s, s.width) as unknown as VegaLiteSpec) : spec;
}

/** Average advance of a character in the theme's title (15 px) and subtitle (11.5 px) fonts. */
const TITLE_CHAR_PX = 8.2;
const SUBTITLE_CHAR_PX = 6.2;

/** The title's lines wrapped again for a figure `room` px wide (a title is as wide as its longest line). */
function rewrapTitle(title: unknown, room: number): unknown {
  if (!title || typeof title !== "object") return title;
  const t = title as Node;
  const lines = (x: unknown, charPx: number) => {
    const text = Array.isArray(x) ? x.join(" ") : typeof x === "string" ? x : null;
    return text === null ? x : wrap(text, Math.max(24, Math.floor((room - 24) / charPx)));
  };
  return {
    ...t,
    text: lines(t.text, TITLE_CHAR_PX),
    ...(t.subtitle === undefined ? {} : { subtitle: lines(t.subtitle, SUBTITLE_CHAR_PX) }),
  };
}

/**
 * `spec` with its plot `delta` px wider (negative: narrower), never narrower than `min` px; panels of a
 * vertical concat change together. A narrowed figure's title is wrapped again for `room` px (the
 * whole figure's width) when given. Step-sized specs come back unchanged.
 */
export function reflowSpec(spec: VegaLiteSpec, delta: number, room?: number, min = 140): VegaLiteSpec {
  const s = spec as unknown as Node;
  const titled = (out: Node): VegaLiteSpec =>
    (room !== undefined && delta < 0
      ? { ...out, title: rewrapTitle(out.title, room) }
      : out) as unknown as VegaLiteSpec;
  if (typeof s.width === "number") return titled(withWidth(s, Math.max(min, s.width + delta)));
  if (Array.isArray(s.vconcat) && plotWidth(spec) !== null) {
    const panels = (s.vconcat as Node[]).map((p) => withWidth(p, Math.max(min, (p.width as number) + delta)));
    return titled({ ...s, vconcat: panels });
  }
  return spec;
}

/** Room kept free beside a fitted figure (rounding, a scroll bar's edge). */
const FIT_MARGIN = 6;
/** Widest a fitted plot gets on a wide column (the builders' 600 px plus half). */
const MAX_PLOT = 900;
/** Plots narrower than this are sized to their few columns on purpose, and do not widen. */
const MIN_WIDENED = 480;
/** A column at most this wide is a phone's: legends go below the plot, where they take no width. */
export const PHONE_ROOM = 480;

/**
 * How many px a figure drawn `drawn` px wide should change its plot by to fill `room` px: negative
 * when it overflows, positive when a full-width plot leaves room beside it; 0 for a step-sized plot
 * or a change too small to redraw for.
 */
function fitDelta(room: number, drawn: number, spec: VegaLiteSpec): number {
  const plot = plotWidth(spec);
  if (plot === null || !Number.isFinite(drawn) || drawn <= 0 || room <= 0) return 0;
  let delta = Math.floor(room - FIT_MARGIN - drawn);
  if (delta > 0) delta = plot < MIN_WIDENED ? 0 : Math.min(delta, MAX_PLOT - plot);
  return Math.abs(delta) < 16 ? 0 : delta;
}

/**
 * `spec` for a phone's column: a legend beside the plot (Vega-Lite's default, right) goes below it, in
 * rows, so the plot keeps the width the legend took. Legends a figure placed itself keep their place.
 */
export function phoneLegends(spec: VegaLiteSpec): VegaLiteSpec {
  const config = (spec.config ?? {}) as Node;
  const legend = {
    ...(config.legend as Node | undefined),
    orient: "bottom",
    direction: "horizontal",
    columns: 3,
  };
  return { ...spec, config: { ...config, legend } } as VegaLiteSpec;
}

/**
 * `natural` drawn for a column `room` px wide, as the dashboard and the report draw it: the plot
 * narrows (text at full size) or widens to fill the room, and on a phone's column its legend moves
 * below. `measure` gives the width a spec draws at (it depends on the axis labels Vega keeps, so it
 * is measured, not computed): a narrower plot can move its labels (fewer fit, or slanted), so up to
 * two more steps follow the first. Step-sized plots (heatmaps) come back unchanged; they scroll.
 */
export async function fitToRoom(
  natural: VegaLiteSpec,
  room: number,
  measure: (spec: VegaLiteSpec) => Promise<number>,
  /** False when the figure is known to draw no legend: the phone's legend rule would change nothing. */
  legend = true,
): Promise<VegaLiteSpec> {
  if (plotWidth(natural) === null) return natural;
  const base = legend && room <= PHONE_ROOM ? phoneLegends(natural) : natural;
  const drawn = await measure(base);
  let delta = fitDelta(room, drawn, base);
  if (delta === 0) return base;
  let spec = reflowSpec(base, delta, room);
  for (let step = 0; step < 2 && delta < 0; step++) {
    const over = (await measure(spec)) - (room - FIT_MARGIN);
    if (over <= 0) break;
    delta -= over;
    spec = reflowSpec(base, delta, room);
  }
  return spec;
}
