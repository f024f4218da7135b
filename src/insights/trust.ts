/**
 * Budget verdicts a marketer can bet on (issue 10): a source is "scale" only when its whole ROMI
 * interval at H is above break-even and no single buyer decides it; "cut" only when the whole interval
 * is below CUT_ROMI; otherwise "watch", with the reason. Every verdict states how many mature cohorts
 * it rests on. Sources without spend get no budget verdict (there is no budget to move).
 */

import { TOO_FEW_BUYERS as MIN_BUYERS } from "../metrics/by-source.ts";
import type { MetricsResult, SourceConcentration, SourceInterval } from "../metrics/result.ts";
import { CUT_ROMI, SCALE_ROMI } from "./thresholds.ts";

export type TrustAction = "scale" | "cut" | "watch";

/** Why a source is "watch" rather than scaled or cut. */
export type WatchReason =
  | "wide_interval"
  | "below_break_even"
  | "one_customer"
  | "too_young"
  | "too_few_buyers"
  /** The run did not compute intervals (the API without `intervals=1`): no budget verdict on a point. */
  | "no_interval";

export interface TrustVerdict {
  source: string;
  action: TrustAction;
  reasons: WatchReason[];
  /** Mature cohorts (lifetime H−1 observed) the ROMI rests on; 0: forecast only. */
  matureCohorts: number;
  /** Attributed buyers of those cohorts. */
  matureBuyers: number;
  /** `observed`: ROMI at H of mature cohorts; `forecast`: no cohort is H months old yet. */
  basis: "observed" | "forecast";
  romi: number | null;
  low: number | null;
  high: number | null;
  /** Coverage of [low, high]: the bootstrap's (`--confidence`) when observed, 0.8 for a forecast. */
  level: number;
  romiWithoutTopBuyer: number | null;
  topBuyerShare: number | null;
  /** Leaving out the largest buyer changes the point verdict (scale / watch / cut by thresholds). */
  topBuyerDecides: boolean;
  text: string;
}

export interface SourceTrustInput {
  source: string;
  romi: number | null;
  interval: { low: number | null; high: number | null };
  level: number;
  basis: "observed" | "forecast";
  matureCohorts: number;
  matureBuyers: number;
  concentration: Pick<SourceConcentration, "romiHWithoutTopBuyer" | "topBuyerShare"> | null;
}

/** The point verdict of one ROMI by the thresholds alone (what the old rule said). */
function byThresholds(romi: number): TrustAction {
  return romi >= SCALE_ROMI ? "scale" : romi < CUT_ROMI ? "cut" : "watch";
}

/** The rule, on the numbers of one source. */
export function trustVerdict(
  input: SourceTrustInput,
  ctx: { horizon: number; lang: "en" | "ru" },
): TrustVerdict {
  const { low, high } = input.interval;
  const without = input.concentration?.romiHWithoutTopBuyer ?? null;
  const topBuyerDecides =
    input.romi !== null && without !== null && byThresholds(input.romi) !== byThresholds(without);
  const reasons: WatchReason[] = [];
  let action: TrustAction = "watch";
  if (input.basis === "forecast") reasons.push("too_young");
  if (input.romi === null) {
    // Nothing measured and nothing to forecast from: "too young" says it all.
  } else if (input.basis === "observed" && input.matureBuyers < MIN_BUYERS) reasons.push("too_few_buyers");
  else if (low === null && high === null) reasons.push("no_interval");
  else if (low !== null && low > SCALE_ROMI) {
    if (without !== null && without < SCALE_ROMI) reasons.push("one_customer");
    else action = "scale";
  } else if (high !== null && high < CUT_ROMI) action = "cut";
  else {
    // Straddling break-even or the cut line: the data cannot tell. Wholly between them: a real middle.
    const between = low !== null && high !== null && low >= CUT_ROMI && high <= SCALE_ROMI;
    reasons.push(between ? "below_break_even" : "wide_interval");
    if (topBuyerDecides) reasons.push("one_customer");
  }
  if (action !== "watch") reasons.splice(0, reasons.length);
  const verdict = { ...input, action, reasons, low, high, romiWithoutTopBuyer: without, topBuyerDecides };
  return {
    source: input.source,
    action,
    reasons,
    matureCohorts: input.matureCohorts,
    matureBuyers: input.matureBuyers,
    basis: input.basis,
    romi: input.romi,
    low,
    high,
    level: input.level,
    romiWithoutTopBuyer: without,
    topBuyerShare: input.concentration?.topBuyerShare ?? null,
    topBuyerDecides,
    text: (ctx.lang === "ru" ? textRu : textEn)(verdict, ctx.horizon),
  };
}

/**
 * Verdicts for every source with spend of one analysis: observed ROMI at H with its bootstrap interval
 * where a cohort is H months old, else the forecast ROMI at H of its young cohorts (80 % interval).
 */
export function trustVerdicts(metrics: MetricsResult, lang: "en" | "ru"): TrustVerdict[] {
  const trust = metrics.trust;
  const horizon = metrics.options.horizon;
  const matureCohorts = metrics.ltv.matureCohorts.length;
  const intervals = new Map<string, SourceInterval>(trust?.intervals.bySource.map((s) => [s.source, s]));
  const concentration = new Map(trust?.concentration.bySource.map((c) => [c.source, c]));
  const flags = new Map(metrics.marketing.sources.map((s) => [s.source, s]));
  const out: TrustVerdict[] = [];
  for (const row of metrics.tables.by_source) {
    if (!(row.costs > 0)) continue;
    const observed = matureCohorts > 0 && row.romi_h !== null;
    const forecast = observed || !trust ? null : forecastRomiAtH(metrics, row.source);
    // Spend but no ROMI at H and nothing to forecast it from: still a verdict (watch, too young), so
    // every paid source is judged once and never by a point estimate alone.
    out.push(
      trustVerdict(
        {
          source: row.source,
          romi: observed ? row.romi_h : (forecast?.romi ?? null),
          interval: observed ? (intervals.get(row.source)?.romiH ?? NONE) : (forecast ?? NONE),
          level: observed ? (trust?.intervals.level ?? metrics.options.confidence) : 0.8,
          basis: observed ? "observed" : "forecast",
          matureCohorts: observed ? matureCohorts : 0,
          matureBuyers: flags.get(row.source)?.matureBuyers ?? 0,
          concentration: observed ? (concentration.get(row.source) ?? null) : null,
        },
        { horizon, lang },
      ),
    );
  }
  return out;
}

const NONE = { low: null, high: null };

/**
 * ROMI at H of a source's young cohorts from the forecast grid: forecast revenue at H−1 over their
 * spend. The interval adds the cohorts' bounds (as if they erred together: wider, never narrower).
 */
function forecastRomiAtH(
  metrics: MetricsResult,
  source: string,
): { romi: number; low: number | null; high: number | null } | null {
  const cells = metrics.trust!.forecast.romi.filter(
    (r) => r.source === source && r.lifetime === metrics.options.horizon - 1 && r.romi !== null,
  );
  const spend = new Map(
    metrics.tables.costs_by_source_month.filter((c) => c.source === source).map((c) => [c.month, c.costs]),
  );
  let revenue = 0;
  let low = 0;
  let high = 0;
  let total = 0;
  let bounded = true;
  for (const c of cells) {
    const s = spend.get(c.cohort) ?? 0;
    if (!(s > 0)) continue;
    total += s;
    revenue += c.romi! * s;
    if (c.romi_low === null || c.romi_high === null) bounded = false;
    else {
      low += c.romi_low * s;
      high += c.romi_high * s;
    }
  }
  if (!(total > 0)) return null;
  return { romi: revenue / total, low: bounded ? low / total : null, high: bounded ? high / total : null };
}

type VerdictFacts = SourceTrustInput &
  Pick<TrustVerdict, "action" | "reasons" | "low" | "high" | "romiWithoutTopBuyer">;

/**
 * One formatter per language and digits, made once: constructing an Intl.NumberFormat costs tens of
 * microseconds, and making one per number was 38 % of the CPU of serve's documents (profiled at 4M,
 * 20 dashboards).
 */
const formatters = new Map<string, Intl.NumberFormat>();

function fmt(lang: "en" | "ru", v: number | null, digits = 2): string {
  if (v === null) return "—";
  const key = `${lang}${digits}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang === "ru" ? "ru-RU" : "en-US", {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, format);
  }
  return format.format(v);
}

export function intervalText(
  lang: "en" | "ru",
  level: number,
  low: number | null,
  high: number | null,
): string {
  if (low === null && high === null) return "";
  return lang === "ru"
    ? ` (интервал ${pct(lang, level)}: ${fmt(lang, low)}–${fmt(lang, high)})`
    : ` (${pct(lang, level)} interval ${fmt(lang, low)}–${fmt(lang, high)})`;
}

function pct(lang: "en" | "ru", v: number | null): string {
  return v === null ? "—" : `${fmt(lang, v * 100, 0)} %`;
}

/** Why a source is "watch", as a clause. */
function reasonEn(r: WatchReason, f: (x: number | null) => string): string {
  switch (r) {
    case "one_customer":
      return "one customer decides it";
    case "too_young":
      return "too young to judge";
    case "too_few_buyers":
      return `too few buyers (fewer than ${MIN_BUYERS})`;
    case "below_break_even":
      return `short of break-even but above the cut line (${f(CUT_ROMI)})`;
    case "no_interval":
      return "no interval was computed for this view, and a point estimate alone is no ground to move budget";
    default:
      return "the interval is wide";
  }
}

function reasonRu(r: WatchReason, f: (x: number | null) => string): string {
  switch (r) {
    case "one_customer":
      return "всё решает один покупатель";
    case "too_young":
      return "судить пока рано";
    case "too_few_buyers":
      return `слишком мало покупателей (меньше ${MIN_BUYERS})`;
    case "below_break_even":
      return `до окупаемости не дотягивает, но выше порога сокращения (${f(CUT_ROMI)})`;
    case "no_interval":
      return "интервал для этого среза не рассчитан, а одной точечной оценки для решения о бюджете мало";
    default:
      return "интервал слишком широк";
  }
}

function textEn(v: VerdictFacts, h: number): string {
  const f = (x: number | null) => fmt("en", x);
  const head = `Source ${v.source}`;
  if (v.romi === null)
    return `${head}: watch — too young to judge. Its ROMI at ${h} months cannot be measured yet (no spend in cohorts that old) and there is nothing to forecast it from; rests on 0 mature cohorts.`;
  const what = v.basis === "forecast" ? `forecast ROMI at ${h} months` : `ROMI at ${h} months`;
  const range =
    v.low === null && v.high === null ? "" : ` (${pct("en", v.level)} interval ${f(v.low)}–${f(v.high)})`;
  const basis =
    v.basis === "forecast"
      ? `no cohort is ${h} months old yet: this is a forecast from the young cohorts, rests on 0 mature cohorts`
      : v.matureCohorts === 1
        ? "rests on 1 mature cohort only"
        : `rests on ${v.matureCohorts} mature cohorts`;
  const without =
    v.romiWithoutTopBuyer !== null
      ? `, ${f(v.romiWithoutTopBuyer)} without its largest customer (${pct("en", v.concentration?.topBuyerShare ?? null)} of its revenue)`
      : "";
  if (v.action === "scale")
    return `${head}: scale. ${cap(what)} ${f(v.romi)}${range} stays above break-even${without}; ${basis}.`;
  if (v.action === "cut")
    return `${head}: cut. ${cap(what)} ${f(v.romi)}${range} is below ${f(CUT_ROMI)} throughout; ${basis}.`;
  const why = v.reasons.map((r) => reasonEn(r, f)).join("; ");
  return `${head}: watch — ${why}. ${cap(what)} ${f(v.romi)}${range}${without}; ${basis}.`;
}

/** In the voice of the analyst's memo (the seeds): what to do first, then the numbers, then the basis. */
function textRu(v: VerdictFacts, h: number): string {
  const f = (x: number | null) => fmt("ru", x);
  if (v.romi === null)
    return `Источник ${v.source} пока стоит наблюдать: судить рано. ROMI за ${h} мес. пока не измерить (в когортах такого возраста нет расходов), а прогнозировать его не по чему; зрелых когорт — 0.`;
  const what = v.basis === "forecast" ? `прогноз ROMI за ${h} мес.` : `ROMI за ${h} мес.`;
  const range =
    v.low === null && v.high === null ? "" : ` (интервал ${pct("ru", v.level)}: ${f(v.low)}–${f(v.high)})`;
  const basis =
    v.basis === "forecast"
      ? `Ни одна когорта ещё не прожила ${h} мес.: это прогноз по молодым когортам, зрелых когорт — 0.`
      : v.matureCohorts === 1
        ? "Вывод опирается лишь на 1 зрелую когорту."
        : `Вывод опирается на ${v.matureCohorts} ${matureCohortsRu(v.matureCohorts)}.`;
  const without =
    v.romiWithoutTopBuyer !== null
      ? `, без крупнейшего покупателя — ${f(v.romiWithoutTopBuyer)} (на него приходится ${pct("ru", v.concentration?.topBuyerShare ?? null)} выручки)`
      : "";
  if (v.action === "scale")
    return `Источник ${v.source} стоит масштабировать: ${what} — ${f(v.romi)}${range}, весь интервал выше окупаемости${without}. ${basis}`;
  if (v.action === "cut")
    return `Расходы на источник ${v.source} стоит сократить: ${what} — ${f(v.romi)}${range}, весь интервал ниже ${f(CUT_ROMI)}. ${basis}`;
  const why = v.reasons.map((r) => reasonRu(r, f)).join("; ");
  return `Источник ${v.source} пока стоит наблюдать: ${why}. ${cap(what)} — ${f(v.romi)}${range}${without}. ${basis}`;
}

/**
 * "rests on 7 mature cohorts" / "rests on 1 mature cohort only" (Russian: a sentence of its own), for
 * the overall and cohort findings, which state their basis as the source verdicts do.
 */
export function matureBasisText(lang: "en" | "ru", n: number): string {
  if (lang === "ru")
    return n === 1
      ? "Вывод опирается лишь на 1 зрелую когорту."
      : `Вывод опирается на ${n} ${matureCohortsRu(n)}.`;
  return n === 1 ? "rests on 1 mature cohort only" : `rests on ${n} mature cohorts`;
}

/** "2 зрелые когорты", "5 зрелых когорт", "21 зрелую когорту" (accusative after «на»). */
function matureCohortsRu(n: number): string {
  if (n % 10 === 1 && n % 100 !== 11) return "зрелую когорту";
  if ([2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100)) return "зрелые когорты";
  return "зрелых когорт";
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
