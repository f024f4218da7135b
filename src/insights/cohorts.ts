/**
 * The most promising buyer cohorts: highest LTV at lifetime H-1 among mature cohorts, or, while no
 * cohort is H months old, at the latest lifetime every cohort has reached.
 */
import { t } from "../i18n/index.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { LtvRow, Tables } from "../metrics/tables.ts";
import type { RunContext } from "../presentation.ts";
import { contextEvidence, joinAnd, moneyText, shareText } from "./phrases.ts";
import { MIN_COHORT_SIZE, ONE_BUYER_COHORT_SHARE, TOP_COHORTS } from "./thresholds.ts";
import { matureBasisText } from "./trust.ts";
import type { Evidence, Finding } from "./types.ts";

/** Observed LTV cells of cohorts big enough to compare. */
function observedCells(tables: Tables): (LtvRow & { ltv: number })[] {
  return tables.ltv.filter(
    (r): r is LtvRow & { ltv: number } => r.ltv !== null && r.cohort_size >= MIN_COHORT_SIZE,
  );
}

/** The latest lifetime observed in every cohort, or null without cohorts. */
function latestCommonLifetime(cells: LtvRow[]): number | null {
  const latest = new Map<string, number>();
  for (const c of cells) latest.set(c.cohort, Math.max(latest.get(c.cohort) ?? 0, c.lifetime));
  return latest.size === 0 ? null : Math.min(...latest.values());
}

/**
 * At most one finding; none when fewer than two cohorts can be compared. A listed cohort whose largest
 * buyer brings a big share of its revenue says so, and the finding states how many mature cohorts
 * were compared.
 */
export function cohortFindings(m: MetricsResult, p: RunContext): Finding[] {
  const tables = m.tables;
  const topShare = new Map(m.trust?.concentration.byCohort.map((c) => [c.cohort, c.topBuyerShare]));
  const cells = observedCells(tables);
  const mature = cells.filter((c) => c.lifetime === p.horizon - 1);
  const lifetime = mature.length > 0 ? p.horizon - 1 : latestCommonLifetime(cells);
  if (lifetime === null) return [];
  const candidates = cells.filter((c) => c.lifetime === lifetime);
  if (candidates.length < 2) return [];
  const top = candidates
    .sort((a, b) => b.ltv - a.ltv || (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0))
    .slice(0, TOP_COHORTS);
  const list = joinAnd(
    p.lang,
    top.map((c) => {
      const share = topShare.get(c.cohort) ?? null;
      const one = share !== null && share >= ONE_BUYER_COHORT_SHARE;
      return t(p.lang, one ? "insight.cohorts.itemOneBuyer" : "insight.cohorts.item", {
        cohort: c.cohort,
        ltv: moneyText(p, c.ltv),
        ...(one ? { share: shareText(p, share) } : {}),
      });
    }),
  );
  const text =
    mature.length > 0
      ? t(p.lang, "insight.cohorts.top", {
          horizon: p.horizon,
          list,
          basis: matureBasisText(p.lang, mature.length),
        })
      : // Lifetime k is the (k+1)-th month of a cohort: say the month a reader counts.
        t(p.lang, "insight.cohorts.topEarly", { horizon: p.horizon, month: lifetime + 1, list });
  const evidence: Evidence[] = [
    { metric: "lifetime", value: lifetime, unit: "months" },
    ...top.flatMap((c): Evidence[] => [
      { metric: `ltv:${c.cohort}`, value: c.ltv, unit: "money" },
      { metric: `cohort_size:${c.cohort}`, value: c.cohort_size, unit: "count" },
      ...(topShare.get(c.cohort) != null
        ? [{ metric: `top_buyer_share:${c.cohort}`, value: topShare.get(c.cohort)!, unit: "share" as const }]
        : []),
    ]),
    ...contextEvidence(p),
  ];
  return [
    {
      id: "cohorts-top-ltv",
      verdict: "info",
      subject: "cohort",
      key: top[0]?.cohort ?? null,
      text,
      evidence,
    },
  ];
}
