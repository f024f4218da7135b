/**
 * The memo's bottom line: does marketing as a whole pay back within H. Where budget should move is the
 * budget plan's answer (budget-sentence.ts), not a rule of thumb on the per-source verdicts.
 */
import { type MessageKey, t } from "../i18n/index.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { RunContext } from "../presentation.ts";
import { contextEvidence, modelText, moneyText, romiText } from "./phrases.ts";
import { SCALE_ROMI } from "./thresholds.ts";
import { intervalText, matureBasisText } from "./trust.ts";
import type { Finding } from "./types.ts";

/**
 * "Overall, marketing does not pay back yet: … spent, ROMI 0.77 (90 % interval 0.70–0.85) within 6
 * months", when measurable. With an interval the sentence follows the same rule as the sources: it
 * pays back only when the whole interval is above 1, does not when the whole is below, else it cannot
 * be told. It states the mature cohorts it rests on.
 */
export function overallRomiFinding(m: MetricsResult, p: RunContext): Finding[] {
  const romi = m.marketing.romiH;
  if (romi === null) return [];
  const spend = m.data.costs;
  const all = m.trust?.intervals.bySource.find((s) => s.source === "all")?.romiH ?? null;
  const level = m.trust?.intervals.level ?? m.options.confidence;
  const low = all?.low ?? null;
  const high = all?.high ?? null;
  const bounded = low !== null && high !== null;
  const key: MessageKey = !bounded
    ? romi >= SCALE_ROMI
      ? "insight.overall.pays"
      : "insight.overall.notPays"
    : low > SCALE_ROMI
      ? "insight.overall.pays"
      : high < SCALE_ROMI
        ? "insight.overall.notPays"
        : "insight.overall.unclear";
  const mature = m.ltv.matureCohorts.length;
  return [
    {
      id: "overall-romi",
      verdict: "info",
      subject: "overall",
      key: null,
      text: t(p.lang, key, {
        spend: moneyText(p, spend),
        romi: romiText(p, romi),
        interval: intervalText(p.lang, level, low, high),
        horizon: p.horizon,
        model: modelText(p),
        basis: matureBasisText(p.lang, mature),
      }),
      evidence: [
        { metric: "romi_h", value: romi, unit: "ratio" },
        { metric: "romi_h_low", value: low, unit: "ratio" },
        { metric: "romi_h_high", value: high, unit: "ratio" },
        { metric: "mature_cohorts", value: mature, unit: "count" },
        { metric: "costs", value: spend, unit: "money" },
        ...contextEvidence(p),
      ],
    },
  ];
}
