import { isAscii, isUtf8 } from "node:buffer";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { InputError } from "./input-error.ts";
import type { Padding } from "./text-sql.ts";

/** Why the scan set a physical line aside before the CSV parser sees it. */
export type LineFault = "malformed_line" | "not_utf8";

export interface BadLine {
  line: number;
  reason: LineFault;
  /** The line as text (invalid bytes replaced, NUL shown as \0), at most RAW_LIMIT characters. */
  raw: string;
}

/**
 * What one pass over the raw bytes of a text input found, independently of the CSV parser: how many
 * physical lines follow the header, which are blank (the parser skips them), and which cannot be a
 * record of their own (a quote left open at the end of the line, bytes that are not UTF-8, a NUL).
 */
export interface LineScan {
  /** Physical lines after the header; a final line break does not start another line. */
  dataLines: number;
  blankLines: number[];
  bad: BadLine[];
  /**
   * What values may be padded with: `tabs` when the file holds a tab or a no-break space anywhere;
   * `none` (CSV) when no space and no non-ASCII byte stands next to a field boundary, so no value can
   * begin or end with whitespace; else `spaces`.
   */
  padding: Padding;
}

const RAW_LIMIT = 1000;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const TAB = 0x09;
const SPACE = 0x20;

/** The decoded byte stream of a file: gunzipped when it starts with the gzip magic bytes. */
async function openBytes(path: string): Promise<Readable> {
  const probe = createReadStream(path, { start: 0, end: 1 });
  let magic: Buffer = Buffer.alloc(0);
  for await (const chunk of probe) magic = Buffer.concat([magic, chunk as Buffer]);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) return raw;
  const gunzip = createGunzip();
  raw.on("error", (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/** Turns a stream failure into a one-line InputError naming the file. */
function streamError(path: string, error: unknown): InputError {
  const e = error as NodeJS.ErrnoException;
  if (e.code === "Z_BUF_ERROR" || /unexpected end of file/i.test(e.message ?? "")) {
    return new InputError(`${path}: the gzip stream ends early (a truncated or partly copied file)`);
  }
  if (e.code?.startsWith("Z_")) return new InputError(`${path}: corrupt gzip data (${e.message})`);
  if (e.code === "EACCES") return new InputError(`${path}: permission denied (cannot read the file)`);
  return new InputError(`${path}: unreadable file (${e.message ?? String(error)})`);
}

/**
 * Calls `onLines(buffer, start, end, firstLine)` with runs of whole lines (each ending in "\n", or the
 * file's last line without one), numbered from 1; `end` excludes the final line's "\n".
 */
async function eachLineRun(
  path: string,
  onLines: (buf: Buffer, firstLine: number, last: boolean) => number | Promise<number>,
): Promise<void> {
  const stream = await openBytes(path);
  let carry: Buffer = Buffer.alloc(0);
  let line = 1;
  try {
    for await (const chunk of stream) {
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      const cut = buf.lastIndexOf(NEWLINE);
      if (cut === -1) {
        carry = buf;
        continue;
      }
      line += await onLines(buf.subarray(0, cut + 1), line, false);
      carry = Buffer.from(buf.subarray(cut + 1));
    }
  } catch (error) {
    throw streamError(path, error);
  }
  if (carry.length > 0) await onLines(carry, line, true);
}

/** Line breaks in `buf`, and whether some line is empty (two breaks in a row, CRLF or not). */
function countNewlines(buf: Buffer, startsLine: boolean): { count: number; blank: boolean } {
  let count = 0;
  let blank = false;
  let previous = startsLine ? -1 : -3;
  for (let i = buf.indexOf(NEWLINE); i !== -1; i = buf.indexOf(NEWLINE, i + 1)) {
    if (i - previous === 1 || (i - previous === 2 && buf[i - 1] === 0x0d)) blank = true;
    previous = i;
    count++;
  }
  return { count, blank };
}

function rawText(bytes: Buffer): string {
  const text = bytes
    .subarray(0, RAW_LIMIT * 4)
    .toString("utf8")
    .replaceAll("\0", "\\0");
  return text.length > RAW_LIMIT ? `${text.slice(0, RAW_LIMIT)}…` : text;
}

function quotesIn(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(QUOTE); i !== -1; i = bytes.indexOf(QUOTE, i + 1)) n++;
  return n;
}

/**
 * Scans a CSV (plain or gzipped). Policy (docs/decisions.md): a record is one physical line — no field
 * of these exports can hold a line break — so a line whose quotes do not pair up is malformed by
 * itself instead of swallowing the lines after it. A truncated gzip stream is a fatal error.
 */
export function scanCsvLines(path: string): Promise<LineScan> {
  return scanLines(path, "csv");
}

/**
 * Scans an NDJSON file (plain or gzipped): every non-blank line must be one JSON object, else it is
 * malformed by itself, instead of one bad line failing the whole file. Parsing each line costs about
 * a microsecond; NDJSON exports are small next to CSV ones.
 */
export function scanNdjsonLines(path: string): Promise<LineScan> {
  return scanLines(path, "ndjson");
}

type TextKind = "csv" | "ndjson";

async function scanLines(path: string, kind: TextKind): Promise<LineScan> {
  const scan: LineScan = {
    dataLines: 0,
    blankLines: [],
    bad: [],
    padding: kind === "csv" ? "none" : "spaces",
  };
  const header = kind === "csv" ? 1 : 0;
  await eachLineRun(path, (buf, firstLine, last) => {
    // Each run starts a line, so a break at its very start ends an empty line (bar the header's).
    const breaks = countNewlines(buf, firstLine > 1);
    const lines = last ? 1 : breaks.count;
    // A no-break space is C2 A0; A0 alone (a continuation byte of other letters too) only costs a
    // slower trim if it misleads.
    if (scan.padding !== "tabs" && (buf.indexOf(TAB) !== -1 || buf.indexOf(0xa0) !== -1))
      scan.padding = "tabs";
    if (scan.padding === "none" && mayBePadded(buf, last)) scan.padding = "spaces";
    // The fast path (CSV): a run without quotes, NULs, invalid bytes or empty lines needs only its count.
    const clean =
      kind === "csv" && !breaks.blank && buf.indexOf(QUOTE) === -1 && buf.indexOf(0) === -1 && isUtf8(buf);
    if (!clean) checkLines(buf, firstLine, kind, scan);
    scan.dataLines += firstLine === 1 ? lines - header : lines;
    return lines;
  });
  return scan;
}

/**
 * Places where a CSV value begins or ends, followed or preceded by a space: after or before any
 * delimiter the header may choose, at a line's start or end, inside quotes. The header line is
 * included: a false alarm only costs the trimming.
 */
const PADDED_BOUNDARIES = [", ", " ,", "; ", " ;", "\n ", " \n", " \r", '" ', ' "'];

/**
 * Whether some value of this run of whole lines may begin or end with whitespace DuckDB's trim
 * removes. Any non-ASCII byte counts (Unicode spaces are several bytes), so a run with non-ASCII text
 * is simply trimmed; the tab cases are `tabs` already.
 */
function mayBePadded(buf: Buffer, last: boolean): boolean {
  if (buf[0] === SPACE || (last && buf[buf.length - 1] === SPACE) || !isAscii(buf)) return true;
  return PADDED_BOUNDARIES.some((pattern) => buf.indexOf(pattern) !== -1);
}

function isJsonObject(bytes: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(bytes.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function checkLines(buf: Buffer, firstLine: number, kind: TextKind, scan: LineScan): void {
  let start = 0;
  for (let line = firstLine; start < buf.length; line++) {
    const nl = buf.indexOf(NEWLINE, start);
    const end = nl === -1 ? buf.length : nl;
    const bytes = buf.subarray(start, end > start && buf[end - 1] === 0x0d ? end - 1 : end);
    start = end + 1;
    if (kind === "csv" && line === 1) continue; // the header is read and checked by readCsvHeader
    const blank = kind === "csv" ? bytes.length === 0 : bytes.toString("latin1").trim() === "";
    if (blank) scan.blankLines.push(line);
    else if (!isUtf8(bytes) || bytes.indexOf(0) !== -1)
      scan.bad.push({ line, reason: "not_utf8", raw: rawText(bytes) });
    else if (kind === "csv" ? quotesIn(bytes) % 2 === 1 : !isJsonObject(bytes))
      scan.bad.push({ line, reason: "malformed_line", raw: rawText(bytes) });
  }
}

/** Share of data lines that are not UTF-8 above which the whole file is taken to be in another encoding. */
const FOREIGN_ENCODING_SHARE = 0.5;

/** Stops with a conversion hint when most of a file is not UTF-8 (a Windows-1251 export, say). */
export function assertMostlyUtf8(path: string, scan: LineScan): void {
  const foreign = scan.bad.filter((b) => b.reason === "not_utf8").length;
  if (foreign > 0 && foreign >= scan.dataLines * FOREIGN_ENCODING_SHARE) {
    throw new InputError(
      `${path}: not UTF-8 text (${foreign.toLocaleString("en-US")} of ${scan.dataLines.toLocaleString("en-US")} lines have bytes that are not UTF-8; a Windows-1251 export? convert it first, e.g. iconv -f cp1251 -t utf-8 FILE > FILE.utf8.csv)`,
    );
  }
}

/**
 * Writes a plain copy of `path` with every bad line emptied, so the CSV parser skips exactly those
 * lines (and the line numbering knows where) while the scan's verdict goes to the quarantine.
 */
export async function writeWithoutLines(
  path: string,
  bad: readonly BadLine[],
  target: string,
): Promise<void> {
  const drop = new Set(bad.map((b) => b.line));
  const out = createWriteStream(target);
  const write = async (bytes: Buffer) => {
    if (!out.write(bytes)) await once(out, "drain");
  };
  await eachLineRun(path, async (buf, firstLine, last) => {
    // Copy the run in slices between the dropped lines; only their line breaks are kept.
    let line = firstLine;
    let from = 0;
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(NEWLINE, start);
      const end = nl === -1 ? buf.length : nl;
      if (drop.has(line)) {
        await write(Buffer.from(buf.subarray(from, start)));
        from = end;
      }
      start = end + 1;
      line++;
    }
    await write(Buffer.from(buf.subarray(from)));
    return last ? 1 : line - firstLine;
  });
  out.end();
  await once(out, "finish");
}
