/**
 * The intervals of issue 10 as the report and the dashboard write them: `[low–high]` beside a number,
 * read from `MetricsResult.trust` (absent when the API was asked without `intervals=1`: then nothing
 * is written and nothing breaks).
 */

import { formatNumber } from "../../i18n/index.ts";
import type { Interval, MetricsResult, SourceConcentration, SourceInterval } from "../../metrics/result.ts";
import type { RunContext } from "../../presentation.ts";
import { fmtRatio, tr } from "./format.ts";
import { type Child, html } from "./html.ts";

/** The slice's intervals and concentration by source (`all` for the whole slice), or null. */
export interface TrustLookup {
  level: number;
  interval: (source: string) => SourceInterval | undefined;
  concentration: (source: string) => SourceConcentration | undefined;
}

export function trustLookup(m: MetricsResult | undefined): TrustLookup | null {
  const trust = m?.trust;
  if (!trust) return null;
  const intervals = new Map(trust.intervals.bySource.map((s) => [s.source, s]));
  const concentration = new Map(trust.concentration.bySource.map((c) => [c.source, c]));
  return {
    level: trust.intervals.level,
    interval: (s) => intervals.get(s),
    concentration: (s) => concentration.get(s),
  };
}

export type IntervalKind = "ltv_h" | "cac" | "romi_h";

/** `[0.70–0.85]` under a number, marked for tests and styles; nothing without both bounds. */
export function intervalChild(v: RunContext, kind: IntervalKind, i: Interval | undefined): Child {
  const text = intervalText(v, kind, i);
  // The space keeps "4.74 USD [3.91–6.07]" apart in the text a CSV export or a screen reader reads.
  return text === null ? "" : html`<br> <span class="ci" data-ci="${kind}">${text}</span>`;
}

/**
 * `[low–high]` in the unit of `kind`, or null without both bounds. Money bounds are written with the
 * number's decimals but without the currency, which stands once on the number above them.
 */
export function intervalText(v: RunContext, kind: IntervalKind, i: Interval | undefined): string | null {
  // Zero width means a count, not an estimate (the overall CAC: spend fixed, the slice's buyers kept
  // at N by the bootstrap's rescaling): "[8.91–8.91]" would read as false precision.
  if (!i || i.low === null || i.high === null) return null;
  const f = (x: number) =>
    kind === "romi_h" ? fmtRatio(v, x) : formatNumber(v.lang, x, Math.abs(x) >= 1000 ? 0 : 2);
  const low = f(i.low);
  const high = f(i.high);
  return low === high ? null : `[${low}–${high}]`;
}

/** "90 % interval" in the report's language. */
export function levelText(v: RunContext, level: number): string {
  return tr(v, "report.ci.level", { level: Math.round(level * 100) });
}
