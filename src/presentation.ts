/**
 * The one input of everything that shows an analysis (figures, the HTML report, the dashboard's
 * pages, the terminal summary): the analysis itself plus the run context it is shown in. The context
 * is derived here, once, from the options the numbers were computed with; nothing downstream keeps
 * its own copy of the language, currency, horizon or attribution model.
 */
import type { Analysis, MetricsDocument } from "./analyze.ts";
import type { Lang } from "./i18n/index.ts";
import type { AnalysisOptions } from "./metrics/options.ts";

/**
 * What the numbers are shown with: the language of the reader plus the options of the run
 * (window, horizon, margin, attribution model, cohort grain, currency label).
 */
export interface RunContext extends AnalysisOptions {
  lang: Lang;
}

/** An analysis and the context it is presented in. */
export interface Presentation {
  analysis: Analysis;
  context: RunContext;
}

/** The run context of `options` shown in `lang`. */
export function runContext(options: AnalysisOptions, lang: Lang): RunContext {
  return { ...options, lang };
}

/** An analysis presented in `lang`, with the options it was computed with. */
export function presentationOf(analysis: Analysis, lang: Lang): Presentation {
  return { analysis, context: runContext(analysis.metadata.options, lang) };
}

/** Every source and device of the whole dataset, whatever the filter (natural id order). */
export interface DatasetKeys {
  sources: readonly string[];
  devices: readonly string[];
}

/**
 * The dataset's sources and devices when the analysis carries them (`analysis.metadata.sources` /
 * `devices`, the whole data's lists): a source keeps one colour under every filter. Older documents
 * lack them; callers then fall back to the keys in the tables.
 */
export function datasetKeys(a: Analysis): Partial<DatasetKeys> {
  const m = a.metadata as Analysis["metadata"] & Partial<DatasetKeys>;
  return { ...(m.sources ? { sources: m.sources } : {}), ...(m.devices ? { devices: m.devices } : {}) };
}

/** The analysis behind a metrics.json document (the API's answer): metrics back under `metrics`. */
export function analysisOfDocument(doc: MetricsDocument, dataset?: DatasetKeys): Analysis {
  const { metadata, dataQuality, bySourceByModel, insights, ...metrics } = doc;
  // The dashboard knows the dataset's lists from /api/filters; the document's own win when present.
  const withKeys = dataset ? { ...dataset, ...metadata } : metadata;
  return { metadata: withKeys, dataQuality, bySourceByModel, insights, metrics };
}
