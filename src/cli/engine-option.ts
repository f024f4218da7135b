import type { ParseArgsConfig } from "node:util";
import type { DuckDbEngine } from "../engine/duckdb-engine.ts";
import type { Engine } from "../engine/engine.ts";
import type { IngestSources } from "../ingest/index.ts";
import type { ConfigFile } from "./config.ts";
import { UsageError } from "./errors.ts";
import { duckDbOptions, type InputFlags, openEngine } from "./inputs.ts";

/** Flags choosing where the metrics run. */
export const ENGINE_FLAGS = {
  engine: { type: "string" },
  "clickhouse-url": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export type EngineFlags = { engine?: string; "clickhouse-url"?: string };

export const ENGINE_HELP = `    [--engine duckdb|clickhouse|chdb] [--clickhouse-url http://host:8123]
  --engine clickhouse runs the metrics on a ClickHouse server (user, password and database from
  CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE); chdb is embedded ClickHouse (optional
  package). Files are loaded and audited in DuckDB either way; --visits-table DB.TABLE (and
  --orders-table, --costs-table) reads a table already in ClickHouse in place.`;

export const ENGINE_NAMES = ["duckdb", "clickhouse", "chdb"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export function parseEngineName(raw: string | undefined): EngineName {
  if (raw === undefined) return "duckdb";
  if ((ENGINE_NAMES as readonly string[]).includes(raw)) return raw as EngineName;
  throw new UsageError(`invalid engine: "${raw}" (expected duckdb, clickhouse or chdb)`);
}

/**
 * Opens the engine the flags choose. DuckDB as before; ClickHouse over HTTP at --clickhouse-url (or
 * CLICKHOUSE_URL) with credentials only from the environment, so they never appear in a process
 * list or a log; chdb in process. Both ClickHouse kinds stage input files in a DuckDB opened as the
 * DuckDB engine would be.
 */
export async function openChosenEngine(
  flags: InputFlags & EngineFlags,
  sources: IngestSources = {},
  config: ConfigFile = {},
): Promise<Engine> {
  // The config file may choose the engine too (`"engine": "clickhouse", "clickhouseUrl": "..."`);
  // flags win over it, as for every other option.
  const fromConfig = (key: string) => (typeof config[key] === "string" ? (config[key] as string) : undefined);
  const name = parseEngineName(flags.engine ?? fromConfig("engine"));
  if (name === "duckdb") return openEngine(flags, sources);
  const staging = await duckDbOptions(flags, sources);
  const threads = staging.threads;
  const { ClickHouseEngine } = await import("../engine/clickhouse-engine.ts");
  if (name === "chdb") {
    const { ChdbMissingError } = await import("../engine/chdb-connection.ts");
    try {
      return await ClickHouseEngine.openChdb({ staging, ...(threads ? { threads } : {}) });
    } catch (error) {
      if (error instanceof ChdbMissingError) throw new UsageError(error.message);
      throw error;
    }
  }
  const url = clickhouseUrl(
    flags["clickhouse-url"] ?? fromConfig("clickhouseUrl") ?? process.env.CLICKHOUSE_URL,
  );
  const env = process.env;
  const { QueryError } = await import("../engine/query-error.ts");
  // An unreachable server or refused credentials is the user's to fix: one line, exit status 2.
  return ClickHouseEngine.connect({
    url,
    ...(env.CLICKHOUSE_USER ? { username: env.CLICKHOUSE_USER } : {}),
    ...(env.CLICKHOUSE_PASSWORD ? { password: env.CLICKHOUSE_PASSWORD } : {}),
    ...(env.CLICKHOUSE_DATABASE ? { database: env.CLICKHOUSE_DATABASE } : {}),
    staging,
    ...(threads ? { threads } : {}),
  }).catch((error: unknown) => {
    throw error instanceof QueryError && error.sql === "" ? new UsageError(error.message) : error;
  });
}

/**
 * The DuckDB engine that scans input files for `engine` (itself, or ClickHouse's staging engine), for
 * the progress line; null when none does.
 */
export function scanningEngine(engine: Engine): DuckDbEngine | null {
  const candidate = (engine.staging ?? engine) as Partial<DuckDbEngine>;
  return typeof candidate.scannedRows === "function" ? (candidate as DuckDbEngine) : null;
}

/** A checked http(s) URL without credentials in it (those belong in the environment). */
function clickhouseUrl(raw: string | undefined): string {
  if (!raw)
    throw new UsageError("--engine clickhouse needs --clickhouse-url http://host:8123 (or CLICKHOUSE_URL)");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError("invalid clickhouse-url (expected e.g. http://localhost:8123)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`invalid clickhouse-url: ${url.protocol} (expected http: or https:)`);
  if (url.username || url.password)
    throw new UsageError(
      "clickhouse-url must not hold credentials: set CLICKHOUSE_USER and CLICKHOUSE_PASSWORD",
    );
  return url.toString().replace(/\/$/, "");
}
