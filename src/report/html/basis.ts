/**
 * What each column of Sources in numbers rests on. The columns do not share one basis: CAC divides
 * the whole period's spend by all its buyers, LTV and ROMI at H look only at the cohorts old enough to
 * have H months of life, and payback searches every month of life over the cohorts that have reached
 * it (spec/metrics.md). Side by side without this, "paid back in the 1st month" beside "ROMI 0.89", or
 * LTV / CAC beside a different ROMI, read as contradictions.
 */
import type { MetricsResult } from "../../metrics/result.ts";
import type { BySourceRow } from "../../metrics/tables.ts";
import type { RunContext } from "../../presentation.ts";
import { fmtWindow, tr } from "./format.ts";
import { type Html, html } from "./html.ts";

/** Marks a payback that the cohorts observed for the whole horizon do not bear out. */
export const EARLY_PAYBACK_MARK = "*";

/**
 * A payback inside the horizon beside a ROMI at H below 1: the younger cohorts (which count towards
 * the early months only) paid back, the cohorts observed for H months have not.
 */
export function earlyPaybackOnYoungCohorts(v: RunContext, row: BySourceRow): boolean {
  return (
    row.payback_lifetime !== null && row.payback_lifetime < v.horizon && row.romi_h !== null && row.romi_h < 1
  );
}

/** The footnote under the table: one line per group of columns with the same basis. */
export function bySourceBasis(v: RunContext, rows: readonly BySourceRow[], m: MetricsResult): Html {
  const mature = m.ltv.matureCohorts;
  const window = fmtWindow(v, v.from, v.to);
  const lines = [
    tr(v, "report.basis.period", { window }),
    mature.length > 0
      ? tr(v, "report.basis.mature", {
          horizon: v.horizon,
          count: mature.length,
          first: mature[0]!,
          last: mature[mature.length - 1]!,
        })
      : tr(v, "report.basis.matureNone", { horizon: v.horizon }),
    tr(v, "report.basis.payback"),
    ...(rows.some((r) => earlyPaybackOnYoungCohorts(v, r))
      ? [`${EARLY_PAYBACK_MARK} ${tr(v, "report.basis.earlyPayback", { horizon: v.horizon })}`]
      : []),
  ];
  return html`<div class="note basis" data-basis><b>${tr(v, "report.basis.title")}</b><ul>${lines.map(
    (l) => html`<li>${l}</li>`,
  )}</ul></div>`;
}
