/**
 * CPU per slice, the load-independent cost of a new dashboard filter: ingests a generated sample into a
 * DuckDB file once (kept, reused by later runs), builds the cube and the default window as `serve` does,
 * lowers DuckDB to one thread per statement, then slices `--filters` distinct filters (the same sequence
 * as bench/load.ts) one after another on forks, measuring process CPU (user + system, every thread:
 * DuckDB's included) and wall time around each slice, and the same for the response document
 * (assembly + JSON). `--queries` also prints every statement's share of the slices' time. It also
 * prints the window memory's rows per table and, run with --expose-gc, its heap footprint (the memory
 * read again and measured while held).
 *
 *   node --expose-gc --import tsx bench/slice-cpu.ts --data bench/out/data-4M/csv --filters 40 --queries
 *
 * A machine shared with other work inflates wall time but hardly CPU time, so this is the number to
 * compare before and after a change.
 */
import { parseArgs } from "node:util";
import { assembleAnalysis, metricsDocument } from "../src/analyze.ts";
import type { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import type { Engine, Row, SqlParams } from "../src/engine/engine.ts";
import { buildCube, type Cube, dropCube, sliceCube } from "../src/metrics/cube.ts";
import { BoundSql } from "../src/metrics/query.ts";
import { readWindowMemory } from "../src/metrics/window-memory.ts";
import { sharedRecordBytes } from "../src/server/cache.ts";
import { openIngested } from "./ingested-db.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "bench/out/data-4M/csv" },
    db: { type: "string" },
    filters: { type: "string", default: "40" },
    threads: { type: "string", default: "1" },
    queries: { type: "boolean", default: false },
  },
});
async function main(): Promise<void> {
  const { engine, report, window } = await openIngested("slice-cpu", values.data, values.db);
  const t0 = performance.now();
  const cube = await buildCube(engine);
  await sliceCube(cube, { from: window.from, to: window.to });
  process.stdout.write(`cube and default window: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  await printFootprint(cube);
  await engine.setThreads(Number(values.threads));

  const sources = cube.facts.sources.map((s) => s.source);
  const devices = [...new Set(cube.facts.combos.map((c) => c.device))];
  const perQuery = new Map<string, { ms: number; n: number }>();
  const slices: { cpu: number; wall: number; docCpu: number; sizeCpu: number }[] = [];
  const count = Number(values.filters);
  for (let n = 0; n < count + 2; n++) {
    const filter = filterOf(n, sources, devices);
    const fork = new TimedEngine(await engine.fork(), values.queries && n >= 2 ? perQuery : null);
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const byModel = await sliceCube(cube, { ...filter.options, ...window }, filter, fork, { trust: false });
    const wall = performance.now() - w0;
    const c1 = process.cpuUsage(c0);
    const d0 = process.cpuUsage();
    const analysis = assembleAnalysis(byModel, {
      attribution: "first-touch",
      sources,
      devices,
      lang: "en",
      dataQuality: report ?? emptyQuality(window),
      engine: { name: "duckdb", version: "bench" },
    });
    JSON.stringify(metricsDocument(analysis));
    const d1 = process.cpuUsage(d0);
    // What serve's results cache spends sizing the entry (cache.ts), with nothing remembered.
    const s0 = process.cpuUsage();
    sharedRecordBytes(byModel as unknown as Record<string, Record<string, unknown>>, new WeakMap());
    const s1 = process.cpuUsage(s0);
    await fork.close();
    // The first two warm caches (JIT, DuckDB's catalog) and are not counted.
    if (n >= 2)
      slices.push({
        cpu: (c1.user + c1.system) / 1000,
        wall,
        docCpu: (d1.user + d1.system) / 1000,
        sizeCpu: (s1.user + s1.system) / 1000,
      });
  }
  const stat = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
    return `mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} p50 ${at(0.5).toFixed(1)} p95 ${at(0.95).toFixed(1)}`;
  };
  process.stdout.write(
    `${count} slices (DuckDB threads ${values.threads}):\n` +
      `  slice CPU ms    ${stat(slices.map((s) => s.cpu))}\n` +
      `  slice wall ms   ${stat(slices.map((s) => s.wall))}\n` +
      `  document CPU ms ${stat(slices.map((s) => s.docCpu))}\n` +
      `  cache size CPU  ${stat(slices.map((s) => s.sizeCpu))}\n`,
  );
  if (values.queries) {
    const rows = [...perQuery].sort((a, b) => b[1].ms - a[1].ms);
    const total = rows.reduce((s, [, v]) => s + v.ms, 0);
    process.stdout.write(
      `statements: ${(total / count).toFixed(1)} ms CPU per slice (the rest of the slice's CPU is JavaScript)\n`,
    );
    for (const [sql, v] of rows)
      process.stdout.write(
        `${(v.ms / count).toFixed(2).padStart(7)} ms x${(v.n / count).toFixed(1)}  ${sql}\n`,
      );
  }
  await dropCube(cube);
  await engine.close();
}

/** The default window's memory: rows per table, and the heap it takes (with --expose-gc). */
async function printFootprint(cube: Cube): Promise<void> {
  const [entry] = cube.windows.values();
  if (!entry) return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const memory = await readWindowMemory(new BoundSql(cube.engine, {}), {
    ...entry.tables,
    sources: cube.tables.sources,
  });
  const readMs = performance.now() - started;
  gc?.();
  const bytes = process.memoryUsage().heapUsed - before;
  const rows = Object.entries(memory.rows);
  process.stdout.write(
    `window memory: ${rows.reduce((s, [, n]) => s + n, 0)} rows, read in ${readMs.toFixed(0)} ms, ` +
      `${gc ? `${(bytes / 2 ** 20).toFixed(1)} MiB heap` : "heap not measured (run node with --expose-gc)"}\n` +
      `  ${rows.map(([table, n]) => `${table} ${n}`).join(", ")}\n`,
  );
}

/** The n-th filter of bench/load.ts's never-repeating sequence. */
function filterOf(n: number, sources: string[], devices: string[]) {
  const k = n + 1;
  const pick = sources.filter((_, i) => ((k * 2654435761) >>> i) & 1);
  const device = ["", ...devices][k % (devices.length + 1)]!;
  return {
    sources: pick.length > 0 && pick.length < sources.length ? pick : [],
    devices: device ? [device] : [],
    options: {
      horizon: 1 + (k % 12),
      cohortGrain: k % 2 === 0 ? ("month" as const) : ("week" as const),
      margin: Number((0.5 + (k % 50) / 100).toFixed(2)),
    },
  };
}

function emptyQuality(window: { from: string; to: string }) {
  return {
    window: { ...window, basis: "options" as const },
    files: [],
    warnings: [],
    quarantine: { rows: 0, path: null },
  };
}

/**
 * Records every statement's CPU time (slices run one at a time, so the process's CPU during a statement
 * is the statement's), keyed by its text without table prefixes and codes.
 */
class TimedEngine implements Engine {
  constructor(
    private readonly inner: DuckDbEngine,
    private readonly into: Map<string, { ms: number; n: number }> | null,
  ) {}
  get name() {
    return this.inner.name;
  }
  get dialect() {
    return this.inner.dialect;
  }
  version() {
    return this.inner.version();
  }
  private async timed<T>(sql: string, work: () => Promise<T>): Promise<T> {
    const t = process.cpuUsage();
    try {
      return await work();
    } finally {
      if (this.into) {
        const key = sql
          .replace(/\s+/g, " ")
          .replace(/cs\d+_\d+(w\d+)?_/g, "")
          .replace(/IN \([\d, ]+\)/g, "IN (..)")
          .slice(0, 150);
        const entry = this.into.get(key) ?? { ms: 0, n: 0 };
        const used = process.cpuUsage(t);
        entry.ms += (used.user + used.system) / 1000;
        entry.n += 1;
        this.into.set(key, entry);
      }
    }
  }
  run(sql: string, params?: SqlParams) {
    return this.timed(sql, () => this.inner.run(sql, params));
  }
  all<T extends Row = Row>(sql: string, params?: SqlParams) {
    return this.timed(sql, () => this.inner.all<T>(sql, params));
  }
  createTemp(name: string, select: string, params?: SqlParams) {
    return this.timed(select, () => this.inner.createTemp(name, select, params));
  }
  dropTemp(name: string) {
    return this.inner.dropTemp(name);
  }
  close() {
    return this.inner.close();
  }
}

await main();
