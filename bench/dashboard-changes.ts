/**
 * The dashboard's filter changes under concurrency, with the server's CPU: starts `channelscope serve`
 * from a checkout (`--root`, default this one: its bin runs dist/ when `npm run build` is current),
 * waits until no trust tables are being built ahead, then drives `--changes` new filters with
 * `--clients` clients, each change a point request and then the same with `intervals=1` (as
 * src/web/main.ts does), and prints changes/s, point and intervals p50 / p99 (intervals: from the
 * change's first request until its intervals are in, as bench/load.ts counts them), and the server
 * process's CPU during the changes, all threads and its main thread apart (Linux /proc).
 *
 *   node --import tsx bench/dashboard-changes.ts --db /tmp/4m-copy.duckdb [--root DIR] [--changes 60] [--clients 20]
 *   node --import tsx bench/dashboard-changes.ts --data bench/out/data-4M/csv ...
 *
 * A `--db` from `channelscope check --db` skips the ingest (serve writes into it: use a copy). Run
 * two checkouts interleaved (A, B, A, B) on a shared machine and compare CPU; wall times depend on
 * what else runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { filterQuery } from "./filter-query.ts";

const { values } = parseArgs({
  options: {
    root: { type: "string", default: resolve(import.meta.dirname, "..") },
    db: { type: "string" },
    data: { type: "string" },
    changes: { type: "string", default: "60" },
    clients: { type: "string", default: "20" },
  },
});
if (!values.db === !values.data) throw new Error("give --db FILE.duckdb or --data DIR (the CSV files)");

const TICKS_PER_S = 100;

function serve(): Promise<{ child: ChildProcess; base: string }> {
  const input = values.db
    ? ["--db", values.db]
    : ["visits_log_us", "orders_log_us", "costs_us"].flatMap((f, i) => [
        ["--visits", "--orders", "--costs"][i]!,
        join(values.data!, `${f}.csv`),
      ]);
  const bin = join(values.root, "bin", "channelscope.js");
  const child = spawn(process.execPath, [bin, "serve", ...input, "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
      if (url) resolve({ child, base: url });
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code} before listening`)));
  });
}

/** CPU seconds of a process (every thread) or of one of its threads, from /proc. */
function cpuS(path: string): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(path, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** CPU seconds per thread of a process, by thread id, with each thread's name. */
function threadsCpuS(pid: number): Map<string, { name: string; s: number }> {
  const out = new Map<string, { name: string; s: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
      out.set(tid, { name, s: cpuS(`/proc/${pid}/task/${tid}/stat`) });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** CPU seconds each thread spent between two snapshots, largest first (threads are all named "node"). */
function perThread(
  before: Map<string, { name: string; s: number }>,
  after: Map<string, { name: string; s: number }>,
) {
  return [...after]
    .map(([tid, { s }]) => [tid, s - (before.get(tid)?.s ?? 0)] as const)
    .sort((a, b) => b[1] - a[1]);
}

async function health(base: string): Promise<Record<string, number>> {
  return (await (await fetch(`${base}/api/health`)).json()) as Record<string, number>;
}

async function ok(url: string): Promise<boolean> {
  const response = await fetch(url, { headers: { "accept-encoding": "gzip" } });
  await response.arrayBuffer();
  return response.ok;
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

const t0 = performance.now();
const { child, base } = await serve();
try {
  while ((await health(base)).trustBuildsAhead) await new Promise((r) => setTimeout(r, 200));
  const readyS = (performance.now() - t0) / 1000;
  const filters = (await (await fetch(`${base}/api/filters`)).json()) as {
    sources: string[];
    devices: string[];
  };
  const changes = Number(values.changes);
  const point: number[] = [];
  const intervals: number[] = [];
  let errors = 0;
  let issued = 0;
  const cpu0 = {
    all: cpuS(`/proc/${child.pid}/stat`),
    main: cpuS(`/proc/${child.pid}/task/${child.pid}/stat`),
  };
  const threads0 = threadsCpuS(child.pid!);
  const started = performance.now();
  const client = async () => {
    while (issued < changes) {
      const query = filterQuery(issued++, filters.sources, filters.devices);
      const c0 = performance.now();
      const pointOk = await ok(`${base}/api/analysis?${query}`);
      point.push(performance.now() - c0);
      const trustOk = await ok(`${base}/api/analysis?${query}&intervals=1`);
      intervals.push(performance.now() - c0);
      if (!pointOk || !trustOk) errors++;
    }
  };
  await Promise.all(Array.from({ length: Number(values.clients) }, client));
  const wallS = (performance.now() - started) / 1000;
  const cpu = {
    all: cpuS(`/proc/${child.pid}/stat`) - cpu0.all,
    main: cpuS(`/proc/${child.pid}/task/${child.pid}/stat`) - cpu0.main,
  };
  const threads = perThread(threads0, threadsCpuS(child.pid!));
  const h = await health(base);
  const peakMb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
  const ms = (x: number) => `${Math.round(x)} ms`;
  process.stdout.write(
    `${values.root}: ready in ${readyS.toFixed(0)} s; ${changes} changes, ${values.clients} clients: ` +
      `${(changes / wallS).toFixed(1)} changes/s; point p50 ${ms(percentile(point, 0.5))} p99 ${ms(percentile(point, 0.99))}; ` +
      `intervals p50 ${ms(percentile(intervals, 0.5))} p99 ${ms(percentile(intervals, 0.99))}; ` +
      `server CPU ${ms((cpu.all * 1000) / changes)} per change (main thread ${ms((cpu.main * 1000) / changes)}), ` +
      `${(cpu.all / wallS).toFixed(2)} cores; errors ${errors}; trust slices on the thread ${h.trustSlicesOnThread ?? "-"}; ` +
      `peak RSS ${Math.round(Number(peakMb) / 1024)} MB; load ${readFileSync("/proc/loadavg", "utf8").split(" ")[0]}\n  CPU per change by thread (the main thread starred): ` +
      threads
        .filter(([, s]) => s > 0.005)
        .slice(0, 6)
        .map(([tid, s]) => `${ms((s * 1000) / changes)}${tid === String(child.pid) ? "*" : ""}`)
        .join(", ") +
      "\n",
  );
} finally {
  child.kill("SIGINT");
  await new Promise((resolve) => child.once("exit", resolve));
}
