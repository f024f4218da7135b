import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDbEngine } from "./duckdb-engine.ts";

/**
 * The canonical tables (src/ingest/canonical.ts) in ClickHouse types. Timestamps are DateTime64(6)
 * read under session_timezone = 'UTC', so the wall clock of the input survives unchanged; money is
 * Decimal(18,6), summed exactly. ClickHouse's Date covers 1970-01-01 to 2149-06-06.
 */
export const CLICKHOUSE_CANONICAL = {
  visits:
    "user_id String, device String, source_id String, start_ts DateTime64(6, 'UTC'), end_ts DateTime64(6, 'UTC')",
  orders: "user_id String, ts DateTime64(6, 'UTC'), revenue Decimal(18, 6)",
  costs: "source_id String, date Date, costs Decimal(18, 6)",
} as const;

export type CanonicalTable = keyof typeof CLICKHOUSE_CANONICAL;
export const CANONICAL_TABLES = Object.keys(CLICKHOUSE_CANONICAL) as CanonicalTable[];

/** Where canonical Parquet files go on their way from DuckDB to ClickHouse. */
export interface ParquetSink {
  /** Replaces `table` (canonical schema) with the rows of the Parquet file at `path`. */
  loadParquet(table: CanonicalTable, path: string): Promise<void>;
}

/**
 * Hands the canonical tables DuckDB ingested and audited to ClickHouse as Parquet: one file per
 * table, written by DuckDB and read by ClickHouse, then removed. Parquet keeps the types (text ids,
 * microsecond timestamps, decimal money) with no text round trip.
 */
export async function handOverCanonical(
  staging: DuckDbEngine,
  sink: ParquetSink,
  tables: readonly CanonicalTable[] = CANONICAL_TABLES,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "channelscope-handover-"));
  try {
    for (const table of tables) {
      const path = join(dir, `${table}.parquet`);
      // The table name comes from the fixed list above; the path is a bound parameter.
      await staging.run(`COPY (SELECT * FROM ${table}) TO $path (FORMAT parquet)`, { path });
      await sink.loadParquet(table, path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
