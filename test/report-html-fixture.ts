/**
 * Inputs for the HTML report tests: the chart fixture's `Tables` with a full summary, findings and
 * sensitivity in the report's language, and a data-quality report shaped like the Afisha run's.
 */
import { formatNumber, formatPercent, type Lang } from "../src/i18n/index.ts";
import type { DataQualityReport } from "../src/ingest/quality.ts";
import type { Finding, Insights, Verdict } from "../src/insights/types.ts";
import type { Tables } from "../src/metrics/tables.ts";
import type { Presentation } from "../src/presentation.ts";
import { makeExtras, makeTables } from "./charts-fixture.ts";
import { present } from "./presentation-fixture.ts";

export const SUMMARY: Record<string, number | string> = {
  users: 228169,
  sessions: 358142,
  buyers: 36522,
  orders: 50415,
  revenue: 252057.2,
  costs: 329131.62,
  dau: 907.99,
  wau: 5716.25,
  mau: 23228.42,
  sticky_wau: 0.1588,
  sticky_mau: 0.0391,
  sessions_per_user_day: 1.082,
  session_mean_s: 643.5,
  session_median_s: 300,
  session_mode_s: 60,
  conversion_lag_mean_days: 16.73,
  conversion_lag_median_min: 16,
  conversion_rate: 0.16,
  aov: 5,
  orders_per_buyer_h: 1.39,
  ltv_h: 7.73,
  ltv_h_cohort_mean: 7.97,
  cac: 9.01,
  romi_h: 0.81,
  attribution: "first-touch",
  horizon_months: 6,
};

export function reportTables(o: Parameters<typeof makeTables>[0] = {}): Tables {
  const t = makeTables(o);
  t.summary = Object.entries(SUMMARY).map(([metric, value]) => ({ metric, value }));
  // A paid source with very few buyers, as Afisha's source 9 nearly is.
  const few = t.by_source.find((r) => r.source === "9");
  if (few && few.costs > 0 && few.ltv_h !== null) {
    Object.assign(few, {
      buyers: 14,
      conversion_rate: few.users ? 14 / few.users : null,
      cac: few.costs / 14,
      romi_h: (few.ltv_h * 14) / few.costs,
      payback_lifetime: null,
    });
  }
  return t;
}

const ROMI_SCALE = 1;
const ROMI_CUT = 0.6;
const verdictOf = (romi: number): "scale" | "cut" | "watch" =>
  romi >= ROMI_SCALE ? "scale" : romi < ROMI_CUT ? "cut" : "watch";

/** Sentences as the insights module would write them, from the numbers of the fixture's by-source table. */
type Sentence = "scale" | "cut" | "watch" | "too_few_buyers" | "caveat";
const SENTENCE: Record<Lang, Record<Sentence, (p: Record<string, string>) => string>> = {
  en: {
    scale: (p) =>
      `Source ${p.s} pays back: ROMI at 6 months ${p.romi} on ${p.share} of spend. Move budget here.`,
    cut: (p) =>
      `Source ${p.s} does not pay back: ROMI at 6 months ${p.romi} on ${p.share} of spend; CAC ${p.cac}.`,
    watch: (p) => `Source ${p.s} is below break-even but close: ROMI at 6 months ${p.romi}.`,
    too_few_buyers: (p) => `Source ${p.s} has only ${p.buyers} buyers: too few to rank.`,
    caveat: (p) => `${p.buyers} buyers had no visit before their first order and are unattributed.`,
  },
  ru: {
    scale: (p) =>
      `Источник ${p.s} окупается: ROMI за 6 мес. ${p.romi} при доле расходов ${p.share}. Стоит перенести бюджет сюда.`,
    cut: (p) =>
      `Источник ${p.s} не окупается: CAC ${p.cac}, ROMI за 6 мес. ${p.romi} при доле расходов ${p.share}.`,
    watch: (p) => `Источник ${p.s} пока ниже безубыточности, но близко: ROMI за 6 мес. ${p.romi}.`,
    too_few_buyers: (p) => `У источника ${p.s} всего ${p.buyers} покупателей: слишком мало для оценки.`,
    caveat: (p) => `У покупателей (${p.buyers}) не было визита до первой покупки, источник им не приписан.`,
  },
};

/** Findings and sensitivity consistent with `tables.by_source`: ROMI >= 1 scales, below 0.6 is cut. */
export function reportInsights(lang: Lang, tables: Tables): Insights {
  const n = (x: number, d = 2) => formatNumber(lang, x, d);
  const currency = lang === "ru" ? "у.е." : "USD";
  const total = tables.by_source.reduce((a, r) => a + r.costs, 0);
  const paid = tables.by_source.filter((r) => r.costs > 0 && r.romi_h !== null);
  const findings: Finding[] = paid.map((r) => {
    const verdict = r.buyers < 50 ? "too_few_buyers" : verdictOf(r.romi_h!);
    const share = total ? r.costs / total : 0;
    const p = {
      s: r.source,
      romi: n(r.romi_h!),
      share: formatPercent(lang, share),
      buyers: n(r.buyers, 0),
      cac: typeof r.cac === "number" ? `${n(r.cac)}\u00a0${currency}` : String(r.cac),
    };
    const text = SENTENCE[lang][verdict](p);
    return {
      id: `source-${r.source}-${verdict}`,
      verdict,
      subject: "source",
      key: r.source,
      text,
      evidence: [
        { metric: "romi_h", value: r.romi_h, unit: "ratio" },
        { metric: "spend_share", value: share, unit: "share" },
        { metric: "cac", value: r.cac, unit: "money" },
        { metric: "buyers", value: r.buyers, unit: "count" },
        ...(r.payback_lifetime === null
          ? []
          : [{ metric: "payback_lifetime", value: r.payback_lifetime, unit: "months" as const }]),
      ],
    };
  });
  const unattributed = tables.by_source.find((r) => r.source === "unattributed");
  if (unattributed) {
    findings.push({
      id: "unattributed-caveat",
      verdict: "caveat",
      subject: "attribution",
      key: null,
      text: SENTENCE[lang].caveat({ buyers: n(unattributed.buyers, 0) }),
      evidence: [{ metric: "buyers", value: unattributed.buyers, unit: "count" }],
    });
  }
  // Last-touch and linear move ROMI a little: a source near a threshold changes its verdict.
  const sensitivity = paid.map((r) => {
    const romiH = { "first-touch": r.romi_h!, "last-touch": r.romi_h! * 1.2, linear: r.romi_h! * 1.05 };
    const judge = (romi: number): Verdict => (r.buyers < 50 ? "too_few_buyers" : verdictOf(romi));
    return {
      source: r.source,
      romiH,
      verdicts: {
        "first-touch": judge(romiH["first-touch"]),
        "last-touch": judge(romiH["last-touch"]),
        linear: judge(romiH.linear),
      },
    };
  });
  return { horizon: 6, attribution: "first-touch", findings, sensitivity };
}

export function reportQuality(): DataQualityReport {
  return {
    window: { from: "2017-06-01", to: "2018-06-01", basis: "visits" },
    files: [
      {
        table: "visits",
        path: "sample/visits_log_us.csv",
        format: "csv",
        mapping: { user_id: "Uid" },
        rowsRead: 358178,
        rowsLoaded: 358142,
        rejected: [{ reason: "end_before_start", count: 36, exampleLines: [779, 10779, 20779] }],
      },
      {
        table: "orders",
        path: "sample/orders_log_us.csv",
        format: "csv",
        mapping: { user_id: "Uid" },
        rowsRead: 50949,
        rowsLoaded: 50949,
        rejected: [],
      },
    ],
    warnings: [
      {
        code: "zero_revenue",
        table: "orders",
        count: 51,
        message: "51 orders with revenue 0 (kept: they count as orders and buyers)",
        examples: ["2017-06-22 11:54:00 user 4620045609669270657"],
      },
      {
        code: "missing_cost_days",
        table: "costs",
        count: 6,
        message: "6 source-days without a cost row (read as no spend that day)",
        examples: ["2018-03-31: source 1, 2, 3, 4, 9, 10"],
      },
    ],
    quarantine: { rows: 36, path: "out/quarantine.csv" },
  };
}

/** The report's presentation of `tables`: findings, data quality and inputs as the Afisha run's. */
export function reportPresentation(lang: Lang, tables: Tables): Presentation {
  return present(
    tables,
    { lang, extras: makeExtras() },
    {
      insights: reportInsights(lang, tables),
      dataQuality: reportQuality(),
      inputs: ["sample/visits_log_us.csv", "sample/orders_log_us.csv", "sample/costs_us.csv"],
    },
  );
}
