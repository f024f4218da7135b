import type { Dialect } from "./dialect.ts";

/** A bound parameter value. Ids and timestamps travel as strings, never as JS numbers. */
export type SqlParam = string | number | boolean | null;
export type SqlParams = Record<string, SqlParam>;

/**
 * A row as the engine returns it: JSON-safe values. 64-bit integers and decimals arrive as strings
 * (so ids and money stay exact); cast in SQL to INTEGER or DOUBLE where a JS number is wanted.
 */
export type Row = Record<string, string | number | boolean | null>;

/**
 * One block of a numeric read (Engine.numberChunks): a Float64Array per column, in the order the
 * caller named them, `rows` values each (NULL as NaN). The arrays are reused for the next block.
 */
export type NumberChunk = (columns: readonly Float64Array[], rows: number) => void;

/** The only door to a database. Everything outside src/engine speaks to an Engine, never to a driver. */
export interface Engine {
  readonly name: string;
  readonly dialect: Dialect;
  /**
   * Optional: the database outlives the process (DuckDB's `--db FILE`). Ingest then copies every row
   * into it instead of reading a Parquet input in place, since the file may move or change later.
   */
  readonly kept?: boolean;
  /** Engine version string, for metadata. */
  version(): Promise<string>;
  /** Runs statements that return nothing of interest. */
  run(sql: string, params?: SqlParams): Promise<void>;
  /** Runs a query and returns every row (use only for results, never for raw logs). */
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /**
   * Optional: a query whose every column is a number (INTEGER, DOUBLE, or a BIGINT within ±2^53),
   * handed to `onChunk` a block of rows at a time, column by column, without a JS object per row: the
   * reads of a million rows (metrics/buyer-memory.ts), where `all` spends seconds building rows.
   * `columns` are the SELECT's column names in order (checked). Callers go through readNumbers
   * (engine/number-read.ts), which falls back to `all` for an engine without it (e.g. a wrapper).
   */
  numberChunks?(
    sql: string,
    params: SqlParams | undefined,
    columns: readonly string[],
    onChunk: NumberChunk,
  ): Promise<void>;
  /**
   * Creates (or replaces) a run-scoped table holding the rows of `select`. It is visible to every
   * connection of this engine (the dashboard's requests read a cube built once on other connections),
   * so its name must be unique to the run: callers take names from their cube's table list.
   */
  createTemp(name: string, select: string, params?: SqlParams): Promise<void>;
  /** Drops a table createTemp made; no error when it is gone. */
  dropTemp(name: string): Promise<void>;
  /**
   * Optional: how many threads one statement may use from now on. The server lowers it to 1 once its
   * cube is built: its reads are small, and two requests each on one core beat two sharing both.
   */
  setThreads?(threads: number): Promise<void>;
  /** Changes how much memory the engine may use from now on, e.g. `"1200MB"`, `"4GB"`. */
  setMemoryLimit?(limit: string): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional: another connection to the same database whose temp tables are private to it (see
   * DuckDbEngine.fork); `interrupt` cancels its running statement. Used by the HTTP server.
   */
  fork?(): Promise<Engine>;
  interrupt?(): void;
  /**
   * Optional: an engine that does not read input files itself (ClickHouse) names the engine that
   * ingests and audits them (DuckDB); `importCanonical` then copies the canonical tables it holds in.
   */
  readonly staging?: Engine;
  importCanonical?(): Promise<void>;
}
