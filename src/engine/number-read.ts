import type { Engine, NumberChunk, SqlParams } from "./engine.ts";

/*
 * Numeric reads (Engine.numberChunks): a large result of numbers only, column by column. The engines
 * implement it natively; here is the one entry point, with the fallback through row objects for an
 * engine that does not (a wrapper such as the server's deadline engine), and the conversion of one
 * cell both paths share.
 */

/** Rows per block handed to the caller when an engine has no blocks of its own (ClickHouse's text, the fallback). */
export const NUMBER_BLOCK = 8192;

/** Reads `sql` (numbers only, `columns` in SELECT order) in blocks, natively when the engine can. */
export async function readNumbers(
  engine: Engine,
  sql: string,
  params: SqlParams | undefined,
  columns: readonly string[],
  onChunk: NumberChunk,
): Promise<void> {
  if (engine.numberChunks) return engine.numberChunks(sql, params, columns, onChunk);
  const rows = await engine.all(sql, params);
  emitBlocks(rows.length, columns, (c, i) => numberOf(rows[i]![columns[c]!], columns[c]!), onChunk);
}

/**
 * Calls `onChunk` over `rows` rows in blocks of NUMBER_BLOCK, filling each column's block with
 * `cell(column, row)`.
 */
export function emitBlocks(
  rows: number,
  columns: readonly string[],
  cell: (column: number, row: number) => number,
  onChunk: NumberChunk,
): void {
  const blocks = columns.map(() => new Float64Array(Math.min(rows, NUMBER_BLOCK)));
  for (let start = 0; start < rows; start += NUMBER_BLOCK) {
    const n = Math.min(NUMBER_BLOCK, rows - start);
    for (let c = 0; c < columns.length; c++) {
      const block = blocks[c]!;
      for (let i = 0; i < n; i++) block[i] = cell(c, start + i);
    }
    onChunk(blocks, n);
  }
}

const SAFE = 2 ** 53;
const SAFE_BIG = 2n ** 53n;

/**
 * A numeric cell as a double: numbers as they are, 64-bit integers (bigint, or the decimal text JSON
 * engines send) only within ±2^53 where the double is exact, NULL as NaN. Anything else is a bug in
 * the query (a text or decimal column), reported with the column's name.
 */
export function numberOf(value: unknown, column: string): number {
  if (typeof value === "number") return value;
  if (value === null || value === undefined) return Number.NaN;
  if (typeof value === "bigint") {
    if (value > BigInt(SAFE) || value < -BigInt(SAFE))
      throw new Error(`numeric read: column ${column} holds ${value}, beyond the integers a double holds`);
    return Number(value);
  }
  if (typeof value === "string" && /^-?\d+$/.test(value)) {
    const n = Number(value);
    if (Math.abs(n) > SAFE)
      throw new Error(`numeric read: column ${column} holds ${value}, beyond the integers a double holds`);
    return n;
  }
  throw new Error(`numeric read: column ${column} holds ${String(value)}, not a number`);
}

/** Column types of ClickHouse's text output that a numeric read takes (integers, floats, NULL). */
const NUMERIC_TYPE = /^(Nullable\()?(U?Int\d+|Float(32|64)|Bool|Nothing)\)?$/;
const INTEGER_TEXT = /^-?\d+$/;

/**
 * A numeric read from a result in ClickHouse's TabSeparatedWithNamesAndTypes (names, types, then
 * one line per row): `onChunk` gets blocks of NUMBER_BLOCK rows, with a turn of the event loop
 * between blocks, so a million rows never hold the server's thread for the whole conversion (the
 * columnar JSON it replaced was parsed in one piece: ~3 s for a million rows of eight columns). Cells
 * as numberOf takes them: `\N` and nan as NaN, 64-bit integers only within ±2^53, text refused.
 */
export async function emitTextBlocks(
  text: string,
  columns: readonly string[],
  onChunk: NumberChunk,
): Promise<void> {
  let pos = 0;
  const line = (): string[] => {
    const end = text.indexOf("\n", pos);
    if (end === -1) throw new Error("numeric read: the result's header is cut short");
    const fields = text.slice(pos, end).split("\t");
    pos = end + 1;
    return fields;
  };
  checkColumns(line(), columns);
  line().forEach((type, c) => {
    if (!NUMERIC_TYPE.test(type))
      throw new Error(`numeric read: column ${columns[c]} is ${type}, not a number`);
  });
  const blocks = columns.map(() => new Float64Array(NUMBER_BLOCK));
  const last = columns.length - 1;
  let rows = 0;
  while (pos < text.length) {
    for (let c = 0; c <= last; c++) {
      const end = text.indexOf(c === last ? "\n" : "\t", pos);
      if (end === -1) throw new Error("numeric read: the result's last row is cut short");
      blocks[c]![rows] = textNumber(text.slice(pos, end), columns[c]!);
      pos = end + 1;
    }
    if (++rows === NUMBER_BLOCK) {
      onChunk(blocks, rows);
      rows = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (rows > 0) onChunk(blocks, rows);
}

/** One cell of ClickHouse's text output of a numeric column as numberOf reads it. */
function textNumber(field: string, column: string): number {
  const n = Number(field);
  if (Number.isNaN(n) || field === "") {
    if (field === "\\N" || field === "nan" || field === "-nan") return Number.NaN;
    if (field === "inf" || field === "+inf") return Number.POSITIVE_INFINITY;
    if (field === "-inf") return Number.NEGATIVE_INFINITY;
    throw new Error(`numeric read: column ${column} holds ${field}, not a number`);
  }
  // Texts just above 2^53 round to it: compare those exactly.
  if (
    Math.abs(n) >= SAFE &&
    INTEGER_TEXT.test(field) &&
    (BigInt(field) > SAFE_BIG || BigInt(field) < -SAFE_BIG)
  )
    throw new Error(`numeric read: column ${column} holds ${field}, beyond the integers a double holds`);
  return n;
}

/** Throws unless the result's columns are `expected`, in order. */
export function checkColumns(actual: readonly string[], expected: readonly string[]): void {
  if (actual.length !== expected.length || actual.some((name, i) => name !== expected[i]))
    throw new Error(
      `numeric read returned columns (${actual.join(", ")}), expected (${expected.join(", ")})`,
    );
}
