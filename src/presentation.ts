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

/** The analysis behind a metrics.json document (the API's answer): metrics back under `metrics`. */
export function analysisOfDocument(doc: MetricsDocument): Analysis {
  const { metadata, dataQuality, bySourceByModel, insights, verdicts, budget, ...metrics } = doc;
  return { metadata, dataQuality, bySourceByModel, insights, verdicts, budget, metrics };
}
