/**
 * Where a slice's time goes, with and without the trust numbers (issue 10): opens a database that
 * `channelscope check --db FILE` ingested, builds the cube once, then slices it for a few filters
 * and prints per-slice wall and process CPU ms, and (with --queries) the slowest statements.
 *
 *   node --import tsx bench/trust-profile.ts --db /tmp/4m.duckdb [--slices 6] [--queries] [--horizon 6] [--sizes]
 *
 * A window's trust tables are built lazily (cube.ts), so the window build, the first slice with trust
 * (the trust tables, their in-memory sums and the buyers' revenue, trust-memory.ts and
 * buyer-memory.ts) and the filter changes are timed apart.
 *
 * CPU time (process.cpuUsage, all DuckDB threads included) is the figure to compare on a shared
 * machine; wall time depends on what else runs.
 */
import { parseArgs } from "node:util";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import type { Engine, Row, SqlParams } from "../src/engine/engine.ts";
import { buildCube, sliceCube, sliceTrust } from "../src/metrics/cube.ts";

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    slices: { type: "string", default: "6" },
    queries: { type: "boolean", default: false },
    sizes: { type: "boolean", default: false },
    threads: { type: "string", default: "2" },
    /**
     * Every slice at this horizon (default: a different one per slice, 3, 4, ...): the dashboard's
     * filter changes keep their horizon, so this measures what a per-horizon cache would save.
     */
    horizon: { type: "string", default: "" },
  },
});
if (!values.db) throw new Error("--db FILE.duckdb is required (ingest it with channelscope check --db)");

/** Times every statement: [ms, first words] per call. */
class TimedEngine implements Engine {
  readonly log: { ms: number; cpuMs: number; sql: string }[] = [];
  constructor(private readonly inner: Engine) {}
  get name() {
    return this.inner.name;
  }
  get dialect() {
    return this.inner.dialect;
  }
  version() {
    return this.inner.version();
  }
  private async timed<T>(sql: string, p: Promise<T>): Promise<T> {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return await p;
    } finally {
      const c = process.cpuUsage(c0);
      this.log.push({
        ms: performance.now() - t0,
        cpuMs: (c.user + c.system) / 1000,
        sql: sql.replace(/\s+/g, " ").trim(),
      });
    }
  }
  run(sql: string, params?: SqlParams) {
    return this.timed(sql, this.inner.run(sql, params));
  }
  all<T extends Row = Row>(sql: string, params?: SqlParams) {
    return this.timed(sql, this.inner.all<T>(sql, params));
  }
  createTemp(name: string, select: string, params?: SqlParams) {
    return this.timed(select, this.inner.createTemp(name, select, params));
  }
  dropTemp(name: string) {
    return this.inner.dropTemp(name);
  }
  close() {
    return this.inner.close();
  }
}

const engine = await DuckDbEngine.open({
  path: values.db,
  memoryLimit: "2GB",
  threads: Number(values.threads),
});
const cube = await buildCube(engine);
if (values.sizes) {
  // With trust: the window's trust tables are built on the first slice that asks for them.
  await sliceCube(cube, {}, { sources: [], devices: [] }, engine, { trust: true, budgetInput: false });
  const w = [...cube.windows.values()][0]!.tables;
  for (const [name, table] of Object.entries({ ...cube.tables, ...w })) {
    const [row] = await engine.all(`SELECT count(*)::BIGINT AS n FROM ${table}`).catch(() => [{ n: "?" }]);
    process.stdout.write(`${name.padEnd(16)} ${row?.n}\n`);
  }
}
const filters = [
  { sources: [], devices: [] },
  { sources: ["1", "2"], devices: [] },
  { sources: ["3"], devices: [] },
  { sources: [], devices: ["touch"] },
  { sources: ["4", "5"], devices: ["desktop"] },
  { sources: ["1", "3", "5", "7", "9"], devices: [] },
  { sources: ["2", "4"], devices: ["touch"] },
  { sources: ["10"], devices: [] },
];
// The window's tables are built by the first slice: not part of a filter change (timed apart).
{
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await sliceCube(cube, {}, filters[0], engine, { trust: false });
  const c = process.cpuUsage(c0);
  process.stdout.write(
    `window build + first slice: wall ${(performance.now() - t0).toFixed(0)} ms, CPU ${((c.user + c.system) / 1000).toFixed(0)} ms\n`,
  );
}
// The window's trust tables and their in-memory sums are built by the first slice with trust (cube.ts):
// timed apart too, as the cost a new window's first intervals=1 request pays once.
{
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await sliceCube(cube, {}, filters[0], engine, { trust: true, budgetInput: false });
  const c = process.cpuUsage(c0);
  const entry = [...cube.windows.values()][0]!;
  const memory = entry.trust ? await entry.trust : undefined;
  process.stdout.write(
    `trust tables + in-memory sums + first trust slice: wall ${(performance.now() - t0).toFixed(0)} ms, CPU ${((c.user + c.system) / 1000).toFixed(0)} ms` +
      (memory
        ? `; in memory: ${memory.revenue.length} revenue and ${memory.buyers.length} buyer groups, ` +
          `buyers' revenue ${memory.concentration.attributed.lifetime.length} attributed rows in ` +
          `${memory.concentration.attributed.start.length - 1} parts + ${memory.concentration.all.lifetime.length} ` +
          `all-source rows (${(memory.concentration.bytes / 1e6).toFixed(1)} MB), ${(memory.bytes / 1e6).toFixed(1)} MB in all\n`
        : "\n"),
  );
}
const n = Math.min(Number(values.slices), filters.length);
// "point": a filter's point numbers; "point+trust": with the trust numbers in one call (the report);
// "trust only": the trust numbers added to the point numbers computed just before (untimed), as the
// dashboard's second request (intervals=1) does with its cached point slice.
for (const mode of ["point", "point+trust", "trust only"] as const) {
  const wall: number[] = [];
  const cpu: number[] = [];
  const timed = new TimedEngine(engine);
  for (let i = 0; i < n; i++) {
    // As the server slices: no budget input (the server plans the whole data once).
    const horizon = values.horizon ? Number(values.horizon) : 3 + i;
    const options = { horizon, margin: 0.5 + i / 20 };
    const point =
      mode === "trust only"
        ? await sliceCube(cube, options, filters[i]!, engine, { trust: false })
        : undefined;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    if (point) await sliceTrust(cube, point, options, filters[i]!, timed, { budgetInput: false });
    else await sliceCube(cube, options, filters[i]!, timed, { trust: mode !== "point", budgetInput: false });
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (xs: number[]) => ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0).toFixed(0);
  process.stdout.write(
    `${mode}: per slice wall ms ${wall.map((x) => x.toFixed(0)).join(" ")} (median ${med(wall)}), ` +
      `CPU ms ${cpu.map((x) => x.toFixed(0)).join(" ")} (median ${med(cpu)}), ${timed.log.length / n} statements per slice\n`,
  );
  if (values.queries) {
    const byText = new Map<string, { ms: number; cpuMs: number; calls: number }>();
    for (const q of timed.log) {
      const key = q.sql.slice(0, 160);
      const e = byText.get(key) ?? { ms: 0, cpuMs: 0, calls: 0 };
      e.ms += q.ms;
      e.cpuMs += q.cpuMs;
      e.calls += 1;
      byText.set(key, e);
    }
    const top = [...byText].sort((a, b) => b[1].cpuMs - a[1].cpuMs).slice(0, 15);
    for (const [sql, e] of top)
      process.stdout.write(
        `  CPU ${(e.cpuMs / n).toFixed(0).padStart(5)} ms, wall ${(e.ms / n).toFixed(0).padStart(5)} ms per slice, ${String(e.calls / n).padStart(4)}x  ${sql.slice(0, 120)}\n`,
      );
  }
}
await engine.close();
