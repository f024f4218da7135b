/**
 * The query string of `GET /api/analysis` -> one validated request. Metric options go through the
 * shared `normalizeOptions` (the CLI and the library accept exactly the same values); the server adds
 * the acquisition filters (`sources`, `devices`), `lang`, and strictness about the query itself:
 * unknown, repeated or over-long parameters are refused, so a typo never silently means "all".
 */
import { LANGS, type Lang } from "../i18n/index.ts";
import {
  type AnalysisOptions,
  type DataBounds,
  type ForecastModel,
  normalizeOptions,
  OptionsError,
} from "../metrics/options.ts";

/** What the data offers to filter on, read once at start-up (see dataset.ts). */
export interface FilterCatalog {
  bounds: DataBounds;
  sources: readonly string[];
  devices: readonly string[];
  currency: string;
  /** The LTV forecast of every response (`serve --forecast-model`; default the power curve). */
  forecastModel?: ForecastModel;
}

export interface AnalysisRequest {
  /** Every metric option after defaults; `attribution` picks the model the verdicts speak for. */
  options: AnalysisOptions;
  /** Acquisition filters: sorted, without repeats; empty = no filter. */
  sources: string[];
  devices: string[];
  lang: Lang;
  /**
   * Include intervals, concentration and forecasts (`trust`, `verdicts`) with `intervals=1`. Off by
   * default: still about five times a plain filter's work at 4M sessions (measured in docs/serve.md),
   * so over the cube issue's 300 ms for a filter change. An `intervals=1` request adds them to the
   * point results cached under the same request's key with `intervals` false (analysis-service.ts).
   */
  intervals: boolean;
  /**
   * `parts=trust` (with `intervals=1`): only the parts of the document that the intervals add or
   * change (`trust`, `insights`, `verdicts`) and those that name the slice (`options`, `window`,
   * `filter`). The dashboard asks for the point document first and then for these, and merges them
   * (`{ ...point, ...parts }` is the whole intervals document, byte for byte): the second answer does
   * not repeat the ~60 % of the document the first one had (serialising, gzipping and caching it cost
   * the server's thread a third of its time per change, docs/serve.md). Default `all`.
   */
  parts: DocumentParts;
}

/** The whole document, or only what intervals change (see AnalysisRequest.parts). */
export type DocumentParts = "all" | "trust";

export const QUERY_PARAMETERS = [
  "from",
  "to",
  "sources",
  "devices",
  "attribution",
  "horizon",
  "grain",
  "margin",
  "lang",
  "intervals",
  "parts",
] as const;
const KNOWN = new Set<string>(QUERY_PARAMETERS);
export const MAX_VALUE_LENGTH = 2000;
export const MAX_LIST_ITEMS = 200;
const MAX_PROBLEMS = 20;

/** Parses and validates the query; throws OptionsError listing every problem, each naming its parameter. */
export function parseAnalysisQuery(query: URLSearchParams, catalog: FilterCatalog): AnalysisRequest {
  const problems: string[] = [];
  const values = new Map<string, string>();
  for (const [key, value] of query) {
    // Enough to act on; a query of a thousand junk parameters does not get a thousand lines back.
    if (problems.length >= MAX_PROBLEMS) break;
    if (!KNOWN.has(key))
      problems.push(`unknown parameter: ${show(key)} (expected ${QUERY_PARAMETERS.join(", ")})`);
    else if (values.has(key)) problems.push(`repeated parameter: ${key} (give it once)`);
    else if (value.length > MAX_VALUE_LENGTH)
      problems.push(`invalid ${key}: ${value.length} characters (expected at most ${MAX_VALUE_LENGTH})`);
    else values.set(key, value);
  }
  const sources = idList("sources", values.get("sources"), catalog.sources, problems);
  const devices = idList("devices", values.get("devices"), catalog.devices, problems);
  const lang = values.get("lang") ?? "en";
  if (!(LANGS as readonly string[]).includes(lang))
    problems.push(`invalid lang: ${show(lang)} (expected ${LANGS.join(" or ")})`);

  let options: AnalysisOptions | undefined;
  try {
    options = normalizeOptions(
      {
        from: values.get("from"),
        to: values.get("to"),
        horizon: values.get("horizon"),
        attribution: values.get("attribution"),
        cohortGrain: values.get("grain"),
        margin: values.get("margin"),
        currency: catalog.currency,
        forecastModel: catalog.forecastModel,
      },
      catalog.bounds,
    );
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    // The API calls the cohort grain `grain`: name the parameter the caller actually sent.
    problems.push(...error.problems.map((p) => p.replace(/^invalid cohort grain:/, "invalid grain:")));
  }
  const intervals = values.get("intervals") ?? "0";
  if (intervals !== "0" && intervals !== "1")
    problems.push(`invalid intervals: ${show(intervals)} (expected 0 or 1)`);
  const parts = values.get("parts") ?? "all";
  if (parts !== "all" && parts !== "trust")
    problems.push(`invalid parts: ${show(parts)} (expected all or trust)`);
  // Without intervals there is nothing they change: refused rather than answered with the point parts.
  else if (parts === "trust" && intervals !== "1")
    problems.push("invalid parts: trust needs intervals=1 (the parts that intervals add or change)");
  if (problems.length > 0 || options === undefined) throw new OptionsError(problems);
  return {
    options,
    sources,
    devices,
    lang: lang as Lang,
    intervals: intervals === "1",
    parts: parts as DocumentParts,
  };
}

/** A comma-separated list of ids that must all exist in the data; blanks are ignored. */
function idList(
  name: string,
  raw: string | undefined,
  known: readonly string[],
  problems: string[],
): string[] {
  if (raw === undefined) return [];
  const items = [...new Set(raw.split(",").map((s) => s.trim()))].filter((s) => s !== "");
  if (items.length > MAX_LIST_ITEMS) {
    problems.push(`invalid ${name}: ${items.length} ids (expected at most ${MAX_LIST_ITEMS})`);
    return [];
  }
  const knownSet = new Set(known);
  const unknown = items.filter((id) => !knownSet.has(id));
  if (unknown.length > 0) {
    const listed = known.slice(0, 30).join(", ") + (known.length > 30 ? ", …" : "");
    problems.push(
      `invalid ${name}: ${unknown.slice(0, 5).map(show).join(", ")} (expected comma-separated ids among ${listed || "none"})`,
    );
  }
  return items.filter((id) => knownSet.has(id)).sort();
}

/** A caller's text, quoted and cut short, for a one-line message. */
function show(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/**
 * The part of a request that decides the numbers of all three models (not the language; the model only
 * with intervals, see below). With `intervals` false it is also the key of the point results an
 * `intervals=1` request builds on, shared by the three models.
 */
export function computationKey(r: AnalysisRequest): string {
  const o = r.options;
  return JSON.stringify([
    o.from,
    o.to,
    o.horizon,
    o.margin,
    o.cohortGrain,
    o.confidence,
    o.forecastModel,
    r.sources,
    r.devices,
    r.intervals,
    // With intervals only the request's model has every trust number (the others have what their
    // verdicts read: server/analysis.ts), so those results are the request's model's alone.
    r.intervals ? r.options.attribution : null,
  ]);
}

/** The whole request: one response document (or its trust parts). */
export function documentKey(r: AnalysisRequest): string {
  return JSON.stringify([computationKey(r), r.options.attribution, r.lang, r.parts]);
}
