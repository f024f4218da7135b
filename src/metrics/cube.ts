import type { Engine } from "../engine/engine.ts";
import { BackgroundLane } from "./background-lane.ts";
import { assembleSlice } from "./compute.ts";
import { buildDataCube, type DataCubeFacts } from "./cube-data.ts";
import {
  type DataTables,
  dataTableNames,
  newCubePrefix,
  type WindowTables,
  windowTableNames,
} from "./cube-tables.ts";
import { buildTrustTables, buildWindowCube, type WindowFacts } from "./cube-window.ts";
import { type DailyAcquisitionTable, dailyAcquisitionByModel } from "./daily-acquisition.ts";
import { type AnalysisOptions, ATTRIBUTIONS, normalizeOptions, OptionsError } from "./options.ts";
import { MetricRun, type SliceScope } from "./query.ts";
import type { AnalysisWindow, MetricsResult } from "./result.ts";
import { type OtherModels, type TrustOffload, type TrustWindow, withTrust } from "./slice-trust.ts";
import type { Attribution } from "./tables.ts";
import { loadTrustMemory, type TrustMemory } from "./trust-memory.ts";
import { windowMonths } from "./window-periods.ts";

/**
 * The acquisition cube: whole-history tables built once per dataset (cube-data.ts), per-window tables
 * built once per analysis window and kept for the next request (cube-window.ts), and slices — a source
 * / device filter under every attribution model — that only read them. The report builds one cube and
 * slices it once; the server builds one at start-up and slices it per request, on the request's own
 * connection, so concurrent requests never wait for each other's tables.
 */
export interface Cube {
  readonly engine: Engine;
  readonly tables: DataTables;
  readonly facts: DataCubeFacts;
  /** Windows built so far, most recently used last. */
  readonly windows: Map<string, WindowEntry>;
  readonly prefix: string;
  windowCount: number;
  /**
   * Where trust tables are built ahead of the first slice that asks for them (buildTrustAhead: the
   * server); null: only when a slice asks.
   */
  ahead: BackgroundLane | null;
  /** Trust-table builds started so far, ahead or by a slice (tests and /api/health count them). */
  trustBuilds: number;
  /** Told of every window's trust memory and of every dropped window (watchTrust). */
  readonly trustMirrors: Set<TrustMirror>;
}

/**
 * Keeps its own copy of the windows' trust memory (serve's trust thread, server/trust-thread.ts), by
 * window id: told when a window's is loaded and when the window is dropped. Must not throw.
 */
export interface TrustMirror {
  loaded(windowId: number, memory: TrustMemory, window: TrustWindow): void;
  dropped(windowId: number): void;
}

/** A slice's trust numbers computed elsewhere, from the copy of window `windowId`'s memory there (TrustMirror). */
export type WindowTrustOffload = (
  windowId: number,
  ...job: Parameters<TrustOffload>
) => ReturnType<TrustOffload>;

/** Users acquired through one of `sources` and one of `devices` (empty = any). */
export interface AcquisitionFilter {
  sources: readonly string[];
  devices: readonly string[];
}

export interface SliceOptions {
  /**
   * Also compute intervals, concentration and forecasts (issue 10) and the budget plan's daily input
   * (issue 11); default true. They cost several times the rest of a slice, so the dashboard asks for
   * them only when it shows them.
   */
  trust?: boolean;
  /**
   * With `trust`, also the budget plan's daily input (`acquisitionDaily`); default true. The server
   * plans the whole data's budget once at start-up, so its filter slices leave it out.
   */
  budgetInput?: boolean;
  /** The daily input read ahead for the same options and filter (sliceAcquisitionDaily): not read again. */
  acquisitionDaily?: Record<Attribution, DailyAcquisitionTable>;
}

interface WindowEntry {
  /** `from/to`, the entry's key in `Cube.windows`. */
  key: string;
  /** Unique in the cube (a window dropped and built again gets a new one): what TrustMirror names. */
  id: number;
  window: { from: string; to: string };
  tables: WindowTables;
  ready: Promise<WindowFacts>;
  /**
   * The window's trust tables (cube-window.ts, buildTrustTables), built ahead in the background right
   * after the point tables (buildTrustAhead) or by the first slice that asks for trust numbers: a new
   * window's point numbers never wait for them.
   */
  trust?: Promise<TrustMemory>;
  /** Whether a slice waits for `trust` (a failure then reaches it and is not kept). */
  trustAsked?: boolean;
  /** `trust` failed in the background before any slice asked: the next slice that asks gets the error. */
  trustFailed?: boolean;
  /** Slices reading it now: an entry in use is never dropped. */
  readers: number;
}

/** Windows kept per cube (each a few small tables); the least recently used idle one goes first. */
const MAX_WINDOWS = 8;

const NO_FILTER: AcquisitionFilter = { sources: [], devices: [] };

export async function buildCube(engine: Engine): Promise<Cube> {
  const prefix = newCubePrefix();
  const tables = dataTableNames(prefix);
  try {
    const facts = await buildDataCube(engine, tables);
    return {
      engine,
      tables,
      facts,
      windows: new Map(),
      prefix,
      windowCount: 0,
      ahead: null,
      trustBuilds: 0,
      trustMirrors: new Set(),
    };
  } catch (error) {
    for (const name of Object.values(tables)) await engine.dropTemp(name).catch(() => undefined);
    throw error;
  }
}

/**
 * Every metric for `filter` under every attribution model, read from the cube. `options` may be
 * partial (defaults and the data's window apply) and is validated by normalizeOptions; a window that
 * reaches beyond the visits is clamped to them (result.window says so). `on` is the connection to
 * read on (default: the cube's engine); the window's tables are built on it when missing.
 */
export async function sliceCube(
  cube: Cube,
  raw: Partial<AnalysisOptions> = {},
  filter: AcquisitionFilter = NO_FILTER,
  on: Engine = cube.engine,
  { trust = true, budgetInput = true, acquisitionDaily }: SliceOptions = {},
): Promise<Record<Attribution, MetricsResult>> {
  return inWindow(cube, raw, on, trust, async (options, window, entry, facts, memory) => {
    const context = { cube, window, windowFacts: facts, filter: copyFilter(filter) };
    const tables = { ...cube.tables, ...entry.tables };
    const scope = scopeOf(cube.facts, filter);
    const point = await assembleSlice(on, options, tables, scope, context);
    // Intervals, concentration and forecasts (issue 10) on top of the point numbers.
    return memory
      ? withTrust(on, options, tables, scope, point, {
          budgetInput,
          memory,
          window: facts.memory,
          ...(acquisitionDaily ? { acquisitionDaily } : {}),
        })
      : point;
  });
}

/**
 * The budget plan's daily input of a slice under every model (what sliceCube's trust numbers carry as
 * `acquisitionDaily`), from the window's point tables alone (built now when missing; the trust tables
 * are not): `report` hands it to the plan's thread before the trust numbers are computed, and then to
 * sliceCube, which does not read it again.
 */
export async function sliceAcquisitionDaily(
  cube: Cube,
  raw: Partial<AnalysisOptions> = {},
  filter: AcquisitionFilter = NO_FILTER,
  on: Engine = cube.engine,
): Promise<Record<Attribution, DailyAcquisitionTable>> {
  return inWindow(cube, raw, on, false, (options, _window, entry) =>
    dailyAcquisitionByModel(
      new MetricRun(on, options, { ...cube.tables, ...entry.tables }, scopeOf(cube.facts, filter)),
      ATTRIBUTIONS,
    ),
  );
}

/**
 * `point` — what sliceCube returned for the same options and filter with `trust: false`, possibly
 * from a cache — with the trust numbers added (slice-trust.ts): equal to sliceCube with trust, without
 * computing the point numbers again.
 */
export async function sliceTrust(
  cube: Cube,
  point: Record<Attribution, MetricsResult>,
  raw: Partial<AnalysisOptions> = {},
  filter: AcquisitionFilter = NO_FILTER,
  on: Engine = cube.engine,
  {
    budgetInput = true,
    offload,
    others = "all",
  }: Pick<SliceOptions, "budgetInput"> & {
    /** Where the trust numbers are computed when they need no engine (serve's trust thread). */
    offload?: WindowTrustOffload;
    /** How much of the trust numbers the models other than the slice's own get (slice-trust.ts). */
    others?: OtherModels;
  } = {},
): Promise<Record<Attribution, MetricsResult>> {
  return inWindow(cube, raw, on, true, (options, _window, entry, facts, memory) =>
    withTrust(on, options, { ...cube.tables, ...entry.tables }, scopeOf(cube.facts, filter), point, {
      budgetInput,
      memory: memory!,
      window: facts.memory,
      others,
      ...(offload ? { offload: (job) => offload(entry.id, job) } : {}),
    }),
  );
}

/**
 * From now on `mirror` is told of every window's trust memory as it is loaded (those loaded so far
 * at once) and of every window dropped, until unwatchTrust.
 */
export function watchTrust(cube: Cube, mirror: TrustMirror): void {
  cube.trustMirrors.add(mirror);
  for (const entry of cube.windows.values()) {
    const trust = entry.trust;
    if (!trust) continue;
    void Promise.all([trust, entry.ready]).then(
      ([memory, facts]) => {
        // Still watching, and the window still the cube's (a dropped one was never told).
        if (cube.trustMirrors.has(mirror) && cube.windows.get(entry.key) === entry && entry.trust === trust)
          mirror.loaded(entry.id, memory, facts.memory);
      },
      () => undefined,
    );
  }
}

export function unwatchTrust(cube: Cube, mirror: TrustMirror): void {
  cube.trustMirrors.delete(mirror);
}

/**
 * Runs `read` on the window of `raw` (options normalized, the window clamped), built when missing, with
 * its trust tables when `trust`; the window is not dropped while `read` runs.
 */
async function inWindow<T>(
  cube: Cube,
  raw: Partial<AnalysisOptions>,
  on: Engine,
  trust: boolean,
  read: (
    options: AnalysisOptions,
    window: AnalysisWindow,
    entry: WindowEntry,
    facts: WindowFacts,
    /** The window's trust sums, when `trust`. */
    memory: TrustMemory | undefined,
  ) => Promise<T>,
): Promise<T> {
  const requested = normalizeOptions({ ...raw }, cube.facts);
  const window = clampWindow(requested, cube.facts);
  const options = { ...requested, from: window.from, to: window.to };
  const entry = windowEntry(cube, options, on);
  entry.readers += 1;
  try {
    const facts = await entry.ready;
    const memory = trust ? await trustTables(cube, entry, on) : undefined;
    return await read(options, window, entry, facts, memory);
  } finally {
    entry.readers -= 1;
    await evictIdle(cube);
  }
}

/**
 * The trust tables of the window of `raw` (and the window's point tables first), built now unless they
 * are built or being built already: serve's start-up plan needs the default window's at once.
 */
export async function prepareTrust(
  cube: Cube,
  raw: Partial<AnalysisOptions> = {},
  on: Engine = cube.engine,
): Promise<void> {
  await inWindow(cube, raw, on, true, async () => undefined);
}

/**
 * From now on every window's trust tables are built in the background right after its point tables
 * (those of the windows built so far at once), on a connection of their own, one window at a time and
 * only the newest one waiting (background-lane.ts): the first `intervals=1` request of a window finds
 * them built or being built (and waits for that build) instead of starting one. Each of their
 * statements waits while a window's point tables are being built, so no point request queues behind
 * them. Needs an engine that can open connections (`fork`); without, slices build them as before.
 */
export function buildTrustAhead(cube: Cube): void {
  if (cube.ahead || !cube.engine.fork) return;
  cube.ahead = new BackgroundLane();
  for (const entry of cube.windows.values()) trustAhead(cube, entry);
}

/** Resolves when no trust tables are being built or waiting to be built in the background. */
export function trustAheadSettled(cube: Cube): Promise<void> {
  return cube.ahead?.settled() ?? Promise.resolve();
}

/**
 * Stops building trust tables ahead: the waiting build is dropped, the running one interrupted (a
 * server that is stopping does not wait for it). Slices still build them when they ask.
 */
export async function stopTrustAhead(cube: Cube): Promise<void> {
  await cube.ahead?.stop();
}

/** Queues the trust tables of `entry` on the background lane, to be built after its point tables. */
function trustAhead(cube: Cube, entry: WindowEntry): void {
  cube.ahead?.submit(async () => {
    // A failed point build is reported to its requests (windowEntry): nothing to build on.
    if (
      !(await entry.ready.then(
        () => true,
        () => false,
      ))
    )
      return;
    // Built already (a slice asked first), or dropped from the cube meanwhile: nothing to do.
    if (entry.trust || cube.windows.get(entry.key) !== entry) return;
    await trustTables(cube, entry, null).catch(() => undefined);
  });
}

export async function dropCube(cube: Cube): Promise<void> {
  await stopTrustAhead(cube);
  for (const entry of cube.windows.values()) await dropWindow(cube, entry);
  cube.windows.clear();
  for (const name of Object.values(cube.tables)) await cube.engine.dropTemp(name);
}

/**
 * The window clamped to the visits: `from` no earlier than the first visit's day, `to` no later than
 * the day after the last. Periods outside the data are not observed, so they are not invented as zeros.
 */
export function clampWindow(
  options: Pick<AnalysisOptions, "from" | "to">,
  facts: Pick<DataCubeFacts, "firstVisitStart" | "lastVisitStart">,
): AnalysisWindow {
  const requested = { from: options.from, to: options.to };
  if (!facts.firstVisitStart || !facts.lastVisitStart) return { ...requested, requested, clamped: false };
  const first = facts.firstVisitStart.slice(0, 10);
  const end = nextDay(facts.lastVisitStart.slice(0, 10));
  // YYYY-MM-DD strings order like the days they name.
  const from = [options.from, first].sort()[1]!;
  const to = [options.to, end].sort()[0]!;
  if (from >= to) {
    throw new OptionsError([
      `invalid window: ${options.from} to ${options.to} holds no visits (the data covers ${first} to ${end}, to exclusive)`,
    ]);
  }
  return { from, to, requested, clamped: from !== options.from || to !== options.to };
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function windowEntry(cube: Cube, options: AnalysisOptions, on: Engine): WindowEntry {
  const key = `${options.from}/${options.to}`;
  const known = cube.windows.get(key);
  if (known) {
    cube.windows.delete(key);
    cube.windows.set(key, known);
    return known;
  }
  cube.windowCount += 1;
  const tables = windowTableNames(`${cube.prefix}w${cube.windowCount}`);
  const build = () =>
    buildOnOwnConnection(cube, on, (engine) => buildWindowCube(engine, cube.tables, tables, options));
  const entry: WindowEntry = {
    key,
    id: cube.windowCount,
    window: { from: options.from, to: options.to },
    tables,
    // A point build is what a request waits for: the background lane's statements wait for it.
    ready: cube.ahead ? cube.ahead.foreground(build) : build(),
    readers: 0,
  };
  cube.windows.set(key, entry);
  // A failed build (e.g. its request timed out) must not poison the window for the next request.
  entry.ready.catch(() => {
    if (cube.windows.get(key) === entry) cube.windows.delete(key);
    void dropWindow(cube, entry);
  });
  trustAhead(cube, entry);
  return entry;
}

/**
 * The window's trust tables, built once (on their own connection, as the window's), and their bootstrap
 * sums and per-buyer revenue read into memory (trust-memory.ts), shared by every slice of the window.
 * `on` is the slice's connection; null builds ahead, for no slice (buildTrustAhead).
 */
function trustTables(cube: Cube, entry: WindowEntry, on: Engine | null): Promise<TrustMemory> {
  const known = entry.trust;
  if (known) {
    if (on === null) return known;
    entry.trustAsked = true;
    if (entry.trustFailed) {
      // Failed in the background before anyone asked: this slice reports why, the next builds again.
      entry.trust = undefined;
      entry.trustFailed = false;
    }
    return known;
  }
  cube.trustBuilds += 1;
  entry.trustAsked = on !== null;
  entry.trustFailed = false;
  const { from, to } = entry.window;
  const built = buildOnOwnConnection(cube, on, async (engine) => {
    const facts = await entry.ready;
    await buildTrustTables(engine, cube.tables, entry.tables, entry.window);
    const memory = await windowTrustMemory(engine, cube, entry, facts);
    for (const mirror of cube.trustMirrors) mirror.loaded(entry.id, memory, facts.memory);
    return memory;
  }).catch((error: unknown) => {
    if (on !== null) throw error;
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new Error(`building the trust tables of ${from} to ${to} in the background failed: ${message}`, {
      cause: error,
    });
  });
  entry.trust = built;
  built.catch(() => {
    if (entry.trust !== built) return;
    // A slice saw the failure (its request timed out, the window was dropped): the next one tries
    // again. Nobody saw a background build's: it is kept for the next slice that asks.
    if (entry.trustAsked) entry.trust = undefined;
    else entry.trustFailed = true;
  });
  return built;
}

/**
 * Runs a window build on a connection of its own when the engine can open one: the request that asked
 * for the window may time out or be cancelled (its connection interrupted), but the build goes on, so
 * the next request finds the window ready instead of starting it again (at 40M sessions a window takes
 * longer than the server's time limit). Without forks it runs on the caller's connection. `on` null: a
 * build ahead (always on its own connection: buildTrustAhead needs forks), yielding to point builds.
 */
async function buildOnOwnConnection<T>(
  cube: Cube,
  on: Engine | null,
  build: (engine: Engine) => Promise<T>,
): Promise<T> {
  if (on !== null && (!cube.engine.fork || on === cube.engine)) return build(on);
  const own = await cube.engine.fork!();
  try {
    return await build(on === null && cube.ahead ? cube.ahead.yielding(own) : own);
  } finally {
    await own.close();
  }
}

async function evictIdle(cube: Cube): Promise<void> {
  for (const [key, entry] of cube.windows) {
    if (cube.windows.size <= MAX_WINDOWS) return;
    if (entry.readers > 0) continue;
    cube.windows.delete(key);
    await dropWindow(cube, entry);
  }
}

/**
 * The window's trust tables (built already) read into memory on `engine` (trust-memory.ts): what a
 * trust build ends with, and what bench/trust-stall.ts times on its own.
 */
export function windowTrustMemory(
  engine: Engine,
  cube: Pick<Cube, "tables" | "facts">,
  entry: Pick<WindowEntry, "tables" | "window">,
  facts: Pick<WindowFacts, "calendar">,
): Promise<TrustMemory> {
  const tables = { ...entry.tables, sources: cube.tables.sources, attr: cube.tables.attr };
  return loadTrustMemory(engine, tables, windowMonths(facts.calendar), entry.window.from, cube.facts.sources);
}

async function dropWindow(cube: Cube, entry: WindowEntry): Promise<void> {
  await entry.ready.catch(() => undefined);
  if (
    await entry.trust?.then(
      () => true,
      () => false,
    )
  )
    for (const mirror of cube.trustMirrors) mirror.dropped(entry.id);
  for (const name of Object.values(entry.tables)) await cube.engine.dropTemp(name).catch(() => undefined);
}

/** The filter as cube codes: combos of the chosen sources and devices, and the chosen sources' spend. */
export function scopeOf(facts: DataCubeFacts, filter: AcquisitionFilter): SliceScope {
  const sources = new Set(filter.sources);
  const devices = new Set(filter.devices);
  const filtered = sources.size > 0 || devices.size > 0;
  return {
    combos: filtered
      ? facts.combos
          .filter(
            (c) =>
              (sources.size === 0 || sources.has(c.source)) && (devices.size === 0 || devices.has(c.device)),
          )
          .map((c) => c.r)
      : null,
    sources: sources.size > 0 ? facts.sources.filter((s) => sources.has(s.source)).map((s) => s.s) : null,
    withheld: devices.size > 0 ? "spend_not_split_by_device" : null,
  };
}

function copyFilter(filter: AcquisitionFilter): { sources: string[]; devices: string[] } {
  return { sources: [...filter.sources], devices: [...filter.devices] };
}

export type { WindowFacts };
