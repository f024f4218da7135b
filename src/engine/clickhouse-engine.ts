import { createReadStream } from "node:fs";
import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  type ClickHouseSettings,
  createClient,
} from "@clickhouse/client";
import { openChdbConnection } from "./chdb-connection.ts";
import { type CanonicalTable, CLICKHOUSE_CANONICAL, handOverCanonical } from "./clickhouse-canonical.ts";
import { clickhouseDialect } from "./clickhouse-dialect.ts";
import { EXACT_SETTINGS } from "./clickhouse-settings.ts";
import { toClickHouseSql } from "./clickhouse-sql.ts";
import { DuckDbEngine, type DuckDbOptions } from "./duckdb-engine.ts";
import type { Engine, NumberChunk, Row, SqlParams } from "./engine.ts";
import { emitTextBlocks } from "./number-read.ts";
import { QueryError } from "./query-error.ts";

export interface ClickHouseOptions {
  /** e.g. `http://localhost:8123`. */
  url: string;
  username?: string;
  password?: string;
  /**
   * The run's database: the canonical tables (for file inputs) and the run's work tables live here.
   * Created when missing. Default `channelscope`.
   */
  database?: string;
  threads?: number;
  /** Where input files are loaded and audited before they go to ClickHouse (default: in memory). */
  staging?: DuckDbOptions;
}

export interface ChdbOptions {
  /** Data directory (one per process, see chdb-connection.ts); omitted: a scratch directory. */
  path?: string;
  /** Omitted: a database of its own, dropped on close, so engines of one process stay apart. */
  database?: string;
  threads?: number;
  staging?: DuckDbOptions;
}

/** Failures reach the user once, as a QueryError: the client's own error log would repeat them. */
const QUIET = { level: ClickHouseLogLevel.OFF };

/** Database names are identifiers in SQL text, so only plain ones are accepted. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

let chdbEngines = 0;

/**
 * ClickHouse behind the Engine interface, over the official `@clickhouse/client`: a server over HTTP
 * (`connect`) or embedded ClickHouse in this process (`openChdb`), one code path for both. Every
 * statement gets EXACT_SETTINGS and has its `$name` parameters bound as ClickHouse query parameters.
 */
export class ClickHouseEngine implements Engine {
  readonly dialect = clickhouseDialect;
  private readonly settings: ClickHouseSettings;

  private constructor(
    readonly name: "clickhouse" | "chdb",
    private readonly client: ClickHouseClient,
    /** The run's database (every unqualified table name resolves here). */
    readonly database: string,
    private readonly dropDatabaseOnClose: boolean,
    threads: number | undefined,
    /**
     * Input files are parsed and audited by DuckDB exactly as on the DuckDB engine (same reject
     * reasons, same quarantine); importCanonical then hands the canonical tables over as Parquet.
     */
    readonly staging: DuckDbEngine,
    /** A fork shares the client and the database; closing it leaves both to its origin. */
    private readonly isFork = false,
  ) {
    this.settings = { ...EXACT_SETTINGS, ...(threads ? { max_threads: threads } : {}) };
  }

  /** Statements in flight, so interrupt() can cancel them. */
  private readonly inFlight = new Set<AbortController>();

  /** A ClickHouse server over HTTP(S). Credentials are passed through, never logged. */
  static async connect(options: ClickHouseOptions): Promise<ClickHouseEngine> {
    const database = checkedDatabase(options.database ?? "channelscope");
    const auth = { username: options.username ?? "default", password: options.password ?? "" };
    // The database must exist before a client may name it on every request.
    const bootstrap = createClient({ url: options.url, ...auth, log: QUIET });
    try {
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
    } catch (error) {
      // The origin only: a URL may carry credentials, which are never printed.
      const where = new URL(options.url).origin;
      throw new QueryError(`cannot reach ClickHouse at ${where}: ${messageOf(error)}`, "", error);
    } finally {
      await bootstrap.close();
    }
    const client = createClient({ url: options.url, ...auth, database, log: QUIET });
    const staging = await DuckDbEngine.open(options.staging ?? STAGING);
    return new ClickHouseEngine("clickhouse", client, database, false, options.threads, staging);
  }

  /** Embedded ClickHouse (the optional `chdb` package), in this process. */
  static async openChdb(options: ChdbOptions = {}): Promise<ClickHouseEngine> {
    const own = options.database === undefined;
    chdbEngines += 1;
    const database = checkedDatabase(options.database ?? `cs_${process.pid}_${chdbEngines}`);
    const client = createClient({ connection: await openChdbConnection(options.path), log: QUIET });
    const staging = await DuckDbEngine.open(options.staging ?? STAGING);
    const engine = new ClickHouseEngine("chdb", client, database, own, options.threads, staging);
    // The in-process connection has no per-request database: the session's USE sets it.
    await engine.run(`CREATE DATABASE IF NOT EXISTS ${database}`);
    await engine.run(`USE ${database}`);
    return engine;
  }

  async version(): Promise<string> {
    const [row] = await this.all<{ v: string }>("SELECT version() AS v");
    return row?.v ?? "unknown";
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    const query = this.translate(sql, params);
    try {
      await this.cancellable((abort_signal) =>
        this.client.command({
          query,
          query_params: params ?? {},
          clickhouse_settings: this.settings,
          abort_signal,
        }),
      );
    } catch (error) {
      throw new QueryError(messageOf(error), query, error);
    }
  }

  async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const query = this.translate(sql, params);
    try {
      return await this.cancellable(async (abort_signal) => {
        const result = await this.client.query({
          query,
          query_params: params ?? {},
          format: "JSONEachRow",
          clickhouse_settings: this.settings,
          abort_signal,
        });
        return result.json<T>();
      });
    } catch (error) {
      throw new QueryError(messageOf(error), query, error);
    }
  }

  /**
   * The result as text (TabSeparatedWithNamesAndTypes: no object per row, and column types to check),
   * converted and handed over in blocks with a turn of the event loop between them
   * (number-read.ts, emitTextBlocks). Columnar JSON, the first form, was parsed in one piece: at 4M
   * sessions the window's buyer read held the server's thread for seconds.
   */
  async numberChunks(
    sql: string,
    params: SqlParams | undefined,
    columns: readonly string[],
    onChunk: NumberChunk,
  ): Promise<void> {
    const query = this.translate(sql, params);
    try {
      const text = await this.cancellable(async (abort_signal) => {
        const result = await this.client.query({
          query,
          query_params: params ?? {},
          format: "TabSeparatedWithNamesAndTypes",
          clickhouse_settings: this.settings,
          abort_signal,
        });
        return result.text();
      });
      await emitTextBlocks(text, columns, onChunk);
    } catch (error) {
      throw new QueryError(messageOf(error), query, error);
    }
  }

  /**
   * A run-scoped table in the run's database. MergeTree rather than Memory: a work table at a billion
   * sessions (one row per user) must be able to live on disk.
   */
  async createTemp(name: string, select: string, params?: SqlParams): Promise<void> {
    checkedDatabase(name);
    await this.dropTemp(name);
    await this.run(`CREATE TABLE ${name} ENGINE = MergeTree ORDER BY tuple() AS ${select}`, params);
  }

  async dropTemp(name: string): Promise<void> {
    checkedDatabase(name);
    await this.run(`DROP TABLE IF EXISTS ${name}`);
  }

  /** Copies the canonical tables the staging engine ingested into the run's database. */
  async importCanonical(): Promise<void> {
    await handOverCanonical(this.staging, this);
  }

  /** Replaces canonical `table` with the rows of a Parquet file on this machine. */
  async loadParquet(table: CanonicalTable, path: string): Promise<void> {
    await this.run(`DROP TABLE IF EXISTS ${table}`);
    await this.run(
      `CREATE TABLE ${table} (${CLICKHOUSE_CANONICAL[table]}) ENGINE = MergeTree ORDER BY tuple()`,
    );
    if (this.name === "chdb") {
      // In process, ClickHouse reads the file itself.
      await this.run(`INSERT INTO ${table} SELECT * FROM file($path, Parquet)`, { path });
      return;
    }
    // Over HTTP the file travels as the request body.
    try {
      await this.client.insert({
        table,
        values: createReadStream(path),
        format: "Parquet",
        clickhouse_settings: this.settings,
      });
    } catch (error) {
      throw new QueryError(messageOf(error), `INSERT INTO ${table} FORMAT Parquet`, error);
    }
  }

  /** `max_memory_usage` per query from now on, e.g. `"4GB"`. */
  async setMemoryLimit(limit: string): Promise<void> {
    this.settings.max_memory_usage = String(bytesOf(limit));
  }

  /**
   * Another handle on the same database for the dashboard's requests: the cube's tables are visible
   * to it (they live in the run's database), and interrupt() cancels only its own statements.
   */
  async fork(): Promise<ClickHouseEngine> {
    const threads = this.settings.max_threads as number | undefined;
    const fork = new ClickHouseEngine(
      this.name,
      this.client,
      this.database,
      false,
      threads,
      this.staging,
      true,
    );
    if (this.settings.max_memory_usage !== undefined)
      fork.settings.max_memory_usage = this.settings.max_memory_usage;
    return fork;
  }

  /** Cancels the statements running on this handle; they fail with a QueryError. */
  interrupt(): void {
    for (const controller of this.inFlight) controller.abort();
  }

  async close(): Promise<void> {
    if (this.isFork) return;
    try {
      if (this.dropDatabaseOnClose) await this.run(`DROP DATABASE IF EXISTS ${this.database}`);
    } finally {
      await this.client.close();
      await this.staging.close();
    }
  }

  private async cancellable<R>(start: (signal: AbortSignal) => Promise<R>): Promise<R> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      return await start(controller.signal);
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private translate(sql: string, params?: SqlParams): string {
    try {
      return toClickHouseSql(sql, params);
    } catch (error) {
      throw new QueryError(messageOf(error), sql, error);
    }
  }
}

const STAGING: DuckDbOptions = { path: ":memory:", memoryLimit: "1200MB" };

function checkedDatabase(name: string): string {
  if (!IDENTIFIER.test(name))
    throw new Error(`invalid ClickHouse name: "${name}" (expected letters, digits and underscores)`);
  return name;
}

const UNITS: Record<string, number> = {
  ...{ KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 },
  ...{ KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 },
};

function bytesOf(limit: string): number {
  const m = /^(\d+(?:\.\d+)?)\s?([KMGT]i?B)$/i.exec(limit);
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  if (!m || unit === undefined)
    throw new Error(`invalid memory limit: "${limit}" (expected e.g. 1500MB or 4GB)`);
  return Math.round(Number(m[1]) * unit);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
