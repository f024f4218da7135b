import type { Analysis } from "../analyze.ts";
import { formatNumber, formatPercent, type Lang, type MessageKey, t } from "../i18n/index.ts";
import type { Cac } from "../metrics/tables.ts";

/** CAC without a number, in words: spend without buyers, no spend, or withheld under a device filter. */
const CAC_WORDS: Record<Exclude<Cac, number>, MessageKey> = {
  infinite: "insight.cac.infinite",
  no_spend: "cac.noSpend",
  not_applicable: "cac.notApplicable",
};

/**
 * The short summary `report` prints: the headline numbers and the verdicts, in the report's language.
 * Plain text, no colours: it must read the same in a terminal, a CI log and an e-mail.
 */
export function terminalSummary(
  analysis: Analysis,
  lang: Lang,
  paths: { html: string | null; out: string },
): string {
  const { metrics, insights, metadata } = analysis;
  const o = metadata.options;
  const { data, activity, conversion, ltv, marketing } = metrics;
  const num = (v: number | null, decimals: number) => (v === null ? "—" : formatNumber(lang, v, decimals));
  const share = (v: number | null) => (v === null ? "—" : formatPercent(lang, v));
  const money = (v: number | null) => `${num(v, 2)} ${o.currency}`;
  const cac = typeof marketing.cac === "number" ? money(marketing.cac) : t(lang, CAC_WORDS[marketing.cac]);
  // A table mostly rejected undermines every number below it: say so before them (ingest's own words).
  const alarms = analysis.dataQuality.warnings.filter((w) => w.code === "mostly_rejected");
  const lines = [
    t(lang, "terminal.title", { from: o.from, to: o.to }),
    ...alarms.map((w) => `  !! ${w.message}`),
    "",
    `  ${t(lang, "terminal.users")}: ${num(data.users, 0)}   ${t(lang, "terminal.buyers")}: ${num(data.buyers, 0)}   ${t(lang, "terminal.conversion")}: ${share(conversion.rate)}`,
    `  ${t(lang, "terminal.revenue")}: ${money(data.revenue)}   ${t(lang, "terminal.costs")}: ${money(data.costs)}`,
    `  CAC: ${cac}   LTV (${o.horizon}): ${money(ltv.ltvH)}   ROMI (${o.horizon}): ${num(marketing.romiH, 2)}`,
    `  DAU / WAU / MAU: ${num(activity.dau.mean, 0)} / ${num(activity.wau.mean, 0)} / ${num(activity.mau.mean, 0)}`,
    "",
    t(lang, "terminal.verdicts", { model: t(lang, `insight.model.${o.attribution}`), horizon: o.horizon }),
  ];
  // The source lines are the budget verdicts (insights/trust.ts): one sentence per source, no second list.
  for (const f of insights.findings.filter((x) => x.subject !== "data-quality")) lines.push(`  - ${f.text}`);
  const caveats = insights.findings.filter((x) => x.subject === "data-quality").length;
  if (caveats > 0) lines.push("", t(lang, "terminal.caveats", { count: caveats }));
  lines.push("", t(lang, "terminal.output", { path: paths.html ?? paths.out }));
  return lines.join("\n");
}
