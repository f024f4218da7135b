/**
 * Inline SVG figures. Vega numbers its ids per render (`gradient_0` in every heatmap), so three
 * heatmaps inlined into one page would all paint with the first one's gradient: each figure's ids
 * get the figure's name as a prefix before it goes into the page.
 */
import { escapeHtml, type Html, html, trusted } from "./html.ts";

export interface ReportFigure {
  /** Registry name, e.g. `ltv-heatmap`. */
  name: string;
  /** The rendered SVG document. */
  svg: string;
}

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
const MIN_TEXT_PX = 9;

/**
 * How narrow the figure may be drawn: it scales down with the page (it keeps its viewBox) until its
 * smallest text would fall under MIN_TEXT_PX, and below that the figure box scrolls sideways (the
 * report has no script to redraw a figure for a phone, as the dashboard does).
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
export function prepareSvg(name: string, svg: string): string {
  const prefix = `fig-${slug(name)}-`;
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
      `<svg role="img" aria-label="${escapeHtml(figureTitle(name, svg))}"${min ? ` style="--min-width: ${min}px"` : ""}`,
    );
}

/** One figure block, or nothing when the figure was not rendered. */
export function figureBlock(figures: ReadonlyMap<string, string>, name: string): Html | null {
  const svg = figures.get(name);
  if (svg === undefined) return null;
  return html`<figure class="fig" id="fig-${slug(name)}" data-figure="${name}">${trusted(prepareSvg(name, svg))}</figure>`;
}
