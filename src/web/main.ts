/**
 * The dashboard: state in the address (state.ts), the analysis from the API (api.ts), pages from the
 * report's parts (pages.ts), figures drawn by Vega (charts.ts). One fetch per distinct analysis query;
 * switching pages redraws from the document in hand.
 */

import { sourcePalette } from "../charts/palette.ts";
import { t } from "../i18n/index.ts";
import { UNATTRIBUTED } from "../metrics/attribution.ts";
import { analysisOfDocument, presentationOf } from "../presentation.ts";
import type { Previous } from "../report/html/kpi.ts";
import type { AnalysisDocument, TrustPartsDocument } from "../server/analysis.ts";
import type { FilterChoices } from "../server/filter-choices.ts";
import {
  ApiError,
  adoptTokenFromFragment,
  fetchAnalysis,
  fetchChoices,
  fetchTrustParts,
  setToken,
} from "./api.ts";
import { bindBudgetPanel } from "./budget-panel.ts";
import { clearCharts, drawCharts } from "./charts.ts";
import { filtersHtml, headerHtml, tabsHtml, tokenFormHtml } from "./controls.ts";
import { addTableExports } from "./export.ts";
import { filterNote, pageHtml } from "./pages.ts";
import { monthRows, sourceFigures } from "./source-page.ts";
import {
  addDays,
  analysisQuery,
  type DashboardState,
  type Page,
  type Preset,
  parseDay,
  presetWindow,
  previousWindow,
  readState,
  stateSearch,
  toggle,
} from "./state.ts";
import { mergeTrustParts } from "./trust-parts.ts";

const app = document.getElementById("app")!;
let state: DashboardState = readState(location.search);
let choices: FilterChoices | null = null;
let shown: { key: string; doc: AnalysisDocument } | null = null;
/** The period just before the one shown, for the change on the KPI cards (only for a narrowed window). */
let previous: { key: string; doc: AnalysisDocument | null } | null = null;
let inFlight: AbortController | null = null;
/** The analysis without the source filter, for the source page's totals (keyed by its query). */
let total: { key: string; doc: AnalysisDocument | null } | null = null;

app.innerHTML = `<header class="dash-head"></header><nav class="tabs"></nav>
<form class="filters" novalidate></form><div class="status" role="status" aria-live="polite"></div>
<main id="page"></main>`;
const part = (selector: string) => app.querySelector<HTMLElement>(selector)!;
const head = part(".dash-head");
const tabs = part(".tabs");
const filters = part(".filters");
const status = part(".status");
const page = part("#page");

function renderFrame(): void {
  document.documentElement.lang = state.lang;
  document.title = t(state.lang, "dash.title");
  head.innerHTML = String(headerHtml(state));
  tabs.innerHTML = String(tabsHtml(state));
  if (!choices) return;
  const focused = (document.activeElement as HTMLInputElement | null)?.name;
  filters.innerHTML = String(filtersHtml(state, choices));
  filters
    .querySelector("[data-filters-toggle]")
    ?.setAttribute("aria-expanded", String(filters.classList.contains("open")));
  if (focused) filters.querySelector<HTMLElement>(`[name="${focused}"]`)?.focus();
}

function setStatus(text: string, kind: "busy" | "error" | "" = ""): void {
  status.textContent = text;
  status.className = `status ${kind}`;
  page.toggleAttribute("aria-busy", kind === "busy");
}

/** The drawing under way: the next waits for it, since both would fill the same figures (charts.ts). */
let drawing: Promise<void> = Promise.resolve();

/**
 * Draws the page from the document in hand, once the drawing before has finished. `budget` false
 * leaves the budget panel waiting (load(): the plan is asked for once the intervals are drawn).
 */
function renderPage(options: { budget?: boolean } = {}): Promise<void> {
  const next = drawing.then(() => drawPage(options));
  drawing = next.catch(() => undefined);
  return next;
}

async function drawPage({ budget = true }: { budget?: boolean }): Promise<void> {
  if (!shown) return;
  const p = presentationOf(analysisOfDocument(shown.doc), state.lang);
  const before = previous?.key === shown.key && previous.doc ? previousOf(previous.doc) : undefined;
  const source = state.page === "source" && state.sources.length === 1 ? state.sources[0]! : null;
  const totalKey = analysisQuery({ ...state, sources: [] }).toString();
  const all =
    source && total?.key === totalKey && total.doc
      ? presentationOf(analysisOfDocument(total.doc), state.lang)
      : undefined;
  page.innerHTML = `${filterNote(p.context, p.analysis.metrics)}${pageHtml(state.page, p, before, all)}`;
  addTableExports(page, p);
  page.querySelectorAll<HTMLTableRowElement>(".by-source tbody tr").forEach((row, i) => {
    const id = shown?.doc.tables.by_source[i]?.source;
    if (id && id !== UNATTRIBUTED) {
      row.dataset.pick = id;
      row.classList.add("pick");
    }
  });
  // The source page draws the source against all sources; its colour is the one it has everywhere.
  const extra =
    source && all
      ? sourceFigures(
          p.context,
          monthRows(p.analysis.metrics, all.analysis.metrics, source),
          source,
          sourcePalette(all).find((s) => s.id === source)?.color ?? "#4c78a8",
        )
      : {};
  // A source picked in a chart or a table row opens its own page (the source against all sources),
  // not the same charts filtered down to one bar; the source chips above still filter.
  await drawCharts(page, p, (id) => update({ page: "source", sources: [id] }), extra, shown.key);
  if (budget) bindBudget(p.context);
  if (source && total?.key !== totalKey) void loadTotal(totalKey);
}

/**
 * Fills the budget panel with the view's own plan, asked for separately (seconds the first time;
 * budget-panel.ts). Not waited for: the page is drawn without it, and a plan's fit must not delay the
 * intervals (on two cores it competes with them; measured on the 0.4M sample: waiting for the plan
 * before asking for the intervals added ~0.8 s to each filter change).
 */
function bindBudget(context: Parameters<typeof bindBudgetPanel>[2]): void {
  void bindBudgetPanel(page, analysisQuery(state), context).catch((error: unknown) =>
    setStatus(t(state.lang, "dash.error", { message: String((error as Error).message) }), "error"),
  );
}

/** Fetches the analysis without the source filter for the source page, then redraws it. */
async function loadTotal(key: string): Promise<void> {
  total = { key, doc: null };
  try {
    const doc = await fetchAnalysis(new URLSearchParams(key), new AbortController().signal);
    if (total?.key !== key) return;
    total = { key, doc };
    if (state.page === "source") await renderPage();
  } catch (error) {
    if (total?.key === key) total = null;
    setStatus(t(state.lang, "dash.error", { message: String((error as Error).message) }), "error");
  }
}

/** Fetches the analysis for the state unless it is the one on screen, then draws the page. */
async function load(): Promise<void> {
  const query = analysisQuery(state);
  const key = query.toString();
  if (shown?.key === key) return renderPage();
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  page.toggleAttribute("data-trust-pending", false);
  setStatus(t(state.lang, "dash.loading"), "busy");
  try {
    // The point numbers first (a cube slice: a few hundred ms), the intervals after (the bootstrap
    // and forecasts cost several times more, docs/serve.md): the page redraws as soon as the numbers
    // are in and again when their intervals arrive.
    const doc = await fetchAnalysis(query, controller.signal, { intervals: false });
    if (controller.signal.aborted) return;
    // Asked for now, so that the server computes them while the point numbers are drawn (on the
    // 0.4M sample each takes 0.1-0.2 s) rather than after; loadTrust draws them once the point
    // numbers are drawn, and reports their failure. Only what the intervals change: the rest is `doc`.
    const intervals = fetchTrustParts(query, controller.signal);
    intervals.catch(() => undefined);
    shown = { key, doc };
    // Pending from before the first draw, so that nothing reads the page as settled in between.
    page.toggleAttribute("data-trust-pending", true);
    setStatus(t(state.lang, "dash.intervalsLoading"));
    markStale(false);
    // The budget plan waits for the intervals (loadTrust), so that its fit does not slow them down.
    await renderPage({ budget: false });
    void loadPrevious(key, doc);
    void loadTrust(key, intervals, controller);
  } catch (error) {
    if (controller.signal.aborted) return;
    if (error instanceof ApiError && error.status === 401) return askToken(true);
    const message =
      error instanceof ApiError && error.problems.length
        ? error.problems.join("; ")
        : String((error as Error).message);
    setStatus(t(state.lang, "dash.error", { message }), "error");
    // The filters above already show the new choice: numbers left on the page are for the old one.
    const stale = shown !== null && shown.key !== key;
    markStale(stale);
    const retry = document.createElement("button");
    retry.type = "button";
    retry.dataset.retry = "";
    retry.textContent = STALE_TEXT[state.lang].retry;
    if (stale) status.append(` — ${STALE_TEXT[state.lang].stale} `);
    else status.append(" ");
    status.append(retry);
  }
}

/**
 * Redraws the numbers on screen with their intervals (`intervals`: what the same query's response
 * with `intervals=1` adds to the point document on screen, merged into it) once they arrive. Until they are drawn the page carries `data-trust-pending` and the
 * status line says so; a failure leaves the point numbers (their verdicts say no interval was
 * computed) and says why.
 */
async function loadTrust(
  key: string,
  intervals: Promise<TrustPartsDocument>,
  controller: AbortController,
): Promise<void> {
  try {
    const parts = await intervals;
    if (controller.signal.aborted || shown?.key !== key) return;
    shown = { key, doc: mergeTrustParts(shown.doc, parts) };
    setStatus("");
    try {
      await renderPage();
    } finally {
      // Cleared once the intervals are drawn (not when they arrive): what a reader, and the latency
      // test, waits for.
      if (shown?.key === key) page.toggleAttribute("data-trust-pending", false);
    }
  } catch (error) {
    if (controller.signal.aborted || shown?.key !== key) return;
    page.toggleAttribute("data-trust-pending", false);
    setStatus(t(state.lang, "dash.intervalsFailed", { message: String((error as Error).message) }), "error");
    // The page was drawn without its budget plan, to follow the intervals: it follows their failure.
    bindBudget(presentationOf(analysisOfDocument(shown.doc), state.lang).context);
  }
}

/** The metrics of the previous period, with the number of days compared. */
function previousOf(doc: AnalysisDocument): Previous {
  const { from, to } = doc.options;
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
  return { metrics: analysisOfDocument(doc).metrics, days };
}

/**
 * For a window narrower than the data, fetches the same-length period just before it (when the data
 * reaches back that far) and redraws with the change on the KPI cards.
 */
async function loadPrevious(key: string, doc: AnalysisDocument): Promise<void> {
  if (!choices || (!state.from && !state.to)) return;
  const before = previousWindow(doc.options.from, doc.options.to);
  if (before.from < choices.window.from) return;
  const query = analysisQuery({ ...state, ...before });
  try {
    // Only the point numbers are compared on the cards: the previous period needs no intervals.
    const prev = await fetchAnalysis(query, new AbortController().signal, { intervals: false });
    if (shown?.key !== key) return;
    previous = { key, doc: prev };
    // Still waiting for the intervals: the budget plan follows them (loadTrust).
    await renderPage({ budget: !page.hasAttribute("data-trust-pending") });
  } catch {
    previous = { key, doc: null };
  }
}

// TODO(i18n): move into the dictionaries as dash.stale and dash.retry (src/i18n is another module's).
const STALE_TEXT = {
  en: { stale: "The numbers below are for the previous filters.", retry: "Retry" },
  ru: { stale: "Цифры ниже — для прежних фильтров.", retry: "Повторить" },
} as const;

/** Dims the page while it shows numbers that do not match the filters, and says so to screen readers. */
function markStale(stale: boolean): void {
  page.toggleAttribute("data-stale", stale);
  page.style.opacity = stale ? "0.45" : "";
}

function update(patch: Partial<DashboardState>): void {
  state = { ...state, ...patch };
  history.pushState(null, "", stateSearch(state) || location.pathname);
  // The request first (load sends it before its first await), the controls redrawn while the server
  // answers: they took 10-30 ms of the page's thread before the request went out.
  void load();
  renderFrame();
}

function askToken(failed: boolean): void {
  clearCharts();
  page.innerHTML = String(tokenFormHtml(state.lang, failed));
  setStatus("");
}

app.addEventListener("click", (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>(
    "[data-page],[data-lang],[data-source],[data-device],[data-reset],[data-pick],[data-preset],[data-print],[data-retry],[data-filters-toggle]",
  );
  if (!target) return;
  const d = target.dataset;
  if (d.filtersToggle !== undefined) {
    // Folded on a phone (dashboard.css); the form keeps the class when its contents are redrawn.
    const open = filters.classList.toggle("open");
    target.setAttribute("aria-expanded", String(open));
  } else if (d.retry !== undefined) void load();
  else if (d.page !== undefined) {
    event.preventDefault();
    update({ page: d.page as Page });
  } else if (d.lang !== undefined) update({ lang: d.lang === "ru" ? "ru" : "en" });
  else if (d.source !== undefined) update({ sources: d.source ? toggle(state.sources, d.source) : [] });
  else if (d.device !== undefined) update({ devices: d.device ? toggle(state.devices, d.device) : [] });
  else if (d.reset !== undefined)
    update({ from: null, to: null, attribution: null, horizon: null, grain: null, sources: [], devices: [] });
  else if (d.pick) update({ page: "source", sources: [d.pick] });
  else if (d.preset && choices)
    update(presetWindow(d.preset as Preset, choices.window.from, choices.window.to));
  else if (d.print !== undefined) window.print();
});

filters.addEventListener("change", (event) => {
  const input = event.target as HTMLInputElement | HTMLSelectElement;
  if (input instanceof HTMLInputElement) input.setCustomValidity("");
  if (!input.name || (input instanceof HTMLInputElement && !input.checkValidity())) return;
  const value = input.value || null;
  if (input.name === "from" || input.name === "last") {
    // Days are typed in the page's language; a day outside the data is refused where it was typed.
    const day = value ? parseDay(value) : null;
    const { min = "", max = "" } = (input as HTMLInputElement).dataset;
    if (value && (day === null || day < min || day > max)) {
      input.setCustomValidity(t(state.lang, "dash.filter.badDay", { text: value }));
      input.reportValidity();
      return;
    }
    input.setCustomValidity("");
    update(input.name === "from" ? { from: day } : { to: day ? addDays(day, 1) : null });
  } else if (input.name === "attribution" || input.name === "horizon" || input.name === "grain")
    update({ [input.name]: value });
});

app.addEventListener("submit", (event) => {
  const form = event.target as HTMLFormElement;
  event.preventDefault();
  if (!form.matches("[data-token-form]")) return;
  const token = new FormData(form).get("token");
  if (typeof token === "string" && token) setToken(token);
  void start();
});

// Figures are drawn for their column's width (charts.ts): a window that changes width (a phone
// turned, a desktop window resized) gets them redrawn, once it has settled.
let drawnWidth = window.innerWidth;
let resizing: ReturnType<typeof setTimeout> | undefined;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => {
    if (Math.abs(window.innerWidth - drawnWidth) < 24) return;
    drawnWidth = window.innerWidth;
    void renderPage();
  }, 250);
});

window.addEventListener("popstate", () => {
  state = readState(location.search);
  renderFrame();
  void load();
});

async function start(): Promise<void> {
  try {
    choices = await fetchChoices();
  } catch (error) {
    renderFrame();
    if (error instanceof ApiError && error.status === 401) return askToken(false);
    return setStatus(t(state.lang, "dash.error", { message: String((error as Error).message) }), "error");
  }
  renderFrame();
  await load();
}

adoptTokenFromFragment();
void start();
