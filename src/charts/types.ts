import type { TopLevelSpec } from "vega-lite";
import type { Lang } from "../i18n/index.ts";
import type { Tables } from "../metrics/tables.ts";

/** A complete Vega-Lite spec: data inlined, so it renders (or ships to the dashboard) on its own. */
export type VegaLiteSpec = TopLevelSpec;

/** One bin of the session-length histogram (structurally the same as metrics' `HistogramBin`). */
export interface SessionLengthBin {
  /** Lower bound in seconds, inclusive. */
  fromS: number;
  /** Upper bound in seconds, exclusive; null for the open last bin (3600 s and more). */
  toS: number | null;
  sessions: number;
}

/** Session-length headline numbers in seconds (`MetricsResult.sessions`); null when unmeasured. */
export interface SessionLengthStats {
  meanS: number | null;
  medianS: number | null;
  modeS: number | null;
}

/** AOV of one calendar month `YYYY-MM` (`MetricsResult.orders.aovByMonth`); aov null: no orders. */
export interface AovMonth {
  month: string;
  orders: number;
  revenue: number;
  aov: number | null;
}

/**
 * Numbers some figures need that are not in `Tables` (they live in `MetricsResult`). Every member is
 * optional: a figure whose numbers are missing draws the "no data" placeholder.
 */
export interface FigureExtras {
  /** `MetricsResult.sessions.histogram`. */
  sessionHistogram?: readonly SessionLengthBin[];
  /** `MetricsResult.sessions` (meanS, medianS, modeS). */
  sessionStats?: SessionLengthStats;
  /** `MetricsResult.orders.aovByMonth`. */
  aovByMonth?: readonly AovMonth[];
}

/** What a figure needs besides the tables: language, labels and the run's settings it names. */
export interface FigureContext {
  lang: Lang;
  /** Currency label shown in money axes, e.g. `USD`, `у.е.`. */
  currency: string;
  /** Horizon H in months (LTV, ROMI and payback at H). */
  horizon: number;
  /** Attribution model the by-source tables follow, e.g. `first-touch`. */
  attribution: string;
  /** Numbers from outside `Tables` (session length, AOV by month); optional, see `FigureExtras`. */
  extras?: FigureExtras;
}

/** Builds one figure from the tidy tables; never queries anything. */
export type FigureBuilder = (tables: Tables, ctx: FigureContext) => VegaLiteSpec;
