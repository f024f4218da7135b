import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { duckdbDialect } from "./dialect.ts";
import type { Engine, Row, SqlParams } from "./engine.ts";
import { QueryError } from "./query-error.ts";

export interface DuckDbOptions {
  /** Database file; omitted = in memory (DuckDB still spills to its temp directory). */
  path?: string;
  /** e.g. "1.5GB"; DuckDB's default is 80 % of RAM, too much beside Node on a shared machine. */
  memoryLimit?: string;
  threads?: number;
  tempDirectory?: string;
}

/** The DuckDB adapter: one instance, one connection, every statement through here. */
export class DuckDbEngine implements Engine {
  readonly name = "duckdb";
  readonly dialect = duckdbDialect;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(options: DuckDbOptions = {}): Promise<DuckDbEngine> {
    const config: Record<string, string> = {};
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.threads) config.threads = String(options.threads);
    if (options.tempDirectory) config.temp_directory = options.tempDirectory;
    const instance = await DuckDBInstance.create(options.path ?? ":memory:", config);
    const connection = await instance.connect();
    return new DuckDbEngine(instance, connection);
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

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

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
