/**
 * `npm run bench:load`: the HTTP API under load. Starts `channelscope serve` (a separate process, so
 * the load generator does not share its event loop) on the 0.4M-session sample, then drives it with
 * autocannon on loopback, bounded in time:
 *
 *   cached    20 connections, a few filtered views requested over and over (served from the cache)
 *   uncached  20 connections, every request a new filter (window start day x sources), so every one
 *             computes all three attribution models
 *   uncached  1 connection: what one dashboard user waits for a new filter
 *
 *   npm run bench:load -- --duration 20 --connections 20
 *
 * Prints requests/s, latency p50/p99 and errors per phase and writes bench/out/load.json.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateSample } from "../src/generate/index.ts";

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
const DATA = join(OUT, "data-0.4M", "csv");

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "20" },
    users: { type: "string", default: "254000" },
  },
});
const duration = Math.min(Math.max(Number(values.duration), 1), 120);
const connections = Math.min(Math.max(Number(values.connections), 1), 100);

if (!existsSync(join(DATA, "visits_log_us.csv"))) {
  process.stdout.write(`generating the sample into ${DATA} ...\n`);
  mkdirSync(DATA, { recursive: true });
  await generateSample({ out: DATA, users: Number(values.users), seed: 7 });
}

/** Starts the server on a free loopback port; resolves with its base URL once it prints it. */
function startServe(): Promise<{ child: ChildProcess; url: string }> {
  const files = ["visits_log_us", "orders_log_us", "costs_us"].map((f) => join(DATA, `${f}.csv`));
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

interface Phase {
  phase: string;
  connections: number;
  requests: number;
  requestsPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
}

async function phase(name: string, url: string, conns: number, nextPath: () => string): Promise<Phase> {
  const result = await autocannon({
    url,
    connections: conns,
    duration,
    timeout: 60,
    requests: [{ method: "GET", setupRequest: (req: object) => ({ ...req, path: nextPath() }) }],
  });
  return {
    phase: name,
    connections: conns,
    requests: result.requests.total,
    requestsPerS: Math.round(result.requests.average * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Waits until the computations queued by the previous phase (still running after it) are done. */
async function drained(base: string): Promise<void> {
  for (;;) {
    const health = (await (await fetch(`${base}/api/health`)).json()) as { running: number; queued: number };
    if (health.running === 0 && health.queued === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const { child, url } = await startServe();
try {
  const base = url.replace(/\/$/, "");
  const cachedPaths = [
    "",
    "?sources=1,2",
    "?sources=3",
    "?devices=touch",
    "?attribution=linear",
    "?lang=ru",
  ].map((q) => `/api/analysis${q}`);
  const warm = performance.now();
  for (const path of cachedPaths) {
    const response = await fetch(base + path);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    await response.arrayBuffer();
  }
  process.stdout.write(
    `server ready at ${url}; warm-up of ${cachedPaths.length} views: ${Math.round(performance.now() - warm)} ms\n`,
  );

  let i = 0;
  const cached = await phase("cached", url, connections, () => cachedPaths[i++ % cachedPaths.length]!);
  // A new window start day (and a source subset) per request: none of these is in any cache.
  const SUBSETS = ["", "&sources=1,2,3", "&sources=4", "&devices=desktop", "&sources=5,9&devices=touch"];
  let k = 0;
  const fresh = (to: string) => () => {
    const n = k++;
    const from = new Date(Date.UTC(2017, 5, 1 + (n % 300))).toISOString().slice(0, 10);
    return `/api/analysis?from=${from}&to=${to}${SUBSETS[Math.floor(n / 300) % SUBSETS.length]}`;
  };
  const uncached = await phase("uncached", url, connections, fresh("2018-06-01"));
  await drained(base);
  k = 0; // another end day: none of these was computed in the phase before
  const single = await phase("uncached, 1 connection", url, 1, fresh("2018-05-25"));

  const results = [cached, uncached, single];
  const table = [
    "| phase | connections | requests | req/s | p50 ms | p99 ms | max ms | errors | non-2xx |",
    "|---|---|---|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.phase} | ${r.connections} | ${r.requests} | ${r.requestsPerS} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.errors} | ${r.non2xx} |`,
    ),
  ];
  process.stdout.write(`\n${table.join("\n")}\n`);
  writeFileSync(join(OUT, "load.json"), `${JSON.stringify({ duration, results }, null, 2)}\n`);
} finally {
  child.kill("SIGINT");
}
