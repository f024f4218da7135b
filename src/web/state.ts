/**
 * The dashboard's whole state lives in the address's query string, in the API's own parameter names
 * (`?page=sales&sources=3,4&attribution=linear&lang=ru`), so a copied address reopens the same view
 * and the analysis query is the query string minus `page`. Absent values mean the server's defaults.
 */
import type { Lang } from "../i18n/index.ts";

export const PAGES = ["overview", "product", "sales", "marketing", "quality"] as const;
export type Page = (typeof PAGES)[number];

export interface DashboardState {
  page: Page;
  lang: Lang;
  from: string | null;
  /** Exclusive, as in the API. */
  to: string | null;
  sources: string[];
  devices: string[];
  attribution: string | null;
  horizon: string | null;
  grain: string | null;
}

const OPTION_KEYS = ["from", "to", "attribution", "horizon", "grain"] as const;

export function readState(search: string): DashboardState {
  const q = new URLSearchParams(search);
  const page = q.get("page");
  const list = (key: string) =>
    (q.get(key) ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  const state: DashboardState = {
    page: (PAGES as readonly string[]).includes(page ?? "") ? (page as Page) : "overview",
    lang: q.get("lang") === "ru" ? "ru" : "en",
    from: null,
    to: null,
    sources: list("sources"),
    devices: list("devices"),
    attribution: null,
    horizon: null,
    grain: null,
  };
  for (const key of OPTION_KEYS) state[key] = q.get(key) || null;
  return state;
}

/** The analysis parameters of a state (no `page`): also the key of what is on screen. */
export function analysisQuery(s: DashboardState): URLSearchParams {
  const q = new URLSearchParams();
  for (const key of OPTION_KEYS) {
    const value = s[key];
    if (value) q.set(key, value);
  }
  if (s.sources.length > 0) q.set("sources", s.sources.join(","));
  if (s.devices.length > 0) q.set("devices", s.devices.join(","));
  if (s.lang !== "en") q.set("lang", s.lang);
  return q;
}

/** The address's query string for a state: the page first, then the analysis parameters. */
export function stateSearch(s: DashboardState): string {
  const q = new URLSearchParams();
  if (s.page !== "overview") q.set("page", s.page);
  for (const [k, v] of analysisQuery(s)) q.set(k, v);
  const text = q.toString().replaceAll("%2C", ",");
  return text ? `?${text}` : "";
}

/** A list with `id` added, or removed when present. */
export function toggle(list: readonly string[], id: string): string[] {
  return list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
}

/** `YYYY-MM-DD` plus `days` days. */
export function addDays(day: string, days: number): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) ? day : new Date(ms + days * 86_400_000).toISOString().slice(0, 10);
}
