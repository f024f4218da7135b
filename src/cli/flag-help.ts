/**
 * The "Flags:" block of every command's --help, rendered from the same flag table the parser uses, so
 * a flag the parser accepts can never be missing from the help (test/cli-help.test.ts checks that
 * every flag has a description here).
 */

interface FlagSpec {
  type: "string" | "boolean";
  multiple?: boolean;
}

/** What a flag's value looks like in the help (string flags only). */
const VALUE: Record<string, string> = {
  visits: "FILE",
  orders: "FILE",
  costs: "FILE",
  config: "FILE",
  map: "TABLE.FIELD=COLUMN",
  "date-format": "PATTERN",
  from: "YYYY-MM-DD",
  to: "YYYY-MM-DD",
  db: "FILE.duckdb",
  "memory-limit": "SIZE",
  threads: "N",
  engine: "duckdb|clickhouse|chdb",
  "clickhouse-url": "URL",
  "visits-table": "DB.TABLE",
  "orders-table": "DB.TABLE",
  "costs-table": "DB.TABLE",
  out: "DIR",
  horizon: "N",
  margin: "M",
  attribution: "MODEL",
  "cohort-grain": "month|week",
  currency: "CODE",
  lang: "en|ru",
  quarantine: "FILE",
  host: "HOST",
  port: "PORT",
  token: "T",
  users: "N",
  seed: "S",
  format: "csv|parquet",
  sample: "DIR",
  confidence: "0.9",
  "forecast-model": "power|buyer",
  observed: "1,2,3",
  "from-cohort": "YYYY-MM",
  "to-cohort": "YYYY-MM",
  budget: "AMOUNT_PER_MONTH",
  bounds: "0.3",
};

/** One line per flag, the same meaning in every command that takes it. */
const TEXT: Record<string, string> = {
  visits: "sessions export (CSV, TSV or Parquet; e.g. visits_log_us.csv)",
  orders: "orders export (e.g. orders_log_us.csv)",
  costs: "daily ad costs per source (e.g. costs_us.csv)",
  config: "config file with inputs, mappings and options (default ./channelscope.config.json)",
  map: "which input column feeds a field, e.g. visits.user_id=Visitor (repeatable)",
  "date-format": 'strptime pattern of the timestamps, e.g. "%d/%m/%Y %H:%M" (never guessed)',
  "decimal-comma": "money is written with a decimal comma (12,50)",
  "parquet-in-place":
    "read Parquet inputs of canonical types in place instead of copying them: less memory, more CPU",
  from: "first day of the analysis window (default: the data's own span)",
  to: "day after the last of the window (exclusive)",
  db: "DuckDB database file to ingest into (kept), instead of memory or a scratch file",
  "memory-limit": "DuckDB memory limit, e.g. 1500MB or 4GB (default 1200MB ingest, 4GB metrics)",
  threads: "DuckDB worker threads (default: one per core)",
  engine: "where the analysis runs (default duckdb; chdb = embedded ClickHouse, installed separately)",
  "clickhouse-url":
    "ClickHouse HTTP endpoint, e.g. http://host:8123 (credentials from CLICKHOUSE_USER/PASSWORD)",
  "visits-table": "sessions already in ClickHouse, read in place (with --engine clickhouse|chdb)",
  "orders-table": "orders already in ClickHouse, read in place",
  "costs-table": "costs already in ClickHouse, read in place",
  horizon: "lifetime in months for LTV, ROMI and payback (default 6)",
  margin: "gross margin applied to revenue, above 0 and at most 1 (default 1)",
  attribution: "first-touch, last-touch or linear (default first-touch)",
  "cohort-grain": "cohorts by first-visit month or week (default month)",
  currency: "currency code the amounts are in (default USD)",
  lang: "language of the report: en or ru (default en)",
  "no-figures": "skip the figures (JSON, CSV and HTML tables only; faster)",
  png: "also write each figure as PNG, at twice the SVG's size",
  timings: "print each phase's wall time to stderr (used by npm run bench)",
  quarantine: "where rejected rows go (default ./quarantine.csv, only when rows were rejected)",
  host: "address to listen on (default 127.0.0.1; any other needs --token)",
  port: "port to listen on (default 8080; 0 picks a free one)",
  token: "bearer token the API requires (or CHANNELSCOPE_TOKEN)",
  users: "how many users to simulate (default 228,169)",
  seed: "random seed; the same seed gives the same bytes (default 1)",
  format: "file format of the sample (default csv)",
  sample: "where the sample is generated, once (default ./sample)",
  confidence: "coverage of the bootstrap intervals, 0.5 to 0.999 (default 0.9)",
  "forecast-model":
    "LTV forecast of young cohorts: power (pooled power curve, default) or buyer (BG/BB + Gamma-Gamma)",
  observed: "observed months to forecast from, comma-separated (default 1,2,3)",
  "from-cohort": "first buyer cohort to backtest",
  "to-cohort": "last buyer cohort to backtest",
  budget: "monthly budget the plan allocates (default: today's spend per month)",
  bounds: "how far each source's spend may move, a fraction or a percentage (default 0.3 = ±30 %)",
  "plant-returns": "plant per-source diminishing returns of daily spend (elasticities in truth.json)",
};

/** Where a flag means something else in one command (command -> flag -> text). */
const BY_COMMAND: Record<string, Record<string, string>> = {
  report: { out: "directory to write the report into (created if needed)" },
  check: { json: "also write the data-quality report as JSON to this file" },
  generate: {
    out: "directory to write the sample into",
    json: "print the summary as JSON instead of text",
  },
  demo: {
    out: "directory to write the report into (default ./out)",
    lang: "language of the report: en or ru (default en)",
  },
  backtest: {
    out: "directory to write backtest_summary.csv, backtest_cases.csv and backtest.json into",
    "forecast-model": "score only this forecast model beside the baseline (default: both, side by side)",
  },
  serve: {
    db: "DuckDB file to ingest into (kept); given alone, reuses an earlier run's database",
  },
};

const VALUE_BY_COMMAND: Record<string, Record<string, string>> = { check: { json: "FILE" } };

/** The description of one flag of one command, or undefined when nobody wrote one (a test fails). */
export function flagDescription(command: string, flag: string): string | undefined {
  const own = BY_COMMAND[command];
  if (own && Object.hasOwn(own, flag)) return own[flag];
  return Object.hasOwn(TEXT, flag) ? TEXT[flag] : undefined;
}

/** `--name VALUE` as shown in the help. */
function flagSyntax(command: string, flag: string, spec: FlagSpec): string {
  if (spec.type === "boolean") return `--${flag}`;
  const value = VALUE_BY_COMMAND[command]?.[flag] ?? VALUE[flag] ?? "VALUE";
  return `--${flag} ${value}`;
}

/** The flag list of one command, in the order of its flag table, aligned in two columns. */
export function flagList(command: string, flags: Record<string, FlagSpec>): string {
  const rows = Object.entries(flags).map(([flag, spec]) => [
    flagSyntax(command, flag, spec),
    flagDescription(command, flag) ?? "(no description)",
  ]);
  rows.push(["--help", "this text"]);
  const width = Math.max(...rows.map(([syntax]) => syntax!.length));
  return `  Flags:\n${rows.map(([syntax, text]) => `    ${syntax!.padEnd(width)}  ${text}`).join("\n")}`;
}

/** A command's full help: its synopsis and description, then every flag it accepts. */
export function commandHelp(command: string, synopsis: string, flags: Record<string, FlagSpec>): string {
  return `${synopsis}\n${flagList(command, flags)}`;
}
