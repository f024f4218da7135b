/**
 * Where the event loop stalls while a window's trust tables are built in the background (cube.ts,
 * buildTrustAhead), and what loading the window's trust memory costs: opens an ingested DuckDB file
 * (bench/ingested-db.ts), builds the cube and the default window's point tables as `serve` does, then
 *  1. builds the trust tables in the background with nothing else running while a 5 ms timer probes
 *     the event loop, and prints every statement of the build (start, end, first words) and every
 *     stall of the probe above --min ms on one timeline, so a stall is pinned to the step it falls in
 *     (inside a statement: the engine's own JavaScript; between two: ours);
 *  2. calls loadTrustMemory on the built tables --repeat times (the window's connection, not yielding)
 *     and prints its wall and process CPU time each time.
 *
 *   node --import tsx bench/trust-stall.ts --data bench/out/data-4M/csv [--db FILE] [--min 50] [--repeat 3]
 *     [--engine chdb]
 *
 * The DuckDB file is written to (the cube's tables): pass a copy with --db. With `--engine chdb` the
 * CSV files are ingested into embedded ClickHouse on every run.
 */
import { parseArgs } from "node:util";
import { ClickHouseEngine } from "../src/engine/clickhouse-engine.ts";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import type { Engine } from "../src/engine/engine.ts";
import { ingest } from "../src/ingest/index.ts";
import {
  buildCube,
  buildTrustAhead,
  sliceCube,
  trustAheadSettled,
  windowTrustMemory,
} from "../src/metrics/cube.ts";
import { openIngested } from "./ingested-db.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "bench/out/data-4M/csv" },
    db: { type: "string" },
    min: { type: "string", default: "50" },
    repeat: { type: "string", default: "3" },
    /** duckdb, or chdb: the CSV files ingested into embedded ClickHouse on every run (no --db). */
    engine: { type: "string", default: "duckdb" },
  },
});

type Mark = { at: number; end: number; what: string };
const statements: Mark[] = [];
let logging = false;

/** Logs every statement of every connection of the engine's class (forks included) while `logging`. */
function instrument(engineClass: { prototype: object }): void {
  const proto = engineClass.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ["run", "all", "numberChunks"]) {
    const inner = proto[method]!;
    proto[method] = async function (this: unknown, ...args: unknown[]) {
      const at = performance.now();
      try {
        return await inner.apply(this, args);
      } finally {
        if (logging) {
          const sql = String(args[0]).replace(/\s+/g, " ").trim().slice(0, 90);
          statements.push({ at, end: performance.now(), what: `${method}: ${sql}` });
        }
      }
    };
  }
}

/** Gaps of a 5 ms timer longer than `min` ms (the event loop was blocked for about that long). */
function probe(min: number): { stop: () => Mark[] } {
  const stalls: Mark[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > min) stalls.push({ at: last, end: now, what: `STALL ${(now - last).toFixed(0)} ms` });
    last = now;
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return stalls;
    },
  };
}

/** The engine with the sample ingested, and the data's window. */
async function opened(): Promise<{ engine: Engine; window: { from: string; to: string } }> {
  if (values.engine === "duckdb") {
    instrument(DuckDbEngine);
    return openIngested("trust-stall", values.data, values.db);
  }
  if (values.engine !== "chdb") throw new Error(`--engine duckdb or chdb, not ${values.engine}`);
  instrument(ClickHouseEngine);
  const engine = await ClickHouseEngine.openChdb({ threads: 2 });
  const files = { visits: "visits_log_us", orders: "orders_log_us", costs: "costs_us" } as const;
  const report = await ingest(
    engine.staging,
    Object.fromEntries(Object.entries(files).map(([t, f]) => [t, { path: `${values.data}/${f}.csv` }])),
  );
  await engine.importCanonical();
  if (!report.window) throw new Error(`${values.data} holds no data`);
  return { engine, window: report.window };
}

const { engine, window } = await opened();
const cube = await buildCube(engine);
await sliceCube(cube, { from: window.from, to: window.to }, undefined, engine, { trust: false });
await engine.setThreads?.(1);
const entry = [...cube.windows.values()][0]!;

logging = true;
const t0 = performance.now();
const c0 = process.cpuUsage();
const p = probe(Number(values.min));
buildTrustAhead(cube);
await trustAheadSettled(cube);
await entry.trust;
// One more turn of the timer, so a block at the very end of the build is counted too.
await new Promise((resolve) => setTimeout(resolve, 30));
const stalls = p.stop();
logging = false;
const c = process.cpuUsage(c0);
const rel = (ms: number) => ((ms - t0) / 1000).toFixed(3).padStart(7);
const longest = Math.max(0, ...stalls.map((s) => s.end - s.at));
process.stdout.write(
  `background trust build: wall ${((performance.now() - t0) / 1000).toFixed(2)} s, process CPU ${((c.user + c.system) / 1e6).toFixed(2)} s, ` +
    `longest stall ${longest.toFixed(0)} ms, ${stalls.length} stalls > ${values.min} ms\n`,
);
for (const m of [...statements, ...stalls].sort((a, b) => a.at - b.at))
  process.stdout.write(`  ${rel(m.at)} .. ${rel(m.end)} s  ${m.what}\n`);

// The load alone, on the window's tables as built (the build's own connection is closed: the cube's).
const facts = await entry.ready;
for (let i = 0; i < Number(values.repeat); i++) {
  statements.length = 0;
  logging = i === 0;
  const w0 = performance.now();
  const u0 = process.cpuUsage();
  const memory = await windowTrustMemory(engine, cube, entry, facts);

  const u = process.cpuUsage(u0);
  process.stdout.write(
    `loadTrustMemory: wall ${(performance.now() - w0).toFixed(0)} ms, process CPU ${((u.user + u.system) / 1000).toFixed(0)} ms ` +
      `(${memory.revenue.length} revenue, ${memory.buyers.length} buyer groups)\n`,
  );
  for (const m of statements) process.stdout.write(`  ${rel(m.at)} .. ${rel(m.end)} s  ${m.what}\n`);
  logging = false;
}
await engine.close();
