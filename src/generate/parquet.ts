import { DuckDbEngine } from "../engine/duckdb-engine.ts";

/**
 * Column types of the Parquet files. Ids (Uid, Source Id, source_id) are VARCHAR because the project
 * treats ids as opaque strings (docs/decisions.md): a 20-digit Uid would not fit BIGINT and must never
 * become a DOUBLE. Money is DECIMAL(18,2), exact to the cent like the CSV text.
 */
export const PARQUET_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  visits_log_us: {
    Device: "VARCHAR",
    "End Ts": "TIMESTAMP",
    "Source Id": "VARCHAR",
    "Start Ts": "TIMESTAMP",
    Uid: "VARCHAR",
  },
  orders_log_us: { "Buy Ts": "TIMESTAMP", Revenue: "DECIMAL(18,2)", Uid: "VARCHAR" },
  costs_us: { source_id: "VARCHAR", dt: "DATE", costs: "DECIMAL(18,2)" },
};

export interface ParquetJob {
  csvPath: string;
  parquetPath: string;
  table: keyof typeof PARQUET_COLUMNS;
}

/**
 * Converts generated CSV files to Parquet with DuckDB, streaming (DuckDB never loads a whole file).
 * The column list is a fixed identifier map written into the SQL; file paths travel as parameters.
 */
export async function convertToParquet(jobs: readonly ParquetJob[]): Promise<void> {
  const engine = await DuckDbEngine.open({ memoryLimit: "1GB" });
  try {
    for (const job of jobs) {
      const columns = Object.entries(PARQUET_COLUMNS[job.table]!)
        .map(([name, type]) => `'${name}': '${type}'`)
        .join(", ");
      // Explicit columns (no sniffing) so Uid is never guessed as a number, and the format is exact.
      await engine.run(
        `COPY (SELECT * FROM read_csv($src, header = true, auto_detect = false, columns = {${columns}}, ` +
          `delim = ',', quote = '"', timestampformat = '%Y-%m-%d %H:%M:%S', dateformat = '%Y-%m-%d')) ` +
          "TO $dst (FORMAT parquet, COMPRESSION zstd)",
        { src: job.csvPath, dst: job.parquetPath },
      );
    }
  } finally {
    await engine.close();
  }
}
