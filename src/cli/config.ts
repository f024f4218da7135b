import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { TableName } from "../ingest/canonical.ts";
import { InputError } from "../ingest/input-error.ts";
import type { TableSource } from "../ingest/load-table.ts";

/** channelscope.config.json: inputs, column mappings and analysis options, all optional. */
export interface ConfigFile {
  visits?: string | TableConfig;
  orders?: string | TableConfig;
  costs?: string | TableConfig;
  dateFormat?: string;
  /** Analysis options (from, to, horizon, margin, attribution, cohortGrain, currency), as on the CLI. */
  [option: string]: unknown;
}

interface TableConfig {
  path?: string;
  columns?: Record<string, string>;
  dateFormat?: string;
}

export const DEFAULT_CONFIG_NAME = "channelscope.config.json";

/** Reads the config named by --config, or ./channelscope.config.json when present; {} otherwise. */
export function loadConfig(explicitPath: string | undefined): { config: ConfigFile; dir: string } {
  const path = explicitPath ?? (existsSync(DEFAULT_CONFIG_NAME) ? DEFAULT_CONFIG_NAME : undefined);
  if (!path) return { config: {}, dir: process.cwd() };
  if (!existsSync(path)) throw new InputError(`${path}: config file not found`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError(`${path}: invalid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InputError(`${path}: expected a JSON object at the top level`);
  }
  return { config: parsed as ConfigFile, dir: dirname(resolve(path)) };
}

/**
 * The input of one table from flags and config: a flag path wins over the config's; column mappings
 * from `--map table.field=column` override the config's `columns`. Config paths are relative to the
 * config file.
 */
export function tableSource(
  table: TableName,
  flagPath: string | undefined,
  maps: readonly string[],
  config: ConfigFile,
  configDir: string,
  dateFormat: string | undefined,
): TableSource | undefined {
  const entry = config[table];
  const fromConfig: TableConfig = typeof entry === "string" ? { path: entry } : (entry ?? {});
  const path = flagPath ?? (fromConfig.path ? resolve(configDir, fromConfig.path) : undefined);
  if (!path) return undefined;
  const columns: Record<string, string> = { ...(fromConfig.columns ?? {}) };
  for (const map of maps) {
    const match = /^(visits|orders|costs)\.([a-z_]+)=(.+)$/.exec(map);
    if (!match) {
      throw new InputError(
        `invalid --map: "${map}" (expected TABLE.FIELD=COLUMN, e.g. visits.user_id=Visitor)`,
      );
    }
    if (match[1] === table) columns[match[2]!] = match[3]!;
  }
  const pattern = dateFormat ?? fromConfig.dateFormat ?? config.dateFormat;
  return { path, columns, ...(pattern ? { datePattern: pattern } : {}) };
}
