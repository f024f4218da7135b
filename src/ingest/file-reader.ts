import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine } from "../engine/engine.ts";
import { assertReadableFile, detectFormat, type FileFormat, readCsvHeader } from "./file-format.ts";
import { InputError } from "./input-error.ts";
import {
  assertMostlyUtf8,
  type LineScan,
  scanCsvLines,
  scanNdjsonLines,
  writeWithoutLines,
} from "./line-scan.ts";

/**
 * How to read one input file: the table function (with bound parameters) that yields its rows in file
 * order, its columns and their types. Nothing is materialised here; the loader parses in the same pass.
 */
export interface FileReader {
  path: string;
  format: FileFormat;
  /** Input column names in file order. */
  columns: string[];
  /** SQL identifier of each input column in the rows of `fromSql`. */
  identifiers: Map<string, string>;
  /** DuckDB type of each column (VARCHAR for text formats). */
  types: Map<string, string>;
  /** A FROM item yielding the rows in file order. */
  fromSql: string;
  /** The same without recording malformed lines, for sampling values before the real read. */
  sampleSql: string;
  params: Record<string, string>;
  /** Line of the first data row: 2 below a header, 1 otherwise. */
  firstLine: number;
  /** Where DuckDB records lines it could not split (CSV only). */
  errorsTable: string | null;
  /** The independent pass over the raw lines (CSV only): line count, blank and bad lines. */
  scan: LineScan | null;
  /** Removes the cleaned copy the reader may have made; call when the load is over. */
  dispose(): void;
}

const INTEGER_TYPES = /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|U?HUGEINT)$/;

/**
 * Prepares the reader of a file. Text formats are read entirely as VARCHAR so that every value, good
 * or bad, reaches validation and nothing is coerced on the way (a 20-digit id auto-detected as DOUBLE
 * would merge users).
 */
export async function openReader(engine: Engine, table: string, path: string): Promise<FileReader> {
  assertReadableFile(path);
  const format = detectFormat(path);
  if (format === "csv") return csvReader(table, path, await scanCsvLines(path));
  if (format === "parquet") return parquetReader(engine, path);
  return ndjsonReader(engine, path, await scanNdjsonLines(path));
}

/** The file to hand to DuckDB: `path` itself, or a copy without the scan's bad lines (and its remover). */
async function readablePath(
  path: string,
  scan: LineScan,
  name: string,
): Promise<{ readPath: string; dispose: () => void }> {
  if (scan.bad.length === 0) return { readPath: path, dispose: () => {} };
  const dir = mkdtempSync(join(tmpdir(), "channelscope-clean-"));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  const readPath = join(dir, name);
  try {
    await writeWithoutLines(path, scan.bad, readPath);
  } catch (error) {
    dispose();
    throw error;
  }
  return { readPath, dispose };
}

/**
 * A CSV reader over the file, or over a copy of it with the scan's bad lines emptied: the parser then
 * skips exactly those lines, so a stray quote cannot merge the rows after it into one field.
 */
async function csvReader(table: string, path: string, scan: LineScan): Promise<FileReader> {
  assertMostlyUtf8(path, scan);
  const header = readCsvHeader(path);
  const { readPath, dispose } = await readablePath(path, scan, "cleaned.csv");
  const identifiers = new Map(header.columns.map((c, i) => [c, `c${i}`] as const));
  const columnTypes = header.columns.map((_, i) => `'c${i}': 'VARCHAR'`).join(", ");
  const errorsTable = `read_errors_${table}`;
  const options = `$path, header = true, auto_detect = false, delim = $delim, quote = '"', escape = '"',
      columns = {${columnTypes}}`;
  return {
    path,
    format: "csv",
    columns: header.columns,
    identifiers,
    types: new Map(header.columns.map((c) => [c, "VARCHAR"] as const)),
    fromSql: `read_csv(${options}, store_rejects = true, rejects_table = '${errorsTable}',
      rejects_scan = '${errorsTable}_scan')`,
    sampleSql: `read_csv(${options}, ignore_errors = true)`,
    params: { path: readPath, delim: header.delimiter },
    firstLine: 2,
    errorsTable,
    scan,
    dispose,
  };
}

async function parquetReader(engine: Engine, path: string): Promise<FileReader> {
  const fromSql = "read_parquet($path)";
  return {
    path,
    format: "parquet",
    ...(await describe(engine, path, fromSql)),
    fromSql,
    sampleSql: fromSql,
    params: { path },
    firstLine: 1,
    errorsTable: null,
    scan: null,
    dispose: () => {},
  };
}

async function ndjsonReader(engine: Engine, path: string, scan: LineScan): Promise<FileReader> {
  assertMostlyUtf8(path, scan);
  const { readPath, dispose } = await readablePath(path, scan, "cleaned.ndjson");
  try {
    const described = await describe(
      engine,
      path,
      "read_json($path, format = 'newline_delimited', sample_size = 1000)",
      readPath,
    );
    // Read every key as VARCHAR: JSON numbers keep their exact text (ids up to 2^64-1 included).
    const columns = described.columns.map((c) => `${quoteString(c)}: 'VARCHAR'`).join(", ");
    const fromSql = `read_json($path, format = 'newline_delimited', columns = {${columns}})`;
    return {
      path,
      format: "ndjson",
      ...described,
      types: new Map(described.columns.map((c) => [c, "VARCHAR"] as const)),
      fromSql,
      sampleSql: fromSql,
      params: { path: readPath },
      firstLine: 1,
      errorsTable: null,
      scan,
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}

async function describe(engine: Engine, path: string, fromSql: string, readPath = path) {
  const rows = await readingRows<{ column_name: string; column_type: string }>(
    engine,
    path,
    `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${fromSql})`,
    { path: readPath },
  );
  const columns = rows.map((r) => r.column_name);
  const identifiers = new Map(columns.map((c) => [c, quoteIdentifier(c)] as const));
  const types = new Map(rows.map((r) => [r.column_name, r.column_type] as const));
  return { columns, identifiers, types };
}

/** True when a column holds exact integers or text, i.e. can carry ids without loss. */
export function isExactIdType(type: string): boolean {
  return type === "VARCHAR" || INTEGER_TYPES.test(type) || /^DECIMAL\(\d+,\s*0\)$/.test(type);
}

/** Runs SQL that reads the file, turning a reader failure into a one-line InputError on that file. */
export async function readingRows<T extends Record<string, string | number | boolean | null>>(
  engine: Engine,
  path: string,
  sql: string,
  params: Record<string, string>,
  statement = false,
): Promise<T[]> {
  try {
    if (statement) {
      await engine.run(sql, params);
      return [];
    }
    return await engine.all<T>(sql, params);
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new InputError(`${path}: unreadable file (${first})`);
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
