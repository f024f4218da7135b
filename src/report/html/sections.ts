/** The Product, Sales and Marketing sections: a few headline facts, then the figures that exist. */
import type { MessageKey } from "../../i18n/index.ts";
import type { RetentionRow, Tables } from "../../metrics/tables.ts";
import { figureBlock, SECTION_FIGURES } from "./figures.ts";
import {
  fmtCount,
  fmtDays,
  fmtDuration,
  fmtMinutes,
  fmtMoney,
  fmtRatio,
  fmtShare,
  tr,
  type View,
} from "./format.ts";
import { type Html, html } from "./html.ts";
import { type Fact, factList, type Summary, summaryFacts } from "./kpi.ts";
import { byDeviceTable } from "./tables.ts";

export type SectionId = keyof typeof SECTION_FIGURES;

/** A `<section>` with its heading; `flow` sections do not start a new printed page. */
export function section(v: View, id: string, titleKey: MessageKey, body: Html, flow = false): Html {
  return html`<section id="${id}"${flow ? html` class="flow"` : ""}><h2>${tr(v, titleKey)}</h2>${body}</section>\n`;
}

/** Mean month-1 retention over the cohorts where it is observed, and how many those are. */
export function month1Retention(rows: readonly RetentionRow[]): { mean: number; cohorts: number } | null {
  const cells = rows.filter((r) => r.lifetime === 1 && r.retention !== null);
  if (cells.length === 0) return null;
  return { mean: cells.reduce((a, r) => a + r.retention!, 0) / cells.length, cohorts: cells.length };
}

function productFacts(v: View, s: Summary, tables: Tables): Fact[] {
  const facts = summaryFacts(s, [
    ["sessions", tr(v, "report.fact.sessions"), (x) => fmtCount(v, x)],
    ["sessions_per_user_day", tr(v, "report.fact.sessionsPerUserDay"), (x) => fmtRatio(v, x)],
    ["session_median_s", tr(v, "report.fact.sessionMedian"), (x) => fmtDuration(v, x)],
    ["session_mode_s", tr(v, "report.fact.sessionMode"), (x) => fmtDuration(v, x)],
  ]);
  const r1 = month1Retention(tables.retention);
  if (r1)
    facts.push({
      label: tr(v, "report.fact.retention1", { cohorts: r1.cohorts }),
      value: fmtShare(v, r1.mean),
    });
  return facts;
}

function salesFacts(v: View, s: Summary): Fact[] {
  return summaryFacts(s, [
    ["orders", tr(v, "report.fact.orders"), (x) => fmtCount(v, x)],
    ["aov", tr(v, "report.fact.aov"), (x) => fmtMoney(v, x)],
    ["conversion_lag_mean_days", tr(v, "report.fact.lagMean"), (x) => fmtDays(v, x)],
    ["conversion_lag_median_min", tr(v, "report.fact.lagMedian"), (x) => fmtMinutes(v, x)],
    ["orders_per_buyer_h", tr(v, "report.fact.ordersPerBuyerH"), (x) => fmtRatio(v, x)],
    ["ltv_h_cohort_mean", tr(v, "report.fact.ltvCohortMean"), (x) => fmtMoney(v, x)],
  ]);
}

const TITLES: Record<SectionId, MessageKey> = {
  product: "report.section.product",
  sales: "report.section.sales",
  marketing: "report.section.marketing",
};

/**
 * One of the three figure sections, or null when it has nothing to show: no fact, no figure and
 * (for Sales) no device table.
 */
export function figureSection(
  v: View,
  id: SectionId,
  figures: ReadonlyMap<string, string>,
  s: Summary,
  tables: Tables,
): Html | null {
  const facts = id === "product" ? productFacts(v, s, tables) : id === "sales" ? salesFacts(v, s) : [];
  const parts: Html[] = [];
  for (const [titleKey, names] of SECTION_FIGURES[id]) {
    const blocks = names.map((n) => figureBlock(figures, n)).filter((b): b is Html => b !== null);
    if (id === "sales" && titleKey === "report.sub.ltv" && tables.by_device.length > 0) {
      blocks.push(
        html`<div class="keep"><h4>${tr(v, "report.sub.byDevice")}</h4>${byDeviceTable(v, tables.by_device)}</div>`,
      );
    }
    if (blocks.length > 0) parts.push(html`<h3>${tr(v, titleKey)}</h3>${blocks}`);
  }
  if (facts.length === 0 && parts.length === 0) return null;
  return section(v, id, TITLES[id], html`${factList(facts)}${parts}`);
}
