/**
 * `npm run bench`: whole-process wall time and peak RSS of each step of the pipeline, on generated
 * data at several scales. Every step is a separate `channelscope` process measured by /usr/bin/time,
 * so start-up, ingest and exit are all counted. Not part of the tests: speed is measured, not asserted.
 *
 *   npm run bench                       # 0.4M, 4M and 40M sessions
 *   npm run bench -- --scales 0.4,4     # a subset (millions of sessions)
 *   npm run bench -- --reuse            # keep generated data between runs
 *
 * With the optional chdb package installed, `report --engine chdb` (embedded ClickHouse) is measured
 * beside DuckDB's `report --no-figures`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const BIN = new URL("../bin/channelscope.js", import.meta.url).pathname;
const OUT = new URL("./out/", import.meta.url).pathname;
/** Sessions per user of the calibrated sample (359k sessions / 228k users). */
const SESSIONS_PER_USER = 1.575;

interface Measure {
  scale: string;
  step: string;
  wallS: number;
  peakRssMb: number;
  sessions: number;
  perSecond: number;
}

const { values } = parseArgs({
  options: { scales: { type: "string", default: "0.4,4,40" }, reuse: { type: "boolean", default: false } },
});
/** chdb is optional (546 MB): the ClickHouse step runs only where it is installed. */
const chdbInstalled = await import("chdb/connection" as string).then(
  () => true,
  () => false,
);
if (!chdbInstalled)
  console.log("chdb not installed: the chdb engine is not measured (npm install --no-save chdb@3.4.0)");
if (!existsSync("/usr/bin/time")) {
  console.error("bench needs /usr/bin/time (Debian: apt-get install -y time)");
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });

/** Runs `channelscope ...args` under /usr/bin/time; returns wall seconds, peak RSS in MB and phases. */
function measure(args: string[]): { wallS: number; peakRssMb: number; phases: Record<string, number> } {
  const result = spawnSync("/usr/bin/time", ["-f", "TIME %e %M", process.execPath, BIN, ...args], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const match = /TIME ([\d.]+) (\d+)\s*$/.exec(result.stderr);
  if (result.status !== 0 || !match) {
    throw new Error(
      `channelscope ${args.join(" ")} failed (${result.status}):\n${result.stderr.slice(-2000)}`,
    );
  }
  // `report --timings` prints `timing PHASE MS ms` lines: the metric suite alone is one of them.
  const phases = Object.fromEntries(
    [...result.stderr.matchAll(/^timing (\S+) (\d+) ms$/gm)].map((m) => [m[1]!, Number(m[2]) / 1000]),
  );
  return { wallS: Number(match[1]), peakRssMb: Math.round(Number(match[2]) / 1024), phases };
}

const results: Measure[] = [];
for (const scale of values.scales.split(",").map((s) => s.trim())) {
  const target = Number(scale) * 1e6;
  const users = Math.round(target / SESSIONS_PER_USER);
  const dir = join(OUT, `data-${scale}M`);
  const csv = join(dir, "csv");
  const parquet = join(dir, "parquet");
  const record = (
    step: string,
    m: { wallS: number; peakRssMb: number; phases?: Record<string, number> },
    sessions: number,
  ) => {
    const row = {
      scale: `${scale}M`,
      step,
      ...m,
      sessions,
      perSecond: Math.round(sessions / Math.max(m.wallS, 0.001)),
    };
    results.push(row);
    const phases = Object.entries(m.phases ?? {})
      .map(([k, v]) => `${k} ${v.toFixed(2)}s`)
      .join(", ");
    console.log(
      `${row.scale.padEnd(6)} ${step.padEnd(28)} ${m.wallS.toFixed(2).padStart(8)} s ${String(m.peakRssMb).padStart(6)} MB  ${(row.perSecond / 1e6).toFixed(2)}M sessions/s${phases ? `  (${phases})` : ""}`,
    );
  };
  const reuse =
    values.reuse && existsSync(join(csv, "truth.json")) && existsSync(join(parquet, "truth.json"));
  if (!reuse) {
    rmSync(dir, { recursive: true, force: true });
    const gen = measure(["generate", "--out", csv, "--users", String(users), "--seed", "7"]);
    const sessions = countSessions(csv);
    record("generate csv", gen, sessions);
    record(
      "generate parquet",
      measure(["generate", "--out", parquet, "--users", String(users), "--seed", "7", "--format", "parquet"]),
      sessions,
    );
  }
  const sessions = countSessions(csv);
  const inputs = (d: string, ext: string) => [
    "--visits",
    join(d, `visits_log_us.${ext}`),
    "--orders",
    join(d, `orders_log_us.${ext}`),
    "--costs",
    join(d, `costs_us.${ext}`),
    "--quarantine",
    join(dir, "quarantine.csv"),
  ];
  record("ingest+audit csv", measure(["check", ...inputs(csv, "csv")]), sessions);
  record("ingest+audit parquet", measure(["check", ...inputs(parquet, "parquet")]), sessions);
  const report = (extra: string[]) => [
    "report",
    ...inputs(csv, "csv").slice(0, 6),
    "--out",
    join(dir, "report"),
    "--timings",
    ...extra,
  ];
  record("report json+csv", measure(report(["--no-figures"])), sessions);
  if (chdbInstalled)
    record("report json+csv, chdb", measure(report(["--no-figures", "--engine", "chdb"])), sessions);
  record("report full (figures, html)", measure(report([])), sessions);
}
writeFileSync(join(OUT, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nresults: ${join(OUT, "results.json")}`);

function countSessions(dir: string): number {
  const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
  return Number(truth.counts?.sessions ?? truth.sessions ?? 0);
}
