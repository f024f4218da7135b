/**
 * The DuckDB file the slice benches work on: a generated sample's CSV files in `dir`, ingested once
 * into `/tmp/channelscope-<bench>-<dir>.duckdb` (or `db`) and reused by later runs, with the window
 * ingest derived (read back from the tables when the file was ingested before).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import { ingest } from "../src/ingest/index.ts";
import type { DataQualityReport } from "../src/ingest/quality.ts";
import { analysisWindow } from "../src/ingest/window.ts";

export interface IngestedDb {
  engine: DuckDbEngine;
  dbPath: string;
  /** The ingest's report when this run ingested the files, null when the file was reused. */
  report: DataQualityReport | null;
  window: { from: string; to: string };
}

export async function openIngested(bench: string, dir: string, db?: string): Promise<IngestedDb> {
  const dbPath = db ?? `/tmp/channelscope-${bench}-${dir.replace(/[^A-Za-z0-9]+/g, "_")}.duckdb`;
  const fresh = !existsSync(dbPath);
  const engine = await DuckDbEngine.open({ path: dbPath, memoryLimit: "3GB" });
  const files = { visits: "visits_log_us", orders: "orders_log_us", costs: "costs_us" } as const;
  const report = fresh
    ? await ingest(
        engine,
        Object.fromEntries(Object.entries(files).map(([t, f]) => [t, { path: join(dir, `${f}.csv`) }])),
      )
    : null;
  const derived = report?.window ?? (await analysisWindow(engine, {}));
  if (!derived) throw new Error(`${dbPath} holds no data`);
  return { engine, dbPath, report, window: { from: derived.from, to: derived.to } };
}
