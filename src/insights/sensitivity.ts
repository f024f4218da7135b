/**
 * How much each verdict owes to the attribution model: the same budget rule (insights/trust.ts, on
 * each model's own intervals) under first-touch, last-touch and linear, and a caution wherever a paid
 * source's verdict changes.
 */
import { t } from "../i18n/index.ts";
import { naturalIdOrder } from "../metrics/id-order.ts";
import { ATTRIBUTIONS } from "../metrics/options.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { Attribution } from "../metrics/tables.ts";
import type { RunContext } from "../presentation.ts";
import { contextEvidence, romiText, underText, verdictText } from "./phrases.ts";
import { assessSources, romiOf, type SourceAssessment } from "./sources.ts";
import type { Evidence, Finding, SensitivityRow, Verdict } from "./types.ts";

/** One row per source seen under any model, in source-id order. */
export function sensitivityRows(byModel: Record<Attribution, MetricsResult>): SensitivityRow[] {
  const perModel = new Map<Attribution, Map<string, SourceAssessment>>();
  const sources = new Set<string>();
  for (const model of ATTRIBUTIONS) {
    const assessed = assessSources(byModel[model]);
    perModel.set(model, new Map(assessed.map((a) => [a.row.source, a])));
    for (const a of assessed) sources.add(a.row.source);
  }
  return [...sources].sort(naturalIdOrder).map((source) => {
    const verdicts = {} as Record<Attribution, Verdict>;
    const romiH = {} as Record<Attribution, number | null>;
    for (const model of ATTRIBUTIONS) {
      const a = perModel.get(model)?.get(source);
      // A source a model's table lacks has no buyers under it: nothing to rank.
      verdicts[model] = a?.verdict ?? "too_few_buyers";
      romiH[model] = a ? romiOf(a) : null;
    }
    return { source, verdicts, romiH };
  });
}

/** True when the models disagree on the source's verdict. */
export function flips(row: SensitivityRow): boolean {
  return new Set(ATTRIBUTIONS.map((m) => row.verdicts[m])).size > 1;
}

/**
 * "The verdict for source 2 depends on attribution: …" for every paid source whose verdict flips.
 * Organic sources are left out: their only possible change (info vs too_few_buyers, on fractional
 * linear counts near the minimum) recommends nothing either way.
 */
export function flipFindings(rows: SensitivityRow[], assessed: SourceAssessment[], p: RunContext): Finding[] {
  const paid = new Set(assessed.filter((a) => a.paid).map((a) => a.row.source));
  return rows
    .filter((row) => paid.has(row.source) && flips(row))
    .map((row) => {
      const items = ATTRIBUTIONS.map((m) =>
        t(p.lang, "insight.flip.item", {
          verdict: verdictText(p.lang, row.verdicts[m]),
          under: underText(p.lang, m),
          romi: romiText(p, row.romiH[m]),
        }),
      );
      const evidence: Evidence[] = ATTRIBUTIONS.flatMap((m): Evidence[] => [
        { metric: `romi_h:${m}`, value: row.romiH[m], unit: "ratio" },
        { metric: `verdict:${m}`, value: row.verdicts[m], unit: "text" },
      ]);
      return {
        id: `attribution-${row.source}-flip`,
        verdict: "caveat",
        subject: "attribution",
        key: row.source,
        text: t(p.lang, "insight.flip", { source: row.source, list: items.join("; "), horizon: p.horizon }),
        evidence: [...evidence, ...contextEvidence(p)],
      };
    });
}
