/**
 * `npm run bench:load`: the HTTP API under load, at several data scales. For each scale it starts
 * `channelscope serve` (a separate process, so the load generator does not share its event loop) on
 * generated data, then drives it on loopback, bounded in count and time:
 *
 *   cached        autocannon, 20 connections, a few views requested over and over (the response cache)
 *   new filter    1 connection: every request a filter no one asked before (sources x devices x
 *                 horizon x grain x margin in the default window): what one dashboard user waits for
 *   new filter    20 connections, each request a distinct new filter
 *   new window    1 connection: every request a new window start day, so the window's cube tables are
 *                 built first (a window is built once and kept for every later filter on it)
 *   new filter while trust tables build
 *                 1 connection: new filters of the default window while a new window's trust tables
 *                 are built in the background (cube.ts, buildTrustAhead), until that build is done:
 *                 what a build costs the others
 *
 * and what the dashboard does for a change (src/web/main.ts): the point request, then the same query
 * with `intervals=1&parts=trust` once it is answered, per new filter (1 and 20 clients) and per new
 * window (1 and up to 20 clients, one window each): p50/p95/p99 of the point answer and of the time until the
 * intervals are in (from the point request's start). Before each timed phase the server's background
 * trust builds are let finish (/api/health `trustBuildsAhead`), so no phase pays for the one before.
 *
 *   npm run bench:load -- --scales 0.4,4 --requests 200 --windows 20 [--intervals 0|1]
 *     [--dashboard 100] [--dashboard-windows 10]
 *
 * `--intervals 0|1` adds `intervals=` to every request of the first phases (default: the server's own
 * default), to measure a filter change with and without the trust numbers (issue 10). `--dashboard N`
 * filters per dashboard filter phase (0: no dashboard phases), `--dashboard-windows M` windows per
 * dashboard window phase.
 *
 * Latencies of the "new" phases are measured per request (exact p50/p95/p99, not a histogram). Prints
 * a table per scale with the server's peak RSS and the machine's load average (on a shared machine the
 * latencies depend on it; bench/slice-cpu.ts measures the load-independent CPU per slice) and writes
 * bench/out/load.json.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateSample } from "../src/generate/index.ts";
import { filterQuery } from "./filter-query.ts";

/** The part of autocannon's API used here (it ships no types; this saves a @types package). */
interface LoadResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: { method: string; setupRequest: (req: object) => object }[];
}) => Promise<LoadResult>;

const BIN = new URL("../bin/channelscope.js", import.meta.url).pathname;
const OUT = new URL("./out/", import.meta.url).pathname;
/** Sessions per user of the calibrated sample (359k sessions / 228k users), as in bench/run.ts. */
const SESSIONS_PER_USER = 1.575;

const { values } = parseArgs({
  options: {
    scales: { type: "string", default: "0.4,4" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "20" },
    requests: { type: "string", default: "200" },
    windows: { type: "string", default: "20" },
    intervals: { type: "string", default: "" },
    dashboard: { type: "string", default: "100" },
    "dashboard-windows": { type: "string", default: "10" },
  },
});
if (!["", "0", "1"].includes(values.intervals)) throw new Error("--intervals must be 0 or 1");
/** The `intervals=` of every analysis request, or none (the server's default). */
function withIntervals(path: string): string {
  if (values.intervals === "") return path;
  return `${path}${path.includes("?") ? "&" : "?"}intervals=${values.intervals}`;
}
const duration = Math.min(Math.max(Number(values.duration), 1), 120);
const connections = Math.min(Math.max(Number(values.connections), 1), 100);
const requests = Math.min(Math.max(Number(values.requests), 10), 2000);
const windowRequests = Math.min(Math.max(Number(values.windows), 1), 200);
const dashboardFilters = Math.min(Math.max(Number(values.dashboard), 0), 2000);
const dashboardWindows = Math.min(Math.max(Number(values["dashboard-windows"]), 1), 200);
const load1 = () => Math.round(loadavg()[0]! * 10) / 10;

interface Phase {
  phase: string;
  connections: number;
  requests: number;
  requestsPerS: number;
  p50Ms: number;
  p95Ms: number | null;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /** The machine's 1-minute load average when the phase ended. */
  load: number;
}

/** A dashboard phase: per change, the point answer and the time until its intervals are in. */
interface DashboardPhase {
  phase: string;
  clients: number;
  changes: number;
  changesPerS: number;
  point: Percentiles;
  intervals: Percentiles;
  errors: number;
  load: number;
}

interface Percentiles {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Exact percentiles of `latencies` (sorted here). */
function percentiles(latencies: number[]): Percentiles {
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? 0);
  return { p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: Math.round(latencies.at(-1) ?? 0) };
}

async function cachedPhase(url: string, paths: string[]): Promise<Phase> {
  let i = 0;
  const result = await autocannon({
    url,
    connections,
    duration,
    timeout: 60,
    requests: [
      { method: "GET", setupRequest: (req: object) => ({ ...req, path: paths[i++ % paths.length] }) },
    ],
  });
  return {
    phase: "cached",
    connections,
    requests: result.requests.total,
    requestsPerS: Math.round(result.requests.average * 10) / 10,
    p50Ms: result.latency.p50,
    p95Ms: null,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    load: load1(),
  };
}

/** One GET, read to the end; whether it was answered 2xx. */
async function fetched(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * `count` requests for the paths `next()` gives, `conns` at a time (and, with `until`, no more once
 * it resolves); every latency recorded.
 */
async function timedPhase(
  name: string,
  base: string,
  conns: number,
  count: number,
  next: () => string,
  until?: Promise<unknown>,
): Promise<Phase> {
  const latencies: number[] = [];
  let errors = 0;
  let done = false;
  void until?.then(() => {
    done = true;
  });
  const started = performance.now();
  let issued = 0;
  const worker = async () => {
    while (issued < count && !done) {
      issued += 1;
      const path = next();
      const t0 = performance.now();
      if (!(await fetched(base + path))) errors += 1;
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: conns }, worker));
  const wallS = (performance.now() - started) / 1000;
  const { p50Ms, p95Ms, p99Ms, maxMs } = percentiles(latencies);
  return {
    phase: name,
    connections: conns,
    requests: latencies.length,
    requestsPerS: Math.round((latencies.length / wallS) * 10) / 10,
    p50Ms,
    p95Ms,
    p99Ms,
    maxMs,
    errors,
    load: load1(),
  };
}

/**
 * The dashboard's pattern for `count` changes, `clients` at a time: the query `next()` gives without
 * intervals, then, once answered, the same with `intervals=1&parts=trust` (what the intervals add).
 */
async function dashboardPhase(
  name: string,
  base: string,
  clients: number,
  count: number,
  next: () => string,
): Promise<DashboardPhase> {
  const point: number[] = [];
  const intervals: number[] = [];
  let errors = 0;
  const started = performance.now();
  let issued = 0;
  const client = async () => {
    while (issued < count) {
      issued += 1;
      const query = next();
      const t0 = performance.now();
      const pointOk = await fetched(`${base}/api/analysis?${query}`);
      point.push(performance.now() - t0);
      // As the dashboard asks (src/web/api.ts fetchTrustParts): only what the intervals change.
      const trustOk = await fetched(
        `${base}/api/analysis?${query}${query ? "&" : ""}intervals=1&parts=trust`,
      );
      intervals.push(performance.now() - t0);
      if (!pointOk || !trustOk) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const wallS = (performance.now() - started) / 1000;
  return {
    phase: name,
    clients,
    changes: point.length,
    changesPerS: Math.round((point.length / wallS) * 10) / 10,
    point: percentiles(point),
    intervals: percentiles(intervals),
    errors,
    load: load1(),
  };
}

/** Resolves once the server builds no trust tables in the background (polls /api/health). */
async function trustBuildsSettled(base: string, timeoutMs = 600_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const health = (await (await fetch(`${base}/api/health`)).json()) as { trustBuildsAhead?: number };
    if (!health.trustBuildsAhead) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server's background trust builds did not finish within ${timeoutMs / 1000} s`);
}

/** Resolves once the server has started a trust build ahead (it polls /api/health). */
async function trustBuildStarted(base: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const health = (await (await fetch(`${base}/api/health`)).json()) as { trustBuildsAhead?: number };
    if (health.trustBuildsAhead) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function startServe(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const files = ["visits_log_us", "orders_log_us", "costs_us"].map((f) => join(dir, `${f}.csv`));
  const args = ["serve", "--visits", files[0]!, "--orders", files[1]!, "--costs", files[2]!, "--port", "0"];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code} before listening`)));
  });
}

/** Peak resident memory of a process so far (Linux), MB. */
function peakRssMb(pid: number | undefined): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

const report: {
  scale: string;
  startS: number;
  peakRssMb: number | null;
  /** The machine's 1-minute load average before and after the scale's phases (a busy machine is slower). */
  load: { before: number; after: number };
  results: Phase[];
  dashboard: DashboardPhase[];
}[] = [];
for (const scale of values.scales.split(",").map((s) => s.trim())) {
  const dir = join(OUT, `data-${scale}M`, "csv");
  if (!existsSync(join(dir, "visits_log_us.csv"))) {
    process.stdout.write(`generating ${scale}M sessions into ${dir} ...\n`);
    mkdirSync(dir, { recursive: true });
    await generateSample({ out: dir, users: Math.round((Number(scale) * 1e6) / SESSIONS_PER_USER), seed: 7 });
  }
  const loadBefore = load1();
  const t0 = performance.now();
  const { child, url } = await startServe(dir);
  const startS = (performance.now() - t0) / 1000;
  try {
    const base = url.replace(/\/$/, "");
    const filters = (await (await fetch(`${base}/api/filters`)).json()) as {
      sources: string[];
      devices: string[];
    };
    const views = ["", "?sources=1,2", "?sources=3", "?devices=touch", "?attribution=linear", "?lang=ru"].map(
      (q) => withIntervals(`/api/analysis${q}`),
    );
    for (const path of views) await (await fetch(base + path)).arrayBuffer();
    await trustBuildsSettled(base);
    const results: Phase[] = [await cachedPhase(url, views)];
    let n = 0;
    const query = () => filterQuery(n++, filters.sources, filters.devices);
    const fresh = () => withIntervals(`/api/analysis?${query()}`);
    results.push(await timedPhase("new filter", base, 1, requests, fresh));
    results.push(await timedPhase("new filter", base, connections, requests, fresh));
    let day = 0;
    const nextFrom = () => new Date(Date.UTC(2017, 5, 2 + day++)).toISOString().slice(0, 10);
    const windows = () => withIntervals(`/api/analysis?from=${nextFrom()}`);
    await trustBuildsSettled(base);
    results.push(await timedPhase("new window", base, 1, windowRequests, windows));
    // A new window's point tables, then new filters of the default window while its trust tables are
    // built ahead (the phase ends when that build has).
    await trustBuildsSettled(base);
    if (await fetched(`${base}/api/analysis?from=${nextFrom()}`)) {
      await trustBuildStarted(base);
      results.push(
        await timedPhase(
          "new filter while trust tables build",
          base,
          1,
          // Until the build is done, however many requests that takes: its last part (reading the
          // sums into memory) is what stalls the server's thread.
          1e6,
          fresh,
          trustBuildsSettled(base),
        ),
      );
    }
    const dashboard: DashboardPhase[] = [];
    if (dashboardFilters > 0) {
      const phases: [string, number, number, () => string][] = [
        ["new filter", 1, dashboardFilters, query],
        ["new filter", connections, dashboardFilters, query],
        ["new window", 1, dashboardWindows, () => `from=${nextFrom()}`],
        ["new window", Math.min(connections, dashboardWindows), dashboardWindows, () => `from=${nextFrom()}`],
      ];
      for (const [name, clients, count, next] of phases) {
        await trustBuildsSettled(base);
        dashboard.push(await dashboardPhase(name, base, clients, count, next));
      }
    }
    const peak = peakRssMb(child.pid);
    const load = { before: loadBefore, after: load1() };
    report.push({
      scale: `${scale}M`,
      startS: Math.round(startS * 10) / 10,
      peakRssMb: peak,
      load,
      results,
      dashboard,
    });
    const table = [
      `${scale}M sessions: serve ready in ${startS.toFixed(1)} s (ingest + cube), peak RSS ${peak ?? "?"} MB, ` +
        `load average ${load.before} before, ${load.after} after (${cpus().length} cores)`,
      "| phase | connections | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | load |",
      "|---|---|---|---|---|---|---|---|---|---|",
      ...results.map(
        (r) =>
          `| ${r.phase} | ${r.connections} | ${r.requests} | ${r.requestsPerS} | ${r.p50Ms} | ${r.p95Ms ?? "–"} | ${r.p99Ms} | ${r.maxMs} | ${r.errors} | ${r.load} |`,
      ),
    ];
    if (dashboard.length > 0) {
      table.push(
        "",
        `${scale}M sessions, the dashboard's pattern (point request, then intervals=1&parts=trust): ms until the point numbers / until the intervals are in`,
        "| change | clients | changes | changes/s | point p50 | point p95 | point p99 | intervals p50 | intervals p95 | intervals p99 | intervals max | errors | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ...dashboard.map(
          (d) =>
            `| ${d.phase} | ${d.clients} | ${d.changes} | ${d.changesPerS} | ${d.point.p50Ms} | ${d.point.p95Ms} | ${d.point.p99Ms} | ${d.intervals.p50Ms} | ${d.intervals.p95Ms} | ${d.intervals.p99Ms} | ${d.intervals.maxMs} | ${d.errors} | ${d.load} |`,
        ),
      );
    }
    process.stdout.write(`\n${table.join("\n")}\n`);
  } finally {
    child.kill("SIGINT");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}
writeFileSync(
  join(OUT, "load.json"),
  `${JSON.stringify({ duration, requests, intervals: values.intervals || "server default", dashboardFilters, dashboardWindows, report }, null, 2)}\n`,
);
