/**
 * The dashboard's whole state lives in the address's query string, in the API's own parameter names
 * (`?page=sales&sources=3,4&attribution=linear&lang=ru`), so a copied address reopens the same view
 * and the analysis query is the query string minus `page`. Absent values mean the server's defaults.
 */
import type { Lang } from "../i18n/index.ts";

export const PAGES = ["overview", "product", "sales", "marketing", "source", "quality"] as const;
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

/**
 * A day typed in the page's language back to `YYYY-MM-DD`: `31.05.2018` in Russian, `2018-05-31` in
 * English (both accepted in either); null when it is not a real day.
 */
export function parseDay(text: string): string | null {
  const t = text.trim();
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t) ?? /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = t.includes(".") ? [m[3]!, m[2]!, m[1]!] : [m[1]!, m[2]!, m[3]!];
  const day = `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day ? null : day;
}

export const PRESETS = ["30d", "90d", "month", "quarter"] as const;
export type Preset = (typeof PRESETS)[number];

/**
 * The window `[from, to)` of a preset, counted back from the end of the data (`dataTo`, exclusive):
 * the last 30 or 90 days, or the last calendar month / quarter (three months) that has data; never
 * before `dataFrom`.
 */
export function presetWindow(preset: Preset, dataFrom: string, dataTo: string): { from: string; to: string } {
  const clamp = (day: string) => (day < dataFrom ? dataFrom : day);
  if (preset === "30d" || preset === "90d") {
    return { from: clamp(addDays(dataTo, preset === "30d" ? -30 : -90)), to: dataTo };
  }
  const last = addDays(dataTo, -1);
  const [y = 0, m = 1] = last.split("-").map(Number);
  const back = preset === "month" ? 0 : 2;
  const start = new Date(Date.UTC(y, m - 1 - back, 1)).toISOString().slice(0, 10);
  const end = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return { from: clamp(start), to: end < dataTo ? end : dataTo };
}

/** The period of the same length just before `[from, to)`, for the change on the KPI cards. */
export function previousWindow(from: string, to: string): { from: string; to: string } {
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
  return { from: addDays(from, -days), to: from };
}
