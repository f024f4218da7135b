import type { Engine } from "../engine/engine.ts";
import type { Attribution, CohortGrain, MetricOptions } from "./tables.ts";

/** Metric options plus the money label the report prints next to amounts. */
export interface AnalysisOptions extends MetricOptions {
  /** Short label of the single currency of revenue and costs, e.g. `USD`, `€`, `у.е.`. */
  currency: string;
  /** Coverage of the bootstrap intervals on LTV, CAC, ROMI and payback, e.g. 0.9 (`--confidence`). */
  confidence: number;
  /**
   * The LTV forecast of young cohorts (`--forecast-model`): `power`, the pooled power curve of the
   * cohorts' LTV; `buyer`, the buyer-level BG/BB + Gamma-Gamma model (docs/decisions.md, "Forecasts").
   * Always set by the validator; optional so that hand-built options need not name it (power then).
   */
  forecastModel?: ForecastModel;
}

export type ForecastModel = "power" | "buyer";
export const FORECAST_MODELS: readonly ForecastModel[] = ["power", "buyer"];

/** First and last visit start in the data (wall clock, `YYYY-MM-DD[ HH:MM:SS]`), null when no visits. */
export interface DataBounds {
  firstVisitStart: string | null;
  lastVisitStart: string | null;
}

export const ATTRIBUTIONS: readonly Attribution[] = ["first-touch", "last-touch", "linear"];
export const COHORT_GRAINS: readonly CohortGrain[] = ["month", "week"];

export const DEFAULT_OPTIONS = {
  horizon: 6,
  margin: 1,
  attribution: "first-touch",
  cohortGrain: "month",
  // An ISO code reads unambiguously in any locale; the Afisha reference exports (`*_us.csv`) are in
  // US dollars. Data in another currency passes its own label.
  currency: "USD",
  // 90 %: wide enough that "the interval is above break-even" is a claim worth acting on, narrow
  // enough that a source with a year of data can earn it (issue 10).
  confidence: 0.9,
  // The power curve: on the Afisha and generated backtests the buyer-level model is less accurate from
  // one observed month, biased low on Afisha, and forecasts fewer cohorts (docs/decisions.md, "Backtest").
  forecastModel: "power",
} as const satisfies Omit<AnalysisOptions, "from" | "to">;

/** Every problem of one set of options, one line each; `problems` keeps them separate for APIs. */
export class OptionsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "OptionsError";
  }
}

/** Options validated, before the window is known: `from` / `to` only where the caller gave them. */
export type ValidatedOptions = Omit<AnalysisOptions, "from" | "to"> & { from?: string; to?: string };

/**
 * The one options validator of the CLI, the library and the HTTP API. Accepts strings (command line,
 * query string) or typed values; keys are matched ignoring case, `-` and `_` (`cohort-grain`,
 * `cohort_grain`, `cohortGrain`); unknown keys are ignored so callers can pass their whole option bag.
 * Checks everything that can be checked without the data (a given window must have from < to).
 * Throws one OptionsError listing every problem.
 */
export function validateOptions(raw: Partial<Record<string, unknown>>): ValidatedOptions {
  const input = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined && value !== null && value !== "")
      input.set(key.replace(/[-_]/g, "").toLowerCase(), value);
  }
  const problems: string[] = [];
  const pick = <T>(
    key: string,
    fallback: T,
    parse: (value: unknown) => T | undefined,
    expected: string,
  ): T => {
    if (!input.has(key)) return fallback;
    const value = input.get(key);
    const parsed = parse(value);
    if (parsed === undefined)
      problems.push(`invalid ${optionName(key)}: ${show(value)} (expected ${expected})`);
    return parsed ?? fallback;
  };

  const horizon = pick(
    "horizon",
    DEFAULT_OPTIONS.horizon,
    parseHorizon,
    "a whole number of months from 1 to 36",
  );
  const margin = pick("margin", DEFAULT_OPTIONS.margin, parseMargin, "a number greater than 0 and at most 1");
  const attribution = pick<Attribution>(
    "attribution",
    DEFAULT_OPTIONS.attribution,
    parseAttribution,
    `one of ${ATTRIBUTIONS.join(", ")}`,
  );
  const cohortGrain = pick<CohortGrain>(
    "cohortgrain",
    DEFAULT_OPTIONS.cohortGrain,
    (v) => oneOf(v, COHORT_GRAINS),
    `one of ${COHORT_GRAINS.join(", ")}`,
  );
  const currency = pick(
    "currency",
    DEFAULT_OPTIONS.currency,
    parseCurrency,
    "a label of 1 to 12 visible characters",
  );
  const confidence = pick(
    "confidence",
    DEFAULT_OPTIONS.confidence,
    parseConfidence,
    "a coverage between 0.5 and 0.999, e.g. 0.9",
  );
  const forecastModel = pick<ForecastModel>(
    "forecastmodel",
    DEFAULT_OPTIONS.forecastModel,
    (v) => oneOf(v, FORECAST_MODELS),
    `one of ${FORECAST_MODELS.join(", ")}`,
  );
  const before = problems.length;
  const from = pick<string | undefined>("from", undefined, parseDate, "a date YYYY-MM-DD");
  const to = pick<string | undefined>("to", undefined, parseDate, "a date YYYY-MM-DD, exclusive");
  if (problems.length === before && from !== undefined && to !== undefined && from >= to) {
    problems.push(`invalid window: from ${from} is not before to ${to} (to is exclusive)`);
  }
  if (problems.length > 0) throw new OptionsError(problems);
  return {
    horizon,
    margin,
    attribution,
    cohortGrain,
    currency,
    confidence,
    forecastModel,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  };
}

/**
 * Validated options with the window filled in: `from`/`to` default from `bounds` as the spec says (the
 * day of the earliest visit start to the day after the latest). Throws OptionsError when a side is
 * missing and cannot be defaulted, or the window is empty.
 */
export function withWindow(options: ValidatedOptions, bounds?: DataBounds): AnalysisOptions {
  const from = options.from ?? defaultFrom(bounds);
  const to = options.to ?? defaultTo(bounds);
  const problems: string[] = [];
  for (const [name, value] of [
    ["from", from],
    ["to", to],
  ] as const) {
    if (value === null)
      problems.push(`missing ${name}: no visits in the data to default it from (expected a date YYYY-MM-DD)`);
  }
  if (from !== null && to !== null && from >= to) {
    problems.push(`invalid window: from ${from} is not before to ${to} (to is exclusive)`);
  }
  if (problems.length > 0 || from === null || to === null) throw new OptionsError(problems);
  return { ...options, from, to };
}

/** validateOptions then withWindow: raw options in, complete options out. */
export function normalizeOptions(
  raw: Partial<Record<string, unknown>>,
  bounds?: DataBounds,
): AnalysisOptions {
  return withWindow(validateOptions(raw), bounds);
}

/** Reads the visit-start bounds that default the window. */
export async function readDataBounds(engine: Engine): Promise<DataBounds> {
  const [row] = await engine.all(
    "SELECT CAST(min(start_ts) AS VARCHAR) AS first, CAST(max(start_ts) AS VARCHAR) AS last FROM visits",
  );
  return { firstVisitStart: asText(row?.first), lastVisitStart: asText(row?.last) };
}

const OPTION_NAMES: Record<string, string> = { cohortgrain: "cohort grain", forecastmodel: "forecast model" };
function optionName(key: string): string {
  return OPTION_NAMES[key] ?? key;
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function asText(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function parseHorizon(value: unknown): number | undefined {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*\d+\s*$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 36 ? n : undefined;
}

function parseMargin(value: unknown): number | undefined {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*\+?(\d+(\.\d*)?|\.\d+)\s*$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isFinite(n) && n > 0 && n <= 1 ? n : undefined;
}

function parseConfidence(value: unknown): number | undefined {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*0?\.\d+\s*$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isFinite(n) && n >= 0.5 && n <= 0.999 ? n : undefined;
}

/** An attribution model name as the options accept it (any case), or undefined. */
export function parseAttribution(value: unknown): Attribution | undefined {
  return oneOf(value, ATTRIBUTIONS);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  const text = typeof value === "string" ? value.trim().toLowerCase() : undefined;
  return allowed.find((option) => option === text);
}

function parseCurrency(value: unknown): string | undefined {
  const text = typeof value === "string" ? value.trim() : "";
  // Control characters would break CSV cells and report lines.
  const visible = [...text].length >= 1 && [...text].length <= 12 && !/\p{Cc}/u.test(text);
  return visible ? text : undefined;
}

function parseDate(value: unknown): string | undefined {
  const text = typeof value === "string" ? value.trim() : "";
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC rolls 2018-02-30 over into March; a real date survives the round trip.
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
    ? text
    : undefined;
}

function defaultFrom(bounds?: DataBounds): string | null {
  return bounds?.firstVisitStart ? bounds.firstVisitStart.slice(0, 10) : null;
}

function defaultTo(bounds?: DataBounds): string | null {
  if (!bounds?.lastVisitStart) return null;
  const day = new Date(`${bounds.lastVisitStart.slice(0, 10)}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}
