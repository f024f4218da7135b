/**
 * `npm run bench`: whole-process wall time and peak RSS of each step of the pipeline, on generated
 * data at several scales. Every step is a separate process measured by /usr/bin/time, so start-up,
 * ingest and exit are all counted. Not part of the tests: speed is measured, not asserted.
 *
 *   npm run bench                              # 0.4M, 4M and 40M sessions
 *   npm run bench -- --scales 0.4,4            # a subset (millions of sessions)
 *   npm run bench -- --compare pandas          # also the pandas notebook on the same CSV files
 *   npm run bench -- --reuse                   # keep generated data between runs
 *
 * channelscope runs as the installed package does: the bench builds dist/ first and runs
 * `node dist/cli/main.js`, never the TypeScript through tsx. With `--compare pandas`,
 * bench/pandas/notebook.py (the seed notebook's metrics, numbers only) runs on the same CSV files in
 * the same run, right after channelscope's report, and the bench prints the ratio of wall times. It
 * needs a python3 with pandas (Debian: apt-get install -y python3-pandas); pandas holds every table
 * in memory, so it is skipped above --pandas-max (default 4M sessions) and the table says so.
 *
 * With the optional chdb package installed, `report --engine chdb` (embedded ClickHouse) is measured
 * beside DuckDB's `report --no-figures`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const ROOT = new URL("../", import.meta.url).pathname;
const MAIN = join(ROOT, "dist", "cli", "main.js");
const NOTEBOOK = join(ROOT, "bench", "pandas", "notebook.py");
const OUT = new URL("./out/", import.meta.url).pathname;
/** Sessions per user of the calibrated sample (359k sessions / 228k users). */
const SESSIONS_PER_USER = 1.575;
/**
 * Bytes on disk per session: the generated CSV and Parquet with their orders and costs (95, measured
 * at 0.4M), plus room for DuckDB's scratch database while a large input is ingested.
 */
const BYTES_PER_SESSION = 140;

interface Measure {
  scale: string;
  step: string;
  wallS: number;
  /** User + system CPU seconds: steadier than wall time when the machine is shared. */
  cpuS: number;
  peakRssMb: number;
  sessions: number;
  perSecond: number;
  phases?: Record<string, number>;
  /** The machine's 1-minute load average after the step: above the core count, wall times are inflated. */
  loadAverage?: number;
}

const { values } = parseArgs({
  options: {
    scales: { type: "string", default: "0.4,4,40" },
    reuse: { type: "boolean", default: false },
    compare: { type: "string" },
    "pandas-max": { type: "string", default: "4" },
  },
});
if (values.compare !== undefined && values.compare !== "pandas") {
  console.error(`bench: --compare takes "pandas" (got "${values.compare}")`);
  process.exit(2);
}
if (!existsSync("/usr/bin/time")) {
  console.error("bench needs /usr/bin/time (Debian: apt-get install -y time)");
  process.exit(2);
}
const scales = values.scales.split(",").map((s) => s.trim());
if (!scales.every((s) => Number(s) > 0)) {
  console.error(`bench: --scales takes millions of sessions, e.g. 0.4,4 (got "${values.scales}")`);
  process.exit(2);
}
const python = values.compare === "pandas" ? findPandas() : null;
if (values.compare === "pandas" && !python) {
  console.error(
    "bench: --compare pandas needs python3 with pandas (Debian: apt-get install -y python3-pandas)",
  );
  process.exit(2);
}
/** chdb is optional (546 MB): the ClickHouse step runs only where it is installed. */
const chdbInstalled = await import("chdb/connection" as string).then(
  () => true,
  () => false,
);
if (!chdbInstalled)
  console.log("chdb not installed: the chdb engine is not measured (npm install --no-save chdb@3.4.0)");
mkdirSync(OUT, { recursive: true });
checkDisk();
build();

/** Runs `command ...args` under /usr/bin/time; returns wall seconds, peak RSS in MB and phases. */
function measure(
  command: string,
  args: string[],
): Omit<Measure, "scale" | "step" | "sessions" | "perSecond"> {
  const result = spawnSync("/usr/bin/time", ["-f", "TIME %e %U %S %M", command, ...args], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const match = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(result.stderr);
  if (result.status !== 0 || !match) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr.slice(-2000)}`);
  }
  // `report --timings` prints `timing PHASE MS ms` lines: the metric suite alone is one of them.
  const phases = Object.fromEntries(
    [...result.stderr.matchAll(/^timing (\S+) (\d+) ms$/gm)].map((m) => [m[1]!, Number(m[2]) / 1000]),
  );
  return {
    wallS: Number(match[1]),
    cpuS: Number(match[2]) + Number(match[3]),
    peakRssMb: Math.round(Number(match[4]) / 1024),
    phases,
  };
}

const channelscope = (args: string[]) => measure(process.execPath, [MAIN, ...args]);

const results: Measure[] = [];
for (const scale of scales) {
  const target = Number(scale) * 1e6;
  const users = Math.round(target / SESSIONS_PER_USER);
  const dir = join(OUT, `data-${scale}M`);
  const csv = join(dir, "csv");
  const parquet = join(dir, "parquet");
  const record = (step: string, m: ReturnType<typeof measure>, sessions: number) => {
    const row: Measure = {
      scale: `${scale}M`,
      step,
      ...m,
      sessions,
      perSecond: Math.round(sessions / Math.max(m.wallS, 0.001)),
    };
    row.loadAverage = Number(loadavg()[0]!.toFixed(2));
    results.push(row);
    const phases = Object.entries(m.phases ?? {})
      .map(([k, v]) => `${k} ${v.toFixed(2)}s`)
      .join(", ");
    console.log(
      `${row.scale.padEnd(6)} ${step.padEnd(30)} ${m.wallS.toFixed(2).padStart(8)} s ${m.cpuS.toFixed(1).padStart(7)} s cpu ${String(m.peakRssMb).padStart(6)} MB  ${(row.perSecond / 1e6).toFixed(2)}M sessions/s  load ${row.loadAverage}${phases ? `  (${phases})` : ""}`,
    );
  };
  const reuse =
    values.reuse && existsSync(join(csv, "truth.json")) && existsSync(join(parquet, "truth.json"));
  if (!reuse) {
    rmSync(dir, { recursive: true, force: true });
    const gen = channelscope(["generate", "--out", csv, "--users", String(users), "--seed", "7"]);
    const sessions = countSessions(csv);
    record("generate csv", gen, sessions);
    record(
      "generate parquet",
      channelscope([
        "generate",
        "--out",
        parquet,
        "--users",
        String(users),
        "--seed",
        "7",
        "--format",
        "parquet",
      ]),
      sessions,
    );
  }
  const sessions = countSessions(csv);
  const files = (d: string, ext: string) =>
    ["visits_log_us", "orders_log_us", "costs_us"].map((f) => join(d, `${f}.${ext}`));
  const inputs = (d: string, ext: string) => {
    const [visits, orders, costs] = files(d, ext);
    return ["--visits", visits!, "--orders", orders!, "--costs", costs!];
  };
  const quarantine = ["--quarantine", join(dir, "quarantine.csv")];
  record("ingest+audit csv", channelscope(["check", ...inputs(csv, "csv"), ...quarantine]), sessions);
  record(
    "ingest+audit parquet",
    channelscope(["check", ...inputs(parquet, "parquet"), ...quarantine]),
    sessions,
  );
  const report = (extra: string[]) => [
    "report",
    ...inputs(csv, "csv"),
    "--out",
    join(dir, "report"),
    "--timings",
    ...extra,
  ];
  record("report json+csv", channelscope(report(["--no-figures"])), sessions);
  if (chdbInstalled)
    record("report json+csv, chdb", channelscope(report(["--no-figures", "--engine", "chdb"])), sessions);
  record("report full (figures, html)", channelscope(report([])), sessions);
  // The same report read from Parquet: the issue's 100M goal holds for both input formats.
  record(
    "report full, parquet",
    channelscope([
      "report",
      ...inputs(parquet, "parquet"),
      "--out",
      join(dir, "report-parquet"),
      "--timings",
    ]),
    sessions,
  );
  if (python) {
    if (Number(scale) > Number(values["pandas-max"])) {
      console.log(
        `${`${scale}M`.padEnd(6)} pandas notebook: skipped (above --pandas-max ${values["pandas-max"]}M)`,
      );
    } else {
      const [visits, orders, costs] = files(csv, "csv");
      record(
        "pandas notebook (numbers)",
        measure(python, [NOTEBOOK, visits!, orders!, costs!, join(dir, "pandas.json")]),
        sessions,
      );
    }
  }
}
writeFileSync(join(OUT, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nresults: ${join(OUT, "results.json")}\n`);
printTables(results);

/** Markdown the README can take: every step, then channelscope against pandas. */
function printTables(rows: Measure[]): void {
  const n = (x: number) => x.toLocaleString("en-US");
  console.log(`machine: ${cpus().length} cores; load average is the 1-minute one after each step\n`);
  console.log(
    "| sessions | step | wall | CPU | peak RSS | sessions/s | load |\n|---|---|---|---|---|---|---|",
  );
  for (const r of rows) {
    console.log(
      `| ${r.scale} | ${r.step} | ${r.wallS.toFixed(2)} s | ${r.cpuS.toFixed(1)} s | ${n(r.peakRssMb)} MB | ${(r.perSecond / 1e6).toFixed(2)}M | ${r.loadAverage ?? ""} |`,
    );
  }
  const pandas = rows.filter((r) => r.step.startsWith("pandas"));
  if (pandas.length === 0) return;
  console.log(
    "\n| sessions | channelscope full report | channelscope numbers only | pandas notebook (numbers only) | ratio full | ratio numbers |\n|---|---|---|---|---|---|",
  );
  for (const p of pandas) {
    const full = rows.find((r) => r.scale === p.scale && r.step.startsWith("report full"))!;
    const numbers = rows.find((r) => r.scale === p.scale && r.step === "report json+csv")!;
    console.log(
      `| ${p.scale} (${n(p.sessions)}) | ${full.wallS.toFixed(2)} s, ${n(full.peakRssMb)} MB | ${numbers.wallS.toFixed(2)} s, ${n(numbers.peakRssMb)} MB | ${p.wallS.toFixed(2)} s, ${n(p.peakRssMb)} MB | ${(p.wallS / full.wallS).toFixed(1)}x | ${(p.wallS / numbers.wallS).toFixed(1)}x |`,
    );
  }
  console.log(
    "\nratio = pandas wall time / channelscope wall time, whole processes, same CSV files, one run. channelscope also audits the input, computes all three attribution models and (full) draws 19 figures and the HTML page; the notebook computes first-touch numbers only.",
  );
}

function countSessions(dir: string): number {
  const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
  return Number(truth.counts?.sessions ?? truth.sessions ?? 0);
}

/** The package as installed runs dist/: build it so the bench never measures tsx. */
function build(): void {
  const result = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) {
    console.error("bench: npm run build failed");
    process.exit(1);
  }
}

/** The first python3 that can import pandas (pyenv shims may hide Debian's). */
function findPandas(): string | null {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(candidate, ["-c", "import pandas"], { stdio: "ignore" });
    if (r.status === 0) return candidate;
  }
  return null;
}

/** Generated data for every scale, kept until the next run: refuse to start when it cannot fit. */
function checkDisk(): void {
  const needed = scales.reduce((sum, s) => sum + Number(s) * 1e6 * BYTES_PER_SESSION, 0);
  const fs = statfsSync(OUT);
  const free = fs.bavail * fs.bsize;
  if (needed > free * 0.9) {
    console.error(
      `bench: the data for scales ${values.scales} needs about ${(needed / 1e9).toFixed(0)} GB; ${(free / 1e9).toFixed(0)} GB free in ${OUT}`,
    );
    process.exit(2);
  }
}
