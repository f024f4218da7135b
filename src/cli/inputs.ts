import { statSync } from "node:fs";
import type { ParseArgsConfig } from "node:util";
import type { DuckDbEngine } from "../engine/duckdb-engine.ts";
import { TABLE_NAMES } from "../ingest/canonical.ts";
import type { IngestSources } from "../ingest/index.ts";
import { type ConfigFile, loadConfig, tableSource } from "./config.ts";
import { UsageError } from "./errors.ts";

/** Flags every command that reads the three exports accepts. */
export const INPUT_FLAGS = {
  visits: { type: "string" },
  orders: { type: "string" },
  costs: { type: "string" },
  config: { type: "string" },
  map: { type: "string", multiple: true },
  "date-format": { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  db: { type: "string" },
  "memory-limit": { type: "string" },
  threads: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export type InputFlags = {
  [K in keyof typeof INPUT_FLAGS]?: (typeof INPUT_FLAGS)[K] extends { multiple: true } ? string[] : string;
};

export interface ResolvedInputs {
  sources: IngestSources;
  config: ConfigFile;
  bounds: { from?: string; to?: string };
}

/** Flags + config file -> what to ingest. */
export function resolveInputs(flags: InputFlags, required: readonly string[] = []): ResolvedInputs {
  const { config, dir } = loadConfig(flags.config);
  const sources: IngestSources = {};
  for (const table of TABLE_NAMES) {
    const source = tableSource(table, flags[table], flags.map ?? [], config, dir, flags["date-format"]);
    if (source) sources[table] = source;
  }
  const missing = required.filter((t) => !sources[t as keyof IngestSources]);
  if (missing.length > 0) {
    throw new UsageError(
      `missing input: ${missing.map((t) => `--${t} FILE`).join(", ")} (or set it in the config file)`,
    );
  }
  if (Object.keys(sources).length === 0) {
    throw new UsageError("no input given (expected --visits, --orders and/or --costs, or a config file)");
  }
  const from = flags.from ?? (typeof config.from === "string" ? config.from : undefined);
  const to = flags.to ?? (typeof config.to === "string" ? config.to : undefined);
  return { sources, config, bounds: { ...(from ? { from } : {}), ...(to ? { to } : {}) } };
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
  const { DuckDbEngine, MEMORY_LIMIT } = await import("../engine/duckdb-engine.ts");
  if (flags["memory-limit"] !== undefined && !MEMORY_LIMIT.test(flags["memory-limit"])) {
    throw new UsageError(`invalid memory-limit: "${flags["memory-limit"]}" (expected e.g. 1500MB or 4GB)`);
  }
  const threads = flags.threads === undefined ? undefined : Number(flags.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
    throw new UsageError(`invalid threads: "${flags.threads}" (expected a whole number above 0)`);
  }
  const inputBytes = Object.values(sources).reduce((sum, s) => sum + sizeOf(s.path), 0);
  const path = flags.db ?? (inputBytes <= IN_MEMORY_UP_TO ? ":memory:" : undefined);
  return DuckDbEngine.open({
    ...(path ? { path } : {}),
    memoryLimit: flags["memory-limit"] ?? INGEST_MEMORY_LIMIT,
    ...(threads ? { threads } : {}),
  });
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // a missing file is reported by ingest, with its name
  }
}
