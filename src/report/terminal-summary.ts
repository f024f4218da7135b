import type { Analysis } from "../analyze.ts";
import { formatNumber, formatPercent, type Lang, t } from "../i18n/index.ts";
import { budgetSentence } from "../insights/budget-sentence.ts";

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
  const s = Object.fromEntries(metrics.tables.summary.map((r) => [r.metric, r.value]));
  const num = (key: string, decimals: number) => {
    const v = s[key];
    return typeof v === "number" ? formatNumber(lang, v, decimals) : typeof v === "string" ? v : "—";
  };
  const share = (key: string) => (typeof s[key] === "number" ? formatPercent(lang, s[key] as number) : "—");
  const money = (key: string) => `${num(key, 2)} ${o.currency}`;
  // A table mostly rejected undermines every number below it: say so before them (ingest's own words).
  const alarms = analysis.dataQuality.warnings.filter((w) => w.code === "mostly_rejected");
  const lines = [
    t(lang, "terminal.title", { from: o.from, to: o.to }),
    ...alarms.map((w) => `  !! ${w.message}`),
    "",
    `  ${t(lang, "terminal.users")}: ${num("users", 0)}   ${t(lang, "terminal.buyers")}: ${num("buyers", 0)}   ${t(lang, "terminal.conversion")}: ${share("conversion_rate")}`,
    `  ${t(lang, "terminal.revenue")}: ${money("revenue")}   ${t(lang, "terminal.costs")}: ${money("costs")}`,
    `  CAC: ${money("cac")}   LTV (${o.horizon}): ${money("ltv_h")}   ROMI (${o.horizon}): ${num("romi_h", 2)}`,
    `  DAU / WAU / MAU: ${num("dau", 0)} / ${num("wau", 0)} / ${num("mau", 0)}`,
    "",
    t(lang, "terminal.verdicts", { model: t(lang, `insight.model.${o.attribution}`), horizon: o.horizon }),
  ];
  for (const f of insights.findings.filter((x) => x.subject !== "data-quality")) lines.push(`  - ${f.text}`);
  if (analysis.verdicts.length > 0) {
    // Issue 10: the same sources judged on their ROMI interval and on single customers.
    lines.push("", lang === "ru" ? "С учётом неопределённости:" : "With their uncertainty:");
    for (const v of analysis.verdicts) lines.push(`  - ${v.text}`);
  }
  if (analysis.budget) lines.push("", budgetSentence(analysis.budget, lang, o.currency));
  const caveats = insights.findings.filter((x) => x.subject === "data-quality").length;
  if (caveats > 0) lines.push("", t(lang, "terminal.caveats", { count: caveats }));
  lines.push("", t(lang, "terminal.output", { path: paths.html ?? paths.out }));
  return lines.join("\n");
}
