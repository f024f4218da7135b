import type { Engine, NumberChunk, SqlParams } from "./engine.ts";

/*
 * Numeric reads (Engine.numberChunks): a large result of numbers only, column by column. The engines
 * implement it natively; here is the one entry point, with the fallback through row objects for an
 * engine that does not (a wrapper such as the server's deadline engine), and the conversion of one
 * cell both paths share.
 */

/** Rows per block handed to the caller when an engine has no blocks of its own (ClickHouse's JSON, the fallback). */
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

/** Throws unless the result's columns are `expected`, in order. */
export function checkColumns(actual: readonly string[], expected: readonly string[]): void {
  if (actual.length !== expected.length || actual.some((name, i) => name !== expected[i]))
    throw new Error(
      `numeric read returned columns (${actual.join(", ")}), expected (${expected.join(", ")})`,
    );
}
