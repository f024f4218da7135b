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
  decimalComma?: boolean;
  /** Analysis options (from, to, horizon, margin, attribution, cohortGrain, currency), as on the CLI. */
  [option: string]: unknown;
}

interface TableConfig {
  path?: string;
  columns?: Record<string, string>;
  dateFormat?: string;
  decimalComma?: boolean;
}

type Kind = "string" | "boolean" | "number or string" | "table";

/**
 * Every key the config file may hold and the JSON type it takes. A key not listed is a mistake (a
 * typo such as `horizn` would otherwise be ignored without a word); the values of the analysis
 * options are checked further by the options normaliser.
 */
export const CONFIG_KEYS: Record<string, Kind> = {
  $schema: "string",
  visits: "table",
  orders: "table",
  costs: "table",
  dateFormat: "string",
  decimalComma: "boolean",
  from: "string",
  to: "string",
  horizon: "number or string",
  margin: "number or string",
  attribution: "string",
  cohortGrain: "string",
  currency: "string",
  lang: "string",
};

const TABLE_KEYS: Record<string, "string" | "boolean" | "columns"> = {
  path: "string",
  columns: "columns",
  dateFormat: "string",
  decimalComma: "boolean",
};

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Edit distance, for "did you mean" on a mistyped key. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function unknownKey(path: string, where: string, key: string, known: readonly string[]): InputError {
  const close = known
    .map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) }))
    .filter((c) => c.d <= Math.max(2, Math.floor(key.length / 3)))
    .sort((x, y) => x.d - y.d)[0];
  const hint = close ? `did you mean "${close.k}"?` : `expected one of ${known.join(", ")}`;
  return new InputError(`${path}: unknown key "${key}"${where} (${hint})`);
}

/** Fails with one line on the first key that is unknown or of the wrong JSON type. */
function validateConfig(path: string, config: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(config)) {
    const kind = CONFIG_KEYS[key];
    if (!kind) throw unknownKey(path, "", key, Object.keys(CONFIG_KEYS));
    const wrong = (expected: string) =>
      new InputError(`${path}: "${key}" must be ${expected} (got ${typeName(value)})`);
    if (kind === "string" && typeof value !== "string") throw wrong("a string");
    if (kind === "boolean" && typeof value !== "boolean") throw wrong("true or false");
    if (kind === "number or string" && typeof value !== "number" && typeof value !== "string")
      throw wrong("a number");
    if (kind === "table") validateTable(path, key, value);
  }
}

function validateTable(path: string, table: string, value: unknown): void {
  if (typeof value === "string") return;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(
      `${path}: "${table}" must be a file path or an object with "path" (got ${typeName(value)})`,
    );
  }
  for (const [key, v] of Object.entries(value)) {
    const kind = TABLE_KEYS[key];
    if (!kind) throw unknownKey(path, ` in "${table}"`, key, Object.keys(TABLE_KEYS));
    const wrong = (expected: string) =>
      new InputError(`${path}: "${table}.${key}" must be ${expected} (got ${typeName(v)})`);
    if (kind === "string" && typeof v !== "string") throw wrong("a string");
    if (kind === "boolean" && typeof v !== "boolean") throw wrong("true or false");
    if (kind === "columns") {
      if (typeof v !== "object" || v === null || Array.isArray(v))
        throw wrong('an object such as {"user_id": "Visitor"}');
      for (const [field, column] of Object.entries(v)) {
        if (typeof column !== "string") {
          throw new InputError(
            `${path}: "${table}.columns.${field}" must be a column name (got ${typeName(column)})`,
          );
        }
      }
    }
  }
}

export const DEFAULT_CONFIG_NAME = "channelscope.config.json";

/** Reads the config named by --config, or ./channelscope.config.json when present; {} otherwise. */
export function loadConfig(explicitPath: string | undefined): { config: ConfigFile; dir: string } {
  const path = explicitPath ?? (existsSync(DEFAULT_CONFIG_NAME) ? DEFAULT_CONFIG_NAME : undefined);
  if (!path) return { config: {}, dir: process.cwd() };
  if (!existsSync(path)) throw new InputError(`${path}: config file not found`);
  let parsed: unknown;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(
      `${path}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: invalid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InputError(`${path}: expected a JSON object at the top level`);
  }
  validateConfig(path, parsed as Record<string, unknown>);
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
  decimalComma = false,
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
  const comma = decimalComma || (fromConfig.decimalComma ?? config.decimalComma ?? false);
  return {
    path,
    columns,
    ...(pattern ? { datePattern: pattern } : {}),
    ...(comma ? { decimalComma: true } : {}),
  };
}
