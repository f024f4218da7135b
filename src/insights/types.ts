import type { BudgetPlanDocument } from "../budget/plan-document.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { Attribution } from "../metrics/tables.ts";
import type { RunContext } from "../presentation.ts";

/** What a finding recommends. */
export type Verdict = "scale" | "cut" | "watch" | "too_few_buyers" | "info" | "caveat";

/** A number a finding rests on, named so the report can show and format it. */
export interface Evidence {
  /** e.g. `romi_h`, `payback_lifetime`, `cac`, `buyers`, `spend_share`, `ltv_h`. */
  metric: string;
  value: number | string | null;
  /** `ratio`, `money`, `count`, `share`, `months`, or `text`. */
  unit: "ratio" | "money" | "count" | "share" | "months" | "text";
}

/** One statement a marketer can paste into a memo, with the numbers behind it. */
export interface Finding {
  /** Stable id, e.g. `source-5-scale`. */
  id: string;
  verdict: Verdict;
  /** `source`, `cohort`, `device`, `attribution`, `data-quality`, `overall`. */
  subject: "source" | "cohort" | "device" | "attribution" | "data-quality" | "overall";
  /** Source id, cohort `YYYY-MM`, device, or null. */
  key: string | null;
  /** The sentence, in the report's language, with its numbers formatted. */
  text: string;
  evidence: Evidence[];
}

/** How the per-source verdict changes with the attribution model. */
export interface SensitivityRow {
  source: string;
  verdicts: Record<Attribution, Verdict>;
  romiH: Record<Attribution, number | null>;
}

export interface Insights {
  horizon: number;
  attribution: Attribution;
  findings: Finding[];
  sensitivity: SensitivityRow[];
}

/** A data-quality warning of the ingest audit, as far as insights need it. */
export interface QualityNote {
  /** e.g. `missing_cost_days`, `outside_window`, `zero_revenue` (see ingest/quality.ts). */
  code: string;
  /** The audit's English sentence; used as is only for unknown codes in English reports. */
  message: string;
  count: number;
}

/** What the verdicts are derived from: the metrics of every model and the run context. */
export interface InsightInput {
  /** The metrics under each attribution model; `context.attribution` is the one the report leads with. */
  byModel: Record<Attribution, MetricsResult>;
  context: RunContext;
  /** The ingest audit's warnings, for the data caveats. */
  qualityNotes?: QualityNote[];
  /**
   * The budget plan of the chosen model (src/budget): its sentence is the one budget recommendation;
   * null = no plan could be made (the finding says why); undefined = not computed (no budget finding).
   */
  budget?: BudgetPlanDocument | null;
}
