import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ParseArgsConfig } from "node:util";
import type { DuckDbEngine, DuckDbOptions } from "../engine/duckdb-engine.ts";
import { TABLE_NAMES } from "../ingest/canonical.ts";
import type { TablesInPlace } from "../ingest/clickhouse-tables.ts";
import type { IngestSources } from "../ingest/index.ts";
import { type ConfigFile, loadConfig, tableSource } from "./config.ts";
import { UsageError } from "./errors.ts";
import { assertDistinctPaths, assertWritableDir } from "./output-paths.ts";

/** Flags every command that reads the three exports accepts. */
export const INPUT_FLAGS = {
  visits: { type: "string" },
  orders: { type: "string" },
  costs: { type: "string" },
  "visits-table": { type: "string" },
  "orders-table": { type: "string" },
  "costs-table": { type: "string" },
  config: { type: "string" },
  map: { type: "string", multiple: true },
  "date-format": { type: "string" },
  "decimal-comma": { type: "boolean" },
  "parquet-in-place": { type: "boolean" },
  from: { type: "string" },
  to: { type: "string" },
  db: { type: "string" },
  "memory-limit": { type: "string" },
  threads: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export type InputFlags = {
  [K in keyof typeof INPUT_FLAGS]?: (typeof INPUT_FLAGS)[K] extends { multiple: true }
    ? string[]
    : (typeof INPUT_FLAGS)[K] extends { type: "boolean" }
      ? boolean
      : string;
};

export interface ResolvedInputs {
  sources: IngestSources;
  /** Inputs that are tables already in ClickHouse (`--visits-table db.visits`), read in place. */
  tables: TablesInPlace;
  config: ConfigFile;
  bounds: { from?: string; to?: string };
}

/** Flags + config file -> what to ingest. */
export function resolveInputs(flags: InputFlags, required: readonly string[] = []): ResolvedInputs {
  const { config, dir } = loadConfig(flags.config);
  const sources: IngestSources = {};
  const tables: TablesInPlace = {};
  for (const table of TABLE_NAMES) {
    const inPlace = flags[`${table}-table`];
    if (inPlace !== undefined) {
      if (flags[table] !== undefined)
        throw new UsageError(`--${table} and --${table}-table: give one of them`);
      // The same column mapping (--map, config columns) as a file; the path is the table's name.
      tables[table] = tableSource(table, inPlace, flags.map ?? [], config, dir, undefined);
      continue;
    }
    const source = tableSource(
      table,
      flags[table],
      flags.map ?? [],
      config,
      dir,
      flags["date-format"],
      flags["decimal-comma"] === true,
    );
    if (source) sources[table] = flags["parquet-in-place"] ? { ...source, inPlace: true } : source;
  }
  const given = (t: string) => sources[t as keyof IngestSources] ?? tables[t as keyof TablesInPlace];
  const missing = required.filter((t) => !given(t));
  if (missing.length > 0) {
    throw new UsageError(
      `missing input: ${missing.map((t) => `--${t} FILE`).join(", ")} (or set it in the config file)`,
    );
  }
  if (Object.keys(sources).length === 0 && Object.keys(tables).length === 0) {
    throw new UsageError("no input given (expected --visits, --orders and/or --costs, or a config file)");
  }
  const from = flags.from ?? (typeof config.from === "string" ? config.from : undefined);
  const to = flags.to ?? (typeof config.to === "string" ? config.to : undefined);
  checkBounds(from, to);
  return { sources, tables, config, bounds: { ...(from ? { from } : {}), ...(to ? { to } : {}) } };
}

/** A real calendar day written YYYY-MM-DD. */
function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/** The window bounds every command takes, checked before any file is read. */
function checkBounds(from: string | undefined, to: string | undefined): void {
  const problems: string[] = [];
  if (from !== undefined && !isDay(from))
    problems.push(`invalid from: "${from}" (expected a date YYYY-MM-DD)`);
  if (to !== undefined && !isDay(to))
    problems.push(`invalid to: "${to}" (expected a date YYYY-MM-DD, exclusive)`);
  if (problems.length === 0 && from !== undefined && to !== undefined && from >= to)
    problems.push(`invalid window: from ${from} is not before to ${to} (to is exclusive)`);
  if (problems.length > 0) throw new UsageError(problems.join("; "));
}

/** The files a command reads (and --db), named by their flag, for the checks that outputs avoid them. */
export function inputPaths(inputs: ResolvedInputs, flags: InputFlags): { what: string; path: string }[] {
  const paths = TABLE_NAMES.flatMap((t) => {
    const source = inputs.sources[t];
    return source ? [{ what: `--${t}`, path: source.path }] : [];
  });
  return flags.db ? [...paths, { what: "--db", path: flags.db }] : paths;
}

/**
 * Ingest keeps DuckDB's buffer pool small so the whole process stays under 2 GB at 40M sessions
 * (DuckDB allocates some memory outside the pool, Node takes ~150 MB); metrics then get more room.
 */
export const INGEST_MEMORY_LIMIT = "1200MB";
export const METRICS_MEMORY_LIMIT = "4GB";

/** Inputs larger than this (bytes, all files) are worked on in a scratch database on disk. */
const IN_MEMORY_UP_TO = 256 * 1024 * 1024;

/**
 * Opens the engine as the flags say: `--db FILE` (kept), or memory for small inputs and a scratch file
 * on disk for large ones (compressed on disk, it stays within the memory limit without thrashing).
 */
export async function openEngine(flags: InputFlags, sources: IngestSources = {}): Promise<DuckDbEngine> {
  // Loaded here, not at the top: DuckDB's native module takes ~0.3 s to load, and `--help` or a
  // mistyped flag should not pay for it.
  const { DuckDbEngine } = await import("../engine/duckdb-engine.ts");
  const options = await duckDbOptions(flags, sources);
  try {
    return await DuckDbEngine.open(options);
  } catch (error) {
    if (flags.db === undefined) throw error;
    const first = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new UsageError(`--db ${flags.db}: cannot open it as a DuckDB database (${first})`);
  }
}

/** The DuckDB options the flags ask for (also those of the ClickHouse engine's staging DuckDB). */
export async function duckDbOptions(flags: InputFlags, sources: IngestSources = {}): Promise<DuckDbOptions> {
  const { MEMORY_LIMIT } = await import("../engine/duckdb-engine.ts");
  if (flags["memory-limit"] !== undefined && !MEMORY_LIMIT.test(flags["memory-limit"])) {
    throw new UsageError(`invalid memory-limit: "${flags["memory-limit"]}" (expected e.g. 1500MB or 4GB)`);
  }
  const threads = flags.threads === undefined ? undefined : Number(flags.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
    throw new UsageError(`invalid threads: "${flags.threads}" (expected a whole number above 0)`);
  }
  const inputBytes = Object.values(sources).reduce((sum, s) => sum + sizeOf(s.path), 0);
  const path = flags.db ?? (inputBytes <= IN_MEMORY_UP_TO ? ":memory:" : undefined);
  if (flags.db !== undefined) assertDatabasePath(flags.db, sources);
  return {
    ...(path ? { path } : {}),
    memoryLimit: flags["memory-limit"] ?? INGEST_MEMORY_LIMIT,
    ...(threads ? { threads } : {}),
  };
}

/** --db must be a database file (or a new one) and never one of the inputs it would overwrite. */
function assertDatabasePath(db: string, sources: IngestSources): void {
  assertDistinctPaths([
    ...Object.entries(sources).map(([t, s]) => ({ what: `--${t}`, path: s.path })),
    { what: "--db", path: db },
  ]);
  if (existsSync(db) && statSync(db).isDirectory())
    throw new UsageError(`--db ${db}: is a directory (expected a database file)`);
  if (!existsSync(db)) assertWritableDir("--db", dirname(resolve(db)), db);
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // a missing file is reported by ingest, with its name
  }
}
