/**
 * The dashboard's frame: title and language switch, page tabs, the filter bar. Pure markup from the
 * state; main.ts listens to it by delegation (`data-*` attributes name what a control changes).
 */
import { formatDate, t, tMaybe } from "../i18n/index.ts";
import { dayBefore } from "../report/html/format.ts";
import { type Html, html } from "../report/html/html.ts";
import type { FilterChoices } from "../server/filter-choices.ts";
import { type DashboardState, PAGES, type Page, PRESETS, stateSearch } from "./state.ts";

const PAGE_TITLES = {
  overview: "dash.page.overview",
  product: "report.section.product",
  sales: "report.section.sales",
  marketing: "report.section.marketing",
  source: "dash.page.source",
  quality: "report.section.quality",
} as const satisfies Record<Page, string>;

export function headerHtml(s: DashboardState): Html {
  const lang = (code: "en" | "ru") =>
    html`<button type="button" data-lang="${code}" aria-pressed="${String(s.lang === code)}">${code.toUpperCase()}</button>`;
  return html`<div class="brand"><p class="kicker">channelscope</p><h1>${t(s.lang, "report.title")}</h1></div>
<div class="lang" role="group" aria-label="${t(s.lang, "dash.language")}">${lang("en")}${lang("ru")}</div>`;
}

export function tabsHtml(s: DashboardState): Html {
  return html`${PAGES.map(
    (page) =>
      html`<a href="${stateSearch({ ...s, page }) || "?"}" data-page="${page}"${
        s.page === page ? html` aria-current="page"` : ""
      }>${t(s.lang, PAGE_TITLES[page])}</a>`,
  )}`;
}

function chips(kind: "source" | "device", s: DashboardState, ids: readonly string[], chosen: string[]): Html {
  const label = (id: string) => (kind === "device" ? tMaybe(s.lang, `device.${id}`, id) : id);
  const all = html`<button type="button" data-${kind}="" aria-pressed="${String(chosen.length === 0)}">${t(
    s.lang,
    "dash.filter.all",
  )}</button>`;
  return html`${all}${ids.map(
    (id) =>
      html`<button type="button" data-${kind}="${id}" aria-pressed="${String(chosen.includes(id))}">${label(id)}</button>`,
  )}`;
}

function options(values: readonly string[], selected: string, text: (v: string) => string): Html {
  return html`${values.map(
    (v) => html`<option value="${v}"${v === selected ? html` selected` : ""}>${text(v)}</option>`,
  )}`;
}

export function filtersHtml(s: DashboardState, c: FilterChoices): Html {
  const lang = s.lang;
  const from = s.from ?? c.window.from;
  const lastDay = dayBefore(s.to ?? c.window.to);
  const windowMax = dayBefore(c.window.to);
  const attribution = s.attribution ?? c.defaults.attribution;
  const grain = s.grain ?? c.defaults.grain;
  const horizon = s.horizon ?? String(c.defaults.horizon);
  const field = (label: string, control: Html) =>
    html`<label class="field"><span>${label}</span>${control}</label>`;
  const dirty =
    s.from || s.to || s.attribution || s.horizon || s.grain || s.sources.length > 0 || s.devices.length > 0;
  // Text fields in the page's language (a browser's date picker follows the browser's locale, so a
  // Russian page would show 06/01/2017); parseDay reads them back.
  const day = (name: string, value: string) =>
    html`<input type="text" name="${name}" value="${formatDate(lang, value)}" inputmode="numeric" size="10" placeholder="${t(
      lang,
      "dash.filter.dayFormat",
    )}" data-min="${c.window.from}" data-max="${windowMax}" required>`;
  const presets = html`<div class="presets" role="group" aria-label="${t(lang, "dash.preset.label")}">${PRESETS.map(
    (p) => html`<button type="button" data-preset="${p}">${t(lang, `dash.preset.${p}`)}</button>`,
  )}</div>`;
  // The cohort grain changes only the cohort figures of Product and Sales: elsewhere it is hidden.
  const grainHere = s.page === "product" || s.page === "sales";
  return html`${filterSummary(s, c)}<div class="row">${field(t(lang, "dash.filter.from"), day("from", from))}${field(
    t(lang, "dash.filter.to"),
    day("last", lastDay),
  )}${presets}${field(
    t(lang, "dash.filter.attribution"),
    html`<select name="attribution">${options(c.attributions, attribution, (m) =>
      tMaybe(lang, `attribution.${m}`, m),
    )}</select>`,
  )}${field(
    t(lang, "dash.filter.horizon"),
    html`<input type="number" name="horizon" value="${horizon}" min="${c.horizon.min}" max="${c.horizon.max}" step="1" required>`,
  )}${
    grainHere
      ? field(
          t(lang, "dash.filter.grain"),
          html`<select name="grain">${options(c.grains, grain, (g) => tMaybe(lang, `dash.grain.${g}`, g))}</select>`,
        )
      : ""
  }<button type="button" class="reset" data-reset=""${dirty ? "" : html` disabled`}>${t(
    lang,
    "dash.filter.reset",
  )}</button><button type="button" class="print" data-print="">${t(lang, "dash.print")}</button></div>
<div class="row"><fieldset class="chips"><legend>${t(lang, "dash.filter.sources")}</legend>${chips(
    "source",
    s,
    c.sources,
    s.sources,
  )}</fieldset><fieldset class="chips"><legend>${t(lang, "dash.filter.devices")}</legend>${chips(
    "device",
    s,
    c.devices,
    s.devices,
  )}</fieldset></div>`;
}

/**
 * The filter bar folded into one line, for a phone (dashboard.css shows it under 640 px): the period,
 * the sources, devices and model in force, and a button that unfolds the whole bar. The bar stays at
 * the top of the screen folded or not.
 */
function filterSummary(s: DashboardState, c: FilterChoices): Html {
  const lang = s.lang;
  const all = t(lang, "dash.filter.all");
  const period = `${formatDate(lang, s.from ?? c.window.from)} – ${formatDate(lang, dayBefore(s.to ?? c.window.to))}`;
  const list = (ids: readonly string[], label: (id: string) => string) =>
    ids.length === 0 ? all : ids.map(label).join(", ");
  const parts = [
    period,
    `${t(lang, "dash.filter.sources")}: ${list(s.sources, (id) => id)}`,
    ...(s.devices.length > 0
      ? [`${t(lang, "dash.filter.devices")}: ${list(s.devices, (d) => tMaybe(lang, `device.${d}`, d))}`]
      : []),
    tMaybe(
      lang,
      `attribution.${s.attribution ?? c.defaults.attribution}`,
      s.attribution ?? c.defaults.attribution,
    ),
  ];
  return html`<div class="filter-summary"><button type="button" class="filters-toggle" data-filters-toggle="">${t(
    lang,
    "dash.filters",
  )}</button><span>${parts.join(" · ")}</span></div>`;
}

/** The token form shown after a 401. */
export function tokenFormHtml(lang: "en" | "ru", failed: boolean): Html {
  return html`<form class="token" data-token-form=""><p>${t(lang, "dash.token.prompt")}</p>${
    failed ? html`<p class="error">401</p>` : ""
  }<label class="field"><span>${t(lang, "dash.token.label")}</span><input type="password" name="token" autocomplete="off" required></label> <button type="submit">${t(
    lang,
    "dash.token.submit",
  )}</button></form>`;
}
