/**
 * What building a window's trust tables in the background (cube.ts, buildTrustAhead) costs the point
 * slices answered meanwhile: ingests a generated sample into a DuckDB file once (kept, reused), builds
 * the cube and the default window's point tables as `serve` does (one DuckDB thread per statement
 * after), then slices new filters one after another (point numbers only, on forks, the sequence of
 * bench/load.ts) — first with nothing else running, then while the default window's trust tables are
 * built in the background, until that build is done. Prints per phase the slices' wall p50/p95/max and
 * the event loop's longest stall (what the JavaScript part of the build, reading the bucket sums into
 * memory, holds every request up by), with the build's own wall time and the load average.
 *
 *   node --import tsx bench/trust-ahead.ts --data bench/out/data-4M/csv [--filters 40]
 */
import { loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import { buildCube, buildTrustAhead, type Cube, sliceCube, trustAheadSettled } from "../src/metrics/cube.ts";
import { openIngested } from "./ingested-db.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "bench/out/data-4M/csv" },
    db: { type: "string" },
    filters: { type: "string", default: "40" },
  },
});

interface PhaseResult {
  phase: string;
  slices: number;
  p50: number;
  p95: number;
  max: number;
  stallMs: number;
  load: number;
}

async function main(): Promise<void> {
  const dir = values.data;
  const { engine, window } = await openIngested("trust-ahead", dir, values.db);
  const cube = await buildCube(engine);
  await sliceCube(cube, { from: window.from, to: window.to }, undefined, engine, { trust: false });
  await engine.setThreads(1);

  const sources = cube.facts.sources.map((s) => s.source);
  const devices = [...new Set(cube.facts.combos.map((c) => c.device))];
  let n = 0;
  const results: PhaseResult[] = [];
  results.push(await slicePhase("nothing else running", cube, engine, window, () => n++, sources, devices));
  const t0 = performance.now();
  buildTrustAhead(cube);
  const built = trustAheadSettled(cube).then(() => performance.now() - t0);
  const beside = await slicePhase(
    "beside the trust-table build",
    cube,
    engine,
    window,
    () => n++,
    sources,
    devices,
    built,
  );
  results.push(beside);
  const buildMs = await built;
  const entry = [...cube.windows.values()][0]!;
  await entry.trust;
  process.stdout.write(
    `${[
      `${dir}: the default window's trust tables built in the background in ${(buildMs / 1000).toFixed(1)} s wall`,
      "| point slices | slices | p50 ms | p95 ms | max ms | longest event-loop stall ms | load average |",
      "|---|---|---|---|---|---|---|",
      ...results.map(
        (r) => `| ${r.phase} | ${r.slices} | ${r.p50} | ${r.p95} | ${r.max} | ${r.stallMs} | ${r.load} |`,
      ),
    ].join("\n")}\n`,
  );
  await engine.close();
}

/** Point slices of new filters, one after another: `--filters` of them, or until `until` resolves. */
async function slicePhase(
  phase: string,
  cube: Cube,
  engine: DuckDbEngine,
  window: { from: string; to: string },
  next: () => number,
  sources: string[],
  devices: string[],
  until?: Promise<unknown>,
): Promise<PhaseResult> {
  let done = false;
  void until?.then(() => {
    done = true;
  });
  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  const walls: number[] = [];
  const count = Number(values.filters);
  while (until ? !done : walls.length < count) {
    const k = next() + 1;
    const filter = {
      sources: sources.filter((_, i) => ((k * 2654435761) >>> i) & 1),
      devices: [[], ...devices.map((d) => [d])][k % (devices.length + 1)]!,
    };
    const fork = await engine.fork();
    const w0 = performance.now();
    await sliceCube(cube, { ...window, horizon: 1 + (k % 12) }, filter, fork, { trust: false });
    walls.push(performance.now() - w0);
    await fork.close();
  }
  stall.disable();
  walls.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(walls[Math.min(walls.length - 1, Math.ceil(p * walls.length) - 1)] ?? 0);
  return {
    phase,
    slices: walls.length,
    p50: at(0.5),
    p95: at(0.95),
    max: Math.round(walls.at(-1) ?? 0),
    stallMs: Math.round(stall.max / 1e6),
    load: Math.round(loadavg()[0]! * 10) / 10,
  };
}

await main();
