import { CANONICAL_TABLES, CLICKHOUSE_CANONICAL, handOverCanonical } from "../engine/clickhouse-canonical.ts";
import type { ClickHouseEngine } from "../engine/clickhouse-engine.ts";
import type { Engine } from "../engine/engine.ts";
import { CANONICAL_DDL, CANONICAL_FIELDS, TABLE_NAMES, type TableName } from "./canonical.ts";
import { clickhouseAuditWarnings, clickhouseWindow } from "./clickhouse-audit.ts";
import { resolveMapping } from "./column-mapping.ts";
import { fileWarnings, type IngestSources } from "./index.ts";
import { InputError, RejectedInputError } from "./input-error.ts";
import {
  loadTable,
  QUARANTINE_DDL,
  type RejectCount,
  type TableLoad,
  type TableSource,
} from "./load-table.ts";
import type { DataQualityReport } from "./quality.ts";
import { type RejectCode, rejectCaseSql } from "./reject-rules.ts";

/** Tables already in ClickHouse (`path` is `database.table`), with the same column mapping as files. */
export type TablesInPlace = Partial<Record<TableName, TableSource>>;

/** Rejected rows kept as samples per reason: the rows stay in the cluster, only examples travel. */
const SAMPLES_PER_REASON = 5;

/**
 * Ingest for ClickHouse when some inputs are tables already there. Files are loaded and checked by the
 * staging DuckDB as usual and handed over; each table is read in place: its columns are mapped, every
 * row gets the reject reason a file row would get (counted in ClickHouse, a few samples copied to the
 * quarantine), and the good rows, without exact repeats, become the canonical table in the run's
 * database. The audit then runs in ClickHouse over all three tables.
 */
export async function ingestInPlace(
  engine: ClickHouseEngine,
  files: IngestSources,
  tables: TablesInPlace,
  bounds: { from?: string; to?: string } = {},
): Promise<DataQualityReport> {
  // Every table is checked (name, columns, types) before any work, so a mistake costs nothing.
  const described: Partial<Record<TableName, Described>> = {};
  for (const table of TABLE_NAMES) {
    if (files[table] && tables[table]) throw new InputError(`${table}: given both as a file and as a table`);
    const source = tables[table];
    if (source) described[table] = await describe(engine, table, source);
  }
  const staging = engine.staging;
  await staging.run("DROP TABLE IF EXISTS quarantine");
  await staging.run(QUARANTINE_DDL);
  const loads: TableLoad[] = [];
  for (const table of TABLE_NAMES) {
    await dropStaged(staging, table);
    const file = files[table];
    if (file) loads.push(await loadTable(staging, table, file));
    else await staging.run(CANONICAL_DDL[table]);
  }
  await handOverCanonical(
    staging,
    engine,
    CANONICAL_TABLES.filter((t) => !tables[t]),
  );
  for (const table of TABLE_NAMES) {
    const d = described[table];
    if (d) loads.push(await loadInPlace(engine, table, d));
  }
  const window = await clickhouseWindow(engine, bounds);
  const empty = loads.find((f) => f.rowsRead > 0 && f.rowsLoaded === 0);
  if (!window && !empty) throw new InputError("no usable rows in any input: nothing to analyse");
  // As ingest(): with a table wholly rejected nothing can run, but its audit is what the user must see.
  const shown = window ?? { from: bounds.from ?? "?", to: bounds.to ?? "?", basis: "options" as const };
  const present = Object.fromEntries(TABLE_NAMES.map((t) => [t, Boolean(files[t] || tables[t])])) as Record<
    TableName,
    boolean
  >;
  // A table has no line numbers: its reject examples name the reason and the count only.
  const perFile = fileWarnings(loads).map((w) => ({
    ...w,
    examples: w.examples.map((e) => e.replace(/ \(line \)$/, "")),
  }));
  const warnings = [...perFile, ...(await clickhouseAuditWarnings(engine, present, shown))];
  const rows = loads.reduce((sum, f) => sum + f.rejected.reduce((s, r) => s + r.count, 0), 0);
  const report: DataQualityReport = {
    window: shown,
    files: loads,
    warnings,
    quarantine: { rows, path: null },
  };
  if (empty)
    throw new RejectedInputError(
      `${empty.path}: every one of the ${empty.rowsRead.toLocaleString("en-US")} ${empty.table} rows was rejected`,
      report,
    );
  return report;
}

/** A table in ClickHouse, checked: its name, the column mapping and the SQL reading it. */
interface Described {
  name: string;
  mapping: Record<string, string>;
  /** Every row with its parsed fields (p_*), its raw values as JSON and its reject reason. */
  checked: string;
}

async function describe(engine: ClickHouseEngine, table: TableName, source: TableSource): Promise<Described> {
  const name = source.path;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(name);
  if (!m) throw new InputError(`invalid --${table}-table: "${name}" (expected DATABASE.TABLE)`);
  const from = `${quote(m[1]!)}.${quote(m[2]!)}`;
  const columns = await engine.all<{ name: string; type: string }>(
    "SELECT name, type FROM system.columns WHERE database = $db AND table = $t ORDER BY position",
    { db: m[1]!, t: m[2]! },
  );
  if (columns.length === 0)
    throw new InputError(`${name}: no such table in ClickHouse (or none visible to CLICKHOUSE_USER)`);
  const mapping = resolveMapping(
    table,
    name,
    columns.map((c) => c.name),
    source.columns,
  );
  const typeOf = new Map(columns.map((c) => [c.name, baseType(c.type)]));
  const fields = CANONICAL_FIELDS[table];
  const parsed = fields.map((f) => `${parser(name, f, mapping[f]!, typeOf.get(mapping[f]!)!)} AS p_${f}`);
  // Money also says whether a number could not be held exactly (the inexact_amount rule reads it).
  for (const f of fields.filter((f) => f === "revenue" || f === "costs"))
    parsed.push(`${inexactMoney(mapping[f]!, typeOf.get(mapping[f]!)!)} AS p_${f}_inexact`);
  // Timestamps say whether text carried an impossible UTC offset (`+25:00`), a bad_timestamp.
  for (const f of fields.filter((f) => f === "start_ts" || f === "end_ts" || f === "ts"))
    parsed.push(`${badOffset(mapping[f]!, typeOf.get(mapping[f]!)!)} AS p_${f}_bad_offset`);
  const raw = `formatRowNoNewline('JSONEachRow', ${fields.map((f) => quote(mapping[f]!)).join(", ")})`;
  const checked = `(SELECT *, ${rejectCaseSql(table, "p_")} AS reason FROM (SELECT ${parsed.join(", ")}, ${raw} AS raw FROM ${from}))`;
  return { name, mapping, checked };
}

async function loadInPlace(engine: ClickHouseEngine, table: TableName, d: Described): Promise<TableLoad> {
  const { name, mapping, checked } = d;
  const fields = CANONICAL_FIELDS[table];
  const byReason = await engine.all<{ reason: RejectCode; n: string }>(
    `SELECT reason, count() AS n FROM ${checked} GROUP BY reason`,
  );
  const rowsRead = byReason.reduce((s, r) => s + Number(r.n), 0);
  const passing = Number(byReason.find((r) => r.reason === null)?.n ?? 0);
  // The canonical table: the good rows with exact repeats dropped (the file path keeps the first).
  const typed = fields.map((f) => `assumeNotNull(p_${f}) AS ${f}`).join(", ");
  await engine.run(`DROP TABLE IF EXISTS ${table}`);
  await engine.run(
    `CREATE TABLE ${table} (${CLICKHOUSE_CANONICAL[table]}) ENGINE = MergeTree ORDER BY tuple()
     AS SELECT DISTINCT ${typed} FROM ${checked} WHERE reason IS NULL`,
  );
  const [loaded] = await engine.all<{ n: string }>(`SELECT count() AS n FROM ${table}`);
  const rowsLoaded = Number(loaded?.n ?? 0);

  const samples = await engine.all<{ reason: string; raw: string }>(
    `SELECT reason, raw FROM ${checked} WHERE reason IS NOT NULL ORDER BY reason, raw LIMIT ${SAMPLES_PER_REASON} BY reason`,
  );
  for (const s of samples) {
    await engine.staging.run("INSERT INTO quarantine VALUES ($table, $path, NULL, $reason, $raw)", {
      table,
      path: name,
      reason: s.reason,
      raw: s.raw,
    });
  }
  const rejected: RejectCount[] = byReason
    .filter((r) => r.reason !== null)
    .map((r) => ({ reason: r.reason, count: Number(r.n), exampleLines: [] }));
  if (passing > rowsLoaded)
    rejected.push({ reason: "duplicate_row", count: passing - rowsLoaded, exampleLines: [] });
  rejected.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { table, path: name, format: "clickhouse", mapping, rowsRead, rowsLoaded, rejected };
}

/**
 * Drops a canonical table of the staging DuckDB, whichever kind it is: a loaded input is a view, an
 * absent one an empty table, and DuckDB's DROP VIEW IF EXISTS fails on a table of that name.
 */
async function dropStaged(staging: Engine, table: TableName): Promise<void> {
  const [row] = await staging.all<{ kind: string }>(
    "SELECT table_type AS kind FROM information_schema.tables WHERE table_name = $name",
    { name: table },
  );
  if (row) await staging.run(`DROP ${row.kind === "VIEW" ? "VIEW" : "TABLE"} ${table}`);
}

/** `Nullable(LowCardinality(String))` -> `String`, `DateTime64(3, 'UTC')` -> `DateTime64`. */
function baseType(type: string): string {
  let t = type;
  for (;;) {
    const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t);
    if (!m) break;
    t = m[1]!;
  }
  return t.replace(/\(.*$/, "");
}

/**
 * The SQL that reads canonical field `field` from column `column` of ClickHouse type `type`, NULL where
 * the value is missing or unreadable (the reject rules then name the reason). Text is read as the file
 * path reads it: timestamps `YYYY-MM-DD HH:MM[:SS[.ffffff]]` (with `T`; an offset is dropped, the wall
 * clock kept), dates `YYYY-MM-DD`, money an exact decimal.
 */
function parser(table: string, field: string, column: string, type: string): string {
  const c = quote(column);
  const textual = /^(String|FixedString|Enum8|Enum16|Enum)$/.test(type);
  const integral = /^U?Int\d+$/.test(type);
  const refuse = (why: string) =>
    new InputError(`${table}: column "${column}" for ${field} is ${type}: ${why}`);
  switch (field) {
    case "user_id":
    case "source_id":
    case "device":
      if (textual || integral || type === "UUID") return `nullIf(trimBoth(toString(${c})), '')`;
      throw refuse("ids must be text or integers (a floating-point id has already lost digits)");
    case "start_ts":
    case "end_ts":
    case "ts":
      // toString shows the wall clock of the column's own time zone, which is what is kept.
      if (/^(DateTime|DateTime64|Date|Date32)$/.test(type)) return `toDateTime64(toString(${c}), 6, 'UTC')`;
      // extract() returns the first capture group when there is one (the groups are non-capturing)
      // and '' on no match, which toDateTime64OrNull would read as 1970-01-01.
      if (textual)
        return `toDateTime64OrNull(replaceOne(nullIf(extract(trimBoth(toString(${c})), '^\\\\d{4}-\\\\d{2}-\\\\d{2}[ T]\\\\d{2}:\\\\d{2}(?::\\\\d{2}(?:\\\\.\\\\d{1,6})?)?'), ''), 'T', ' '), 6, 'UTC')`;
      throw refuse("expected a date-time or text");
    case "date":
      if (/^(DateTime|DateTime64|Date|Date32)$/.test(type)) return `toDate(${c})`;
      if (textual)
        return `toDateOrNull(nullIf(extract(trimBoth(toString(${c})), '^\\\\d{4}-\\\\d{2}-\\\\d{2}$'), ''))`;
      throw refuse("expected a date or text");
    default:
      // revenue, costs: text as the file path reads it (a plain decimal, NULL unless held exactly);
      // a float column through its value rounded to 6 places, as DuckDB's cast to DECIMAL(18,6).
      if (textual) return `if(${PLAIN(c)} AND ${EXACT(c)}, toDecimal64OrNull(${normalDecimal(c)}, 6), NULL)`;
      if (/^Float(32|64)$/.test(type)) return `toDecimal64OrNull(toString(round(${c}, 6)), 6)`;
      if (/^(Decimal\d*|U?Int\d+)$/.test(type)) return `toDecimal64OrNull(toString(${c}), 6)`;
      throw refuse("expected a number or text");
  }
}

/** field-parsers.ts's decimal shapes: any plain decimal, and one held exactly by DECIMAL(18,6). */
const PLAIN = (c: string) => `match(trimBoth(toString(${c})), '^[+-]?(?:[0-9]+[.]?[0-9]*|[.][0-9]+)$')`;
const EXACT = (c: string) => `match(trimBoth(toString(${c})), '^[+-]?0*[0-9]{0,12}(?:[.][0-9]{0,6}0*)?$')`;

/** `+5`, `.5` and `5.` in the form ClickHouse's decimal parser takes (`5`, `0.5`, `5`). */
function normalDecimal(c: string): string {
  const t = `trimBoth(toString(${c}))`;
  return `replaceRegexpOne(replaceRegexpOne(replaceRegexpOne(${t}, '^[+]', ''), '^(-?)[.]', '\\\\10.'), '[.]$', '')`;
}

/** timestamp-format.ts's badOffsetSql: text ending in an offset that is not a real one. */
function badOffset(column: string, type: string): string {
  if (!/^(String|FixedString)$/.test(type)) return "false";
  const t = `trimBoth(toString(${quote(column)}))`;
  const offset = "'[0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *[+-][0-9]{2}(:?[0-9]{2})?$'";
  const valid = "'[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?$'";
  return `ifNull(length(${t}) > 19 AND match(${t}, ${offset}) AND NOT match(${t}, ${valid}), false)`;
}

/** True for a number that DECIMAL(18,6) cannot hold exactly (more than 6 places, or 10^12 or more). */
function inexactMoney(column: string, type: string): string {
  const c = quote(column);
  if (/^(String|FixedString|Enum8|Enum16|Enum)$/.test(type))
    return `ifNull(${PLAIN(c)} AND NOT ${EXACT(c)}, false)`;
  return `ifNull(abs(toFloat64(${c})) >= 1e12, false)`;
}

/** A ClickHouse identifier in backticks (column names like `Start Ts` are common). */
function quote(identifier: string): string {
  return `\`${identifier.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``;
}
