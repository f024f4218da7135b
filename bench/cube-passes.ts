/**
 * What each statement of the metric phase costs in process CPU (every thread, DuckDB's included): opens
 * an ingested DuckDB file (bench/ingested-db.ts), builds the cube and slices the default window with
 * its trust numbers as `report` does, and prints every statement's wall and CPU time, then the totals.
 * Statements run one at a time here, so a statement's CPU is the process's CPU while it ran.
 *
 *   node --import tsx bench/cube-passes.ts --data bench/out/data-4M/csv --db /tmp/copy.duckdb [--min 100]
 *     [--threads 1]
 *
 * The DuckDB file is written to (the cube's tables, dropped at the end): pass a copy with --db.
 */
import { parseArgs } from "node:util";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import { buildCube, dropCube, sliceCube } from "../src/metrics/cube.ts";
import { openIngested } from "./ingested-db.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "bench/out/data-4M/csv" },
    db: { type: "string" },
    min: { type: "string", default: "100" },
    /** DuckDB threads (default: the engine's); 1 gives steadier CPU times on a shared machine. */
    threads: { type: "string" },
  },
});

const min = Number(values.min);
const proto = DuckDbEngine.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
for (const method of ["run", "all", "numberChunks"]) {
  const inner = proto[method]!;
  proto[method] = async function (this: unknown, ...args: unknown[]) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    try {
      return await inner.apply(this, args);
    } finally {
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1000;
      if (cpu >= min) {
        const sql = String(args[0]).replace(/\s+/g, " ").trim().slice(0, 110);
        process.stdout.write(
          `${cpu.toFixed(0).padStart(6)} cpu ${(performance.now() - w0).toFixed(0).padStart(6)} wall  ${sql}\n`,
        );
      }
    }
  };
}

async function main(): Promise<void> {
  const { engine, window } = await openIngested("cube-passes", values.data, values.db);
  await engine.setMemoryLimit("4GB");
  if (values.threads) await engine.setThreads(Number(values.threads));
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const cube = await buildCube(engine);
  const c1 = process.cpuUsage(c0);
  try {
    await sliceCube(cube, { from: window.from, to: window.to });
  } finally {
    await dropCube(cube);
  }
  const c2 = process.cpuUsage(c0);
  const s = (c: NodeJS.CpuUsage) => ((c.user + c.system) / 1e6).toFixed(2);
  process.stdout.write(
    `data cube ${s(c1)} CPU-s; cube + default window with trust ${s(c2)} CPU-s, ${((performance.now() - w0) / 1000).toFixed(1)} s wall\n`,
  );
  await engine.close();
}

await main();
