import type { TopLevelSpec } from "vega-lite";
import type { Presentation } from "../presentation.ts";

export type { Presentation, RunContext } from "../presentation.ts";

/** A complete Vega-Lite spec: data inlined, so it renders (or ships to the dashboard) on its own. */
export type VegaLiteSpec = TopLevelSpec;

/**
 * Builds one figure from an analysis and the context it is shown in; never queries anything. Tables
 * come from `analysis.metrics.tables`, other numbers from the typed members of `MetricsResult`.
 */
export type FigureBuilder = (p: Presentation) => VegaLiteSpec;
