/** The Product, Sales and Marketing sections: a few headline facts, then the figures that exist. */
import type { MessageKey } from "../../i18n/index.ts";
import type { MetricsResult } from "../../metrics/result.ts";
import type { RunContext } from "../../presentation.ts";
import { figureBlock, type ReportFigure, SECTION_FIGURES } from "./figures.ts";
import { fmtCount, fmtDays, fmtDuration, fmtMinutes, fmtMoney, fmtRatio, fmtShare, tr } from "./format.ts";
import { type Html, html } from "./html.ts";
import { type Fact, factList } from "./kpi.ts";
import { byDeviceTable } from "./tables.ts";

export type SectionId = keyof typeof SECTION_FIGURES;

/** A `<section>` with its heading; `flow` sections do not start a new printed page. */
export function section(v: RunContext, id: string, titleKey: MessageKey, body: Html, flow = false): Html {
  return html`<section id="${id}"${flow ? html` class="flow"` : ""}><h2>${tr(v, titleKey)}</h2>${body}</section>\n`;
}

/** Mean month-1 retention over the cohorts where it is observed (`MetricsResult.retention`). */
export function month1Retention(m: MetricsResult): { mean: number; cohorts: number } | null {
  const cell = m.retention.meanByLifetime.find((r) => r.lifetime === 1);
  return cell && cell.retention !== null ? { mean: cell.retention, cohorts: cell.cohorts } : null;
}

function productFacts(v: RunContext, m: MetricsResult): Fact[] {
  const facts: Fact[] = [
    { label: tr(v, "report.fact.sessions"), value: fmtCount(v, m.data.sessions) },
    { label: tr(v, "report.fact.sessionsPerUserDay"), value: fmtRatio(v, m.activity.sessionsPerUserDay) },
    { label: tr(v, "report.fact.sessionMedian"), value: fmtDuration(v, m.sessions.medianS) },
    { label: tr(v, "report.fact.sessionMode"), value: fmtDuration(v, m.sessions.modeS) },
  ];
  const r1 = month1Retention(m);
  if (r1)
    facts.push({
      label: tr(v, "report.fact.retention1", { cohorts: r1.cohorts }),
      value: fmtShare(v, r1.mean),
    });
  return facts;
}

function salesFacts(v: RunContext, m: MetricsResult): Fact[] {
  return [
    { label: tr(v, "report.fact.orders"), value: fmtCount(v, m.data.orders) },
    { label: tr(v, "report.fact.aov"), value: fmtMoney(v, m.orders.aov) },
    { label: tr(v, "report.fact.lagMean"), value: fmtDays(v, m.conversion.lag.meanDays) },
    { label: tr(v, "report.fact.lagMedian"), value: fmtMinutes(v, m.conversion.lag.medianMinutes) },
    { label: tr(v, "report.fact.ordersPerBuyerH"), value: fmtRatio(v, m.orders.ordersPerBuyerH) },
    { label: tr(v, "report.fact.ltvCohortMean"), value: fmtMoney(v, m.ltv.ltvHCohortMean) },
  ];
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
  v: RunContext,
  id: SectionId,
  figures: ReadonlyMap<string, ReportFigure>,
  m: MetricsResult,
): Html | null {
  const { tables } = m;
  const facts = id === "product" ? productFacts(v, m) : id === "sales" ? salesFacts(v, m) : [];
  const parts: Html[] = [];
  for (const [titleKey, names] of SECTION_FIGURES[id]) {
    const blocks = names.map((n) => figureBlock(figures, n)).filter((b): b is Html => b !== null);
    if (id === "sales" && titleKey === "report.sub.ltv" && tables.by_device.length > 0) {
      blocks.push(
        html`<div class="keep by-device"><h4>${tr(v, "report.sub.byDevice")}</h4>${byDeviceTable(v, tables.by_device)}</div>`,
      );
    }
    if (blocks.length > 0) parts.push(html`<h3>${tr(v, titleKey)}</h3>${blocks}`);
  }
  if (facts.length === 0 && parts.length === 0) return null;
  return section(v, id, TITLES[id], html`${factList(facts)}${parts}`);
}
