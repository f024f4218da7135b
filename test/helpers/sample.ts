import type { DuckDbEngine } from "../../src/engine/duckdb-engine.ts";
import { generateSample } from "../../src/generate/index.ts";
import { type DataQualityReport, ingest } from "../../src/ingest/index.ts";
import { describeDataset, startServer } from "../../src/server/index.ts";
import { freshEngine, tempDir } from "./temp.ts";

/** A generated sample of `users` (seed `seed`) ingested into a fresh in-memory engine. */
export async function ingestedSample(
  users: number,
  seed: number,
): Promise<{ engine: DuckDbEngine; dir: string; dataQuality: DataQualityReport }> {
  const dir = tempDir();
  await generateSample({ out: dir, users, seed });
  const engine = await freshEngine();
  const dataQuality = await ingest(engine, {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  });
  return { engine, dir, dataQuality };
}

/** The same sample served by `serve`'s HTTP server on a free loopback port (close the server after). */
export async function servedSample(users: number, seed: number) {
  const { engine, dataQuality } = await ingestedSample(users, seed);
  const dataset = await describeDataset(engine, dataQuality, "USD");
  return { dataset, server: await startServer({ dataset, port: 0 }) };
}
