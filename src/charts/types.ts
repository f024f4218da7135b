import type { TopLevelSpec } from "vega-lite";
import type { Lang } from "../i18n/index.ts";
import type { Tables } from "../metrics/tables.ts";

/** A complete Vega-Lite spec: data inlined, so it renders (or ships to the dashboard) on its own. */
export type VegaLiteSpec = TopLevelSpec;

/** What a figure needs besides the tables: language, labels and the run's settings it names. */
export interface FigureContext {
  lang: Lang;
  /** Currency label shown in money axes, e.g. `USD`, `у.е.`. */
  currency: string;
  /** Horizon H in months (LTV, ROMI and payback at H). */
  horizon: number;
  /** Attribution model the by-source tables follow, e.g. `first-touch`. */
  attribution: string;
}

/** Builds one figure from the tidy tables; never queries anything. */
export type FigureBuilder = (tables: Tables, ctx: FigureContext) => VegaLiteSpec;
