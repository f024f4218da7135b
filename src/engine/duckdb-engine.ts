import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
  DuckDBConnection,
  DuckDBTypeId,
  DuckDBVector,
  DuckDBInstance as Instance,
} from "@duckdb/node-api";
import { duckdbDialect } from "./dialect.ts";
import type { Engine, NumberChunk, Row, SqlParams } from "./engine.ts";
import { checkColumns, numberOf } from "./number-read.ts";
import { QueryError } from "./query-error.ts";

export interface DuckDbOptions {
  /**
   * Database file, kept after close. `":memory:"` keeps everything in memory (fast for small data).
   * Omitted: a scratch file in the system temp directory, removed on close. On disk DuckDB writes
   * large tables as compressed row groups, so 40M sessions fit a 1.5 GB memory limit without the
   * heavy spilling an in-memory database suffers.
   */
  path?: string;
  /** e.g. "1.5GB"; DuckDB's default is 80 % of RAM, too much beside Node on a shared machine. */
  memoryLimit?: string;
  threads?: number;
  tempDirectory?: string;
}

/*
 * @duckdb/node-api is CommonJS: imported from this ES module, Node first scans the source of each of
 * its ~100 files for the names it exports (cjs-module-lexer), ~0.2 s before DuckDB can open; required,
 * it is only loaded (~0.1 s).
 */
const api = createRequire(import.meta.url)("@duckdb/node-api") as typeof import("@duckdb/node-api");
const { DuckDBInstance } = api;

/** The DuckDB adapter: one instance, one connection (plus forks), every statement through here. */
export class DuckDbEngine implements Engine {
  readonly name = "duckdb";
  readonly dialect = duckdbDialect;
  /** A database file the caller named (not memory, not a scratch file): it outlives the process. */
  readonly kept: boolean;

  private constructor(
    private readonly instance: Instance,
    private readonly connection: DuckDBConnection,
    private readonly scratchDir: string | null,
    kept: boolean,
    /** A fork owns only its connection: closing it leaves the instance to the engine it came from. */
    private readonly isFork = false,
  ) {
    this.kept = kept;
  }

  static async open(options: DuckDbOptions = {}): Promise<DuckDbEngine> {
    const config: Record<string, string> = {};
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.threads) config.threads = String(options.threads);
    const scratchDir = options.path ? null : mkdtempSync(join(tmpdir(), "channelscope-"));
    const path = options.path ?? join(scratchDir!, "work.duckdb");
    config.temp_directory = options.tempDirectory ?? (scratchDir ? join(scratchDir, "spill") : `${path}.tmp`);
    const instance = await DuckDBInstance.create(path, config);
    const connection = await instance.connect();
    const kept = options.path !== undefined && options.path !== ":memory:";
    return new DuckDbEngine(instance, connection, scratchDir, kept);
  }

  async version(): Promise<string> {
    const [row] = await this.all<{ v: string }>("SELECT version() AS v");
    return row?.v ?? "unknown";
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    const started = performance.now();
    try {
      await this.connection.run(sql, params);
    } catch (error) {
      throw new QueryError(messageOf(error), sql, error);
    } finally {
      profile(sql, started);
    }
  }

  async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const started = performance.now();
    try {
      const reader = await this.connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJson() as T[];
    } catch (error) {
      throw new QueryError(messageOf(error), sql, error);
    } finally {
      profile(sql, started);
    }
  }

  /**
   * Streams the result a DuckDB chunk (2048 rows) at a time: each vector's values go straight into a
   * Float64Array, with no row object and no JSON conversion (a million rows in tens of milliseconds
   * instead of seconds through getRowObjectsJson).
   */
  async numberChunks(
    sql: string,
    params: SqlParams | undefined,
    columns: readonly string[],
    onChunk: NumberChunk,
  ): Promise<void> {
    const started = performance.now();
    try {
      // Materialised, not streamed: a statement another caller starts on this connection while the
      // chunks are read would end a streaming result early (0 rows read, no error).
      const result = await this.connection.run(sql, params);
      checkColumns(result.columnNames(), columns);
      let blocks: Float64Array[] = [];
      for (let chunk = await result.fetchChunk(); chunk; chunk = await result.fetchChunk()) {
        const rows = chunk.rowCount;
        if (rows === 0) break;
        if ((blocks[0]?.length ?? 0) < rows) blocks = columns.map(() => new Float64Array(rows));
        for (let c = 0; c < columns.length; c++)
          readVector(chunk.getColumnVector(c), blocks[c]!, rows, columns[c]!);
        onChunk(blocks, rows);
      }
    } catch (error) {
      throw new QueryError(messageOf(error), sql, error);
    } finally {
      profile(sql, started);
    }
  }

  async createTemp(name: string, select: string, params?: SqlParams): Promise<void> {
    // A plain table, not TEMP: DuckDB's temp tables belong to one connection, and the server's
    // requests slice a cube from connections of their own.
    await this.run(`CREATE OR REPLACE TABLE ${tableName(name)} AS ${select}`, params);
  }

  async dropTemp(name: string): Promise<void> {
    await this.run(`DROP TABLE IF EXISTS ${tableName(name)}`);
  }

  /**
   * A second connection to the same database (the HTTP server opens one per request). It sees every
   * table and view, but its TEMP tables are its own, and DuckDB resolves a name in the temp schema
   * before main: a fork can shadow `visits` with a filtered temp table without touching other
   * connections. Close it when done; the original engine must outlive it.
   */
  async fork(): Promise<DuckDbEngine> {
    return new DuckDbEngine(this.instance, await this.instance.connect(), null, this.kept, true);
  }

  /** Cancels the statement running on this connection; it fails with an "Interrupted" QueryError. */
  interrupt(): void {
    this.connection.interrupt();
  }

  async setThreads(threads: number): Promise<void> {
    if (!Number.isInteger(threads) || threads < 1 || threads > 1024)
      throw new Error(`invalid thread count ${threads}`);
    await this.run(`SET threads = ${threads}`);
  }

  /**
   * Makes DuckDB track the progress of every statement from its start (without printing a bar), for
   * `scanProgress`. Off by default: only a terminal that shows progress asks for it.
   */
  async trackProgress(): Promise<void> {
    await this.run("SET enable_progress_bar = true");
    await this.run("SET enable_progress_bar_print = false");
    await this.run("SET progress_bar_time = 0");
  }

  /** Rows the running statement has scanned so far (0 between statements or when not tracked). */
  scannedRows(): number {
    // -1 when nothing is running or tracking is off.
    return Math.max(Number(this.connection.progress.rows_processed), 0);
  }

  async setMemoryLimit(limit: string): Promise<void> {
    // SET takes no bound parameter: the value is checked against a strict pattern instead.
    if (!MEMORY_LIMIT.test(limit))
      throw new Error(`invalid memory limit: "${limit}" (expected e.g. 1500MB or 4GB)`);
    await this.run(`SET memory_limit = '${limit}'`);
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    if (this.isFork) return;
    this.instance.closeSync();
    if (this.scratchDir) rmSync(this.scratchDir, { recursive: true, force: true });
  }
}

/** Column types whose vectors hold their values as a typed array of numbers, read as they are. */
const NUMBER_ARRAYS: ReadonlySet<DuckDBTypeId> = new Set([
  api.DuckDBTypeId.TINYINT,
  api.DuckDBTypeId.SMALLINT,
  api.DuckDBTypeId.INTEGER,
  api.DuckDBTypeId.UTINYINT,
  api.DuckDBTypeId.USMALLINT,
  api.DuckDBTypeId.UINTEGER,
  api.DuckDBTypeId.FLOAT,
  api.DuckDBTypeId.DOUBLE,
]);

/** What the vectors of NUMBER_ARRAYS types hold (fields of @duckdb/node-api's vector classes). */
interface NumberVectorParts {
  items?: unknown;
  validity?: { data?: unknown; offset?: unknown };
}

/**
 * Rows 0..rows−1 of `vector` into `block`, NULL as NaN (as numberOf reads them). Integer and float
 * vectors are copied from their typed array, the validity mask read a 64-bit word at a time: the
 * library's getItem tests each item's validity bit with BigInt arithmetic when the vector has a mask
 * (every computed column), ~0.4 s for the 1.45M rows × 9 columns of the buyers' revenue at 4M
 * sessions. Any other vector, or one not laid out as expected, is read item by item.
 */
function readVector(vector: DuckDBVector, block: Float64Array, rows: number, column: string): void {
  const parts = vector as unknown as NumberVectorParts;
  const items = parts.items;
  const validity = parts.validity;
  if (
    NUMBER_ARRAYS.has(vector.type.typeId) &&
    ArrayBuffer.isView(items) &&
    !(items instanceof BigInt64Array || items instanceof BigUint64Array || items instanceof DataView) &&
    (items as unknown as ArrayLike<number>).length >= rows &&
    validity !== undefined &&
    validity.offset === 0 &&
    (validity.data === null || (validity.data instanceof BigUint64Array && validity.data.length * 64 >= rows))
  ) {
    const values = items as unknown as ArrayLike<number>;
    for (let i = 0; i < rows; i++) block[i] = values[i]!;
    const mask = validity.data as BigUint64Array | null;
    if (mask)
      for (let w = 0; w * 64 < rows; w++) {
        const word = mask[w]!;
        if (word === 0xffffffffffffffffn) continue;
        const halves = [Number(word & 0xffffffffn), Number(word >> 32n)];
        for (let b = 0; b < 64 && w * 64 + b < rows; b++)
          if (((halves[b >> 5]! >>> (b & 31)) & 1) === 0) block[w * 64 + b] = Number.NaN;
      }
    return;
  }
  for (let i = 0; i < rows; i++) block[i] = numberOf(vector.getItem(i), column);
}

/** Run-scoped table names are made by the cube (letters, digits, underscores); anything else is a bug. */
function tableName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid table name: ${name}`);
  return name;
}

export const MEMORY_LIMIT = /^\d+(\.\d+)?\s?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/** CHANNELSCOPE_PROFILE=1 prints every statement's duration to stderr, slowest work first to spot. */
const PROFILING = process.env.CHANNELSCOPE_PROFILE === "1";

function profile(sql: string, started: number): void {
  if (!PROFILING) return;
  const ms = (performance.now() - started).toFixed(0).padStart(7);
  process.stderr.write(`[sql ${ms} ms] ${sql.replace(/\s+/g, " ").slice(0, 140)}\n`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
