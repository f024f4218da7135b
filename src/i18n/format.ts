/**
 * Number and date formatting per language, written out by hand rather than with `Intl` so the output
 * is byte-identical on every Node/ICU build (golden files depend on it). Russian: non-breaking space
 * between thousands, decimal comma, space before `%`. The same conventions go to Vega (`vegaLocale`),
 * so axis ticks and annotations agree.
 */
import type { Lang } from "./index.ts";

const NBSP = "\u00a0";
const MINUS = "\u2212";

interface NumberStyle {
  decimal: string;
  thousands: string;
  percent: string;
}
const NUMBER: Record<Lang, NumberStyle> = {
  en: { decimal: ".", thousands: ",", percent: "%" },
  ru: { decimal: ",", thousands: NBSP, percent: `${NBSP}%` },
};

/** `x` with `decimals` fixed decimals and grouped thousands, e.g. ru `23 228,5`. */
export function formatNumber(lang: Lang, x: number, decimals = 0): string {
  const s = NUMBER[lang];
  const fixed = Math.abs(x).toFixed(decimals);
  const [int = "0", frac] = fixed.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, s.thousands);
  const negative = x < 0 && Number(fixed) !== 0;
  return (negative ? MINUS : "") + grouped + (frac ? s.decimal + frac : "");
}

/** A share (0.0463) as a percentage, e.g. en `4.6%`, ru `4,6 %`. */
export function formatPercent(lang: Lang, share: number, decimals = 1): string {
  return formatNumber(lang, share * 100, decimals) + NUMBER[lang].percent;
}

const MONTHS: Record<Lang, { long: string[]; short: string[] }> = {
  en: {
    long: "January February March April May June July August September October November December".split(" "),
    short: "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" "),
  },
  // Nominative forms ("июнь 2017"), as in a chart axis or a table header, not the genitive of dates.
  ru: {
    long: "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split(" "),
    short: "янв фев мар апр май июн июл авг сен окт ноя дек".split(" "),
  },
};

/** A `YYYY-MM` month as words, e.g. en `Jun 2017`, ru `июнь 2017`. */
export function formatMonth(lang: Lang, month: string, style: "short" | "long" = "short"): string {
  const m = /^(\d{4})-(\d{2})/.exec(month);
  if (!m) return month;
  const name = MONTHS[lang][style][Number(m[2]) - 1];
  return name ? `${name} ${m[1]}` : month;
}

/** A `YYYY-MM-DD` day, e.g. en `2017-06-01`, ru `01.06.2017`. */
export function formatDate(lang: Lang, day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m || lang === "en") return day;
  return `${m[3]}.${m[2]}.${m[1]}`;
}

/** Vega's locale definition (d3-format and d3-time-format) matching the functions above. */
export function vegaLocale(lang: Lang) {
  const s = NUMBER[lang];
  const ru = lang === "ru";
  return {
    number: {
      decimal: s.decimal,
      thousands: s.thousands,
      grouping: [3],
      currency: ["", ""] as [string, string],
      percent: s.percent,
      minus: MINUS,
    },
    time: {
      dateTime: ru ? "%A, %e %B %Y г. %X" : "%x, %X",
      date: ru ? "%d.%m.%Y" : "%Y-%m-%d",
      time: "%H:%M:%S",
      periods: ["AM", "PM"] as [string, string],
      days: ru
        ? ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"]
        : ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
      shortDays: ru
        ? ["вс", "пн", "вт", "ср", "чт", "пт", "сб"]
        : ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
      months: MONTHS[lang].long,
      shortMonths: MONTHS[lang].short,
    },
  };
}
