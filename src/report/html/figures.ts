/**
 * Inline SVG figures. Vega numbers its ids per render (`gradient_0` in every heatmap), so three
 * heatmaps inlined into one page would all paint with the first one's gradient: each figure's ids
 * get the figure's name as a prefix before it goes into the page.
 *
 * The page has no script to redraw a figure for the screen it is on (the dashboard does), so a figure
 * that reflows (charts/reflow.ts) comes drawn up to three times, each with the same font sizes: at
 * its natural size (about 720 px: paper, and screens between a phone's and the full column), for the
 * report's full column, and for a phone's column. Media queries in css.ts show one of them.
 */
import { escapeHtml, type Html, html, trusted } from "./html.ts";

export interface ReportFigure {
  /** Registry name, e.g. `ltv-heatmap`. */
  name: string;
  /** The rendered SVG document at its natural size (the figure file's). */
  svg: string;
  /** The same figure drawn for the report's full column (REPORT_COLUMN), when that changes it. */
  wide?: string | null;
  /** The same figure drawn for a phone's column (PHONE_COLUMN), when that changes it. */
  narrow?: string | null;
}

/** Which drawing of a figure an SVG is (css.ts shows one per screen width). */
type Fit = "natural" | "wide" | "narrow";

/** The report's column on a desktop: main's 1,100 px less its 2 × 28 px padding (css.ts). */
export const REPORT_COLUMN = 1044;
/**
 * The column figures are drawn for on a phone: a 375-px screen less main's 2 × 14 px padding. Wider
 * phones show it at its drawn size, a 360-px one scales it by 0.96.
 */
export const PHONE_COLUMN = 347;

/** Which figures each section shows, in order, grouped under a sub-heading key. */
export const SECTION_FIGURES = {
  product: [
    ["report.sub.activity", ["activity"]],
    ["report.sub.sessions", ["sessions-per-day", "session-length"]],
    ["report.sub.retention", ["retention"]],
  ],
  sales: [
    ["report.sub.conversion", ["conversion-lag", "conversion-lag-by-source", "conversion-lag-by-cohort"]],
    ["report.sub.purchases", ["purchases-per-month", "aov-by-month", "aov-by-lifetime"]],
    ["report.sub.ltv", ["ltv-heatmap", "ltv-curves", "ltv-by-source", "ltv-by-device"]],
  ],
  marketing: [
    ["report.sub.spend", ["spend-by-source"]],
    ["report.sub.cac", ["cac-by-source", "cac-by-cohort"]],
    ["report.sub.romi", ["romi-heatmap", "romi-by-source"]],
    ["report.sub.payback", ["payback-by-source"]],
  ],
} as const;

/** A name safe inside an id: lower-case letters, digits and dashes. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
}

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'" };

/** The figure's drawn title (Vega's title mark), for the SVG's accessible name; else the figure name. */
function figureTitle(name: string, svg: string): string {
  const m = /role-title-text"[^>]*>\s*<text[^>]*>([^<]*)<\/text>/.exec(svg);
  return m?.[1] ? m[1].replace(/&(amp|lt|gt|quot|apos|#39);/g, (_, e: string) => XML_ENTITIES[e]!) : name;
}

/** Smallest text a figure may be shrunk to on a narrow screen, in CSS px. */
const MIN_TEXT_PX = 10;

/**
 * How narrow the figure may be drawn: it scales down with the page (it keeps its viewBox) until its
 * smallest text would fall under MIN_TEXT_PX, and below that the figure box scrolls sideways (a
 * heatmap, whose cells hold their values, or a phone's drawing still wider than the phone).
 */
function minWidth(svg: string): number | null {
  const width = Number(
    /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?<svg\b[^>]*?\swidth="([\d.]+)"/i.exec(svg)?.[1],
  );
  const sizes = [...svg.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1]));
  if (!Number.isFinite(width) || width <= 0 || sizes.length === 0) return null;
  return Math.ceil(width * Math.min(1, MIN_TEXT_PX / Math.min(...sizes)));
}

/**
 * The SVG ready to sit in the page: no XML prolog or doctype, no scripts, ids prefixed with the
 * figure's name, an accessible name, and sized by CSS (it keeps its viewBox, so it scales down on
 * narrow screens and paper, never below the width where its text is MIN_TEXT_PX).
 */
export function prepareSvg(name: string, svg: string, fit?: Fit): string {
  const prefix = `fig-${slug(name)}-${fit === "wide" ? "w-" : fit === "narrow" ? "n-" : ""}`;
  const min = minWidth(svg);
  return svg
    .replace(/^\s*<\?xml[^>]*\?>\s*/, "")
    .replace(/<!DOCTYPE[^>]*>\s*/i, "")
    .replace(/<script[\s\S]*?<\/script>/gi, "")
    .replace(/\sid="([^"]+)"/g, ` id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/(\s(?:xlink:)?href)="#([^"]+)"/g, `$1="#${prefix}$2"`)
    .replace(
      /^<svg\b/,
      `<svg role="img" aria-label="${escapeHtml(figureTitle(name, svg))}"${fit ? ` data-fit="${fit}"` : ""}${min ? ` style="--min-width: ${min}px"` : ""}`,
    );
}

/** One figure block (with its other drawings when there are), or nothing when it was not rendered. */
export function figureBlock(figures: ReadonlyMap<string, ReportFigure>, name: string): Html | null {
  const figure = figures.get(name);
  if (figure === undefined) return null;
  const { wide, narrow } = figure;
  const id = `fig-${slug(name)}`;
  if (!wide && !narrow)
    return html`<figure class="fig" id="${id}" data-figure="${name}">${trusted(prepareSvg(name, figure.svg))}</figure>`;
  const classes = ["fig", ...(wide ? ["has-wide"] : []), ...(narrow ? ["has-narrow"] : [])].join(" ");
  const drawings = [
    prepareSvg(name, figure.svg, "natural"),
    ...(wide ? [prepareSvg(name, wide, "wide")] : []),
    ...(narrow ? [prepareSvg(name, narrow, "narrow")] : []),
  ];
  return html`<figure class="${classes}" id="${id}" data-figure="${name}">${trusted(drawings.join(""))}</figure>`;
}
