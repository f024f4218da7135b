import { after } from "node:test";
import type { DuckDbEngine } from "../../src/engine/duckdb-engine.ts";
import { generateSample } from "../../src/generate/index.ts";
import { type DataQualityReport, ingest } from "../../src/ingest/index.ts";
import { type Dataset, describeDataset, type RunningServer, startServer } from "../../src/server/index.ts";
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

/** The same sample as the server's dataset (its cube built), money in USD. */
export async function sampleDataset(users: number, seed: number): Promise<Dataset> {
  const { engine, dataQuality } = await ingestedSample(users, seed);
  return describeDataset(engine, dataQuality, "USD");
}

/** The same sample served by `serve`'s HTTP server on a free loopback port (close the server after). */
export async function servedSample(users: number, seed: number) {
  const dataset = await sampleDataset(users, seed);
  return { dataset, server: await startServer({ dataset, port: 0 }) };
}

/**
 * Servers over one dataset, started on demand with extra options (no dashboard bundle) and all closed
 * when the calling suite ends.
 */
export function serverPool(dataset: Dataset): (extra?: ServerExtra) => Promise<RunningServer> {
  const open: RunningServer[] = [];
  after(async () => {
    for (const s of open) await s.close();
  });
  return async (extra = {}) => {
    const s = await startServer({ dataset, port: 0, dashboard: false, ...extra });
    open.push(s);
    return s;
  };
}

type ServerExtra = Partial<Parameters<typeof startServer>[0]>;
