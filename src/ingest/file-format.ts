import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from "node:fs";
import { basename } from "node:path";
import { gunzipSync } from "node:zlib";
import { InputError } from "./input-error.ts";

export type FileFormat = "csv" | "parquet" | "ndjson";

/** Decides the format from the file name: .csv/.tsv/.txt (optionally .gz), .parquet, .ndjson/.jsonl/.json. */
export function detectFormat(path: string): FileFormat {
  const name = basename(path).toLowerCase().replace(/\.gz$/, "");
  if (/\.(csv|tsv|txt)$/.test(name)) return "csv";
  if (/\.(parquet|pq)$/.test(name)) return "parquet";
  if (/\.(ndjson|jsonl|json)$/.test(name)) return "ndjson";
  throw new InputError(
    `${path}: unreadable format (expected .csv, .csv.gz, .tsv, .parquet, .ndjson or .jsonl by file name)`,
  );
}

/** Fails with a one-line message when the file is missing, a directory or empty. */
export function assertReadableFile(path: string): void {
  if (!existsSync(path)) throw new InputError(`${path}: file not found`);
  const stat = statSync(path);
  if (!stat.isFile()) throw new InputError(`${path}: not a file`);
  if (stat.size === 0) throw new InputError(`${path}: empty file (expected a header row and data)`);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new InputError(`${path}: permission denied (cannot read the file)`);
  }
}

export interface CsvHeader {
  delimiter: string;
  columns: string[];
}

const DELIMITERS = [",", ";", "\t"] as const;

/**
 * Reads the first line of a (possibly gzipped) CSV, strips a UTF-8 BOM and picks the delimiter that
 * splits the header into the most fields. We sniff this ourselves rather than trusting DuckDB's
 * sniffer because a one-column guess would turn a missing-column problem into a confusing one.
 */
export function readCsvHeader(path: string): CsvHeader {
  let text = firstBytes(path, 64 * 1024);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const newline = text.search(/\r?\n/);
  const line = newline === -1 ? text : text.slice(0, newline);
  if (line.trim() === "") throw new InputError(`${path}: line 1: empty header (expected column names)`);
  let best: CsvHeader = { delimiter: ",", columns: splitCsvLine(line, ",") };
  for (const delimiter of DELIMITERS) {
    const columns = splitCsvLine(line, delimiter);
    if (columns.length > best.columns.length) best = { delimiter, columns };
  }
  return best;
}

function firstBytes(path: string, size: number): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(size);
    const read = readSync(fd, buffer, 0, size, 0);
    const bytes = buffer.subarray(0, read);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return gunzipPrefix(path, bytes);
    return bytes.toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function gunzipPrefix(path: string, bytes: Buffer): string {
  try {
    // A partial gzip stream cannot be finished; the flush option lets us read what has arrived.
    return gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH */ }).toString("utf8");
  } catch {
    throw new InputError(`${path}: unreadable gzip data`);
  }
}

/** Splits one CSV line, honouring double-quoted fields with "" escapes. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}
