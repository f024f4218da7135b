/**
 * One Vega-Lite compile and one Vega parse per figure, whatever the widths it is measured and drawn at
 * (charts.ts, fitting a figure to its column): specs that differ only in their plot width parse to
 * one Vega runtime up to the value of its width signal (test/reflow.test.ts checks every figure).
 */
import type { parse, View } from "vega";
import { followingEdges } from "../charts/reflow.ts";
import type { VegaLiteSpec } from "../charts/types.ts";

export type Runtime = ReturnType<typeof parse>;

/** Each spec's shape, worked out once (a spec is measured, then drawn). */
const shapes = new WeakMap<VegaLiteSpec, string | null>();

/**
 * What a figure with a plot width of its own draws apart from that width (the marks at the plot's
 * right edge following it, reflow.ts followingEdges); null for a step-sized plot or a vertical concat.
 * A runtime parsed from `followingEdges(spec)` draws any spec of the same shape once atWidth gives it
 * that spec's width.
 */
export function shapeOf(spec: VegaLiteSpec): string | null {
  let shape = shapes.get(spec);
  if (shape === undefined) {
    shape =
      typeof (spec as { width?: unknown }).width === "number"
        ? JSON.stringify({ ...followingEdges(spec), width: 0 })
        : null;
    shapes.set(spec, shape);
  }
  return shape;
}

/**
 * `runtime` (a parsed Vega spec) with its width signal's value set to `width`: what parsing the same
 * spec with that top-level width gives. The other operators are shared: a View only reads them.
 */
export function atWidth(runtime: Runtime, width: number): Runtime {
  const operators = (runtime as unknown as { operators: { signal?: string; value?: unknown }[] }).operators;
  return {
    ...runtime,
    operators: operators.map((op) => (op.signal === "width" && "value" in op ? { ...op, value: width } : op)),
  } as unknown as Runtime;
}

/**
 * The width, in px, of the SVG a run view would draw (its `toSVG()`'s width attribute: the view's
 * width with its padding, vega-view render-size.js), read off the view instead of drawing the SVG as
 * text to measure it: that drawing was 5–10 % of a figure's cost. Null where the view does not expose
 * it (another Vega): measure the SVG then.
 */
export function drawnWidth(view: View): number | null {
  const inner = (view as unknown as { _viewWidth?: unknown })._viewWidth;
  if (typeof inner !== "number") return null;
  const padding = view.padding() as { left: number; right: number };
  return Math.max(0, inner + padding.left + padding.right);
}
