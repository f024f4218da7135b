/**
 * The memo's bottom line: does marketing as a whole pay back within H. Where budget should move is the
 * budget plan's answer (budget-sentence.ts), not a rule of thumb on the per-source verdicts.
 */
import { type MessageKey, t } from "../i18n/index.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { RunContext } from "../presentation.ts";
import { contextEvidence, modelText, moneyText, romiText } from "./phrases.ts";
import { SCALE_ROMI } from "./thresholds.ts";
import type { Finding } from "./types.ts";

/** "Overall, marketing does not pay back yet: … spent, ROMI 0.77 within 6 months", when measurable. */
export function overallRomiFinding(m: MetricsResult, p: RunContext): Finding[] {
  const romi = m.marketing.romiH;
  if (romi === null) return [];
  const spend = m.data.costs;
  const key: MessageKey = romi >= SCALE_ROMI ? "insight.overall.pays" : "insight.overall.notPays";
  return [
    {
      id: "overall-romi",
      verdict: "info",
      subject: "overall",
      key: null,
      text: t(p.lang, key, {
        spend: moneyText(p, spend),
        romi: romiText(p, romi),
        horizon: p.horizon,
        model: modelText(p),
      }),
      evidence: [
        { metric: "romi_h", value: romi, unit: "ratio" },
        { metric: "costs", value: spend, unit: "money" },
        ...contextEvidence(p),
      ],
    },
  ];
}
