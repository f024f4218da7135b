import type { DuckDbEngine } from "../../src/engine/duckdb-engine.ts";
import { generateSample } from "../../src/generate/index.ts";
import { ingest } from "../../src/ingest/index.ts";
import { freshEngine, tempDir } from "./temp.ts";

/** A generated sample of `users` (seed `seed`) ingested into a fresh in-memory engine. */
export async function ingestedSample(
  users: number,
  seed: number,
): Promise<{ engine: DuckDbEngine; dir: string }> {
  const dir = tempDir();
  await generateSample({ out: dir, users, seed });
  const engine = await freshEngine();
  await ingest(engine, {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  });
  return { engine, dir };
}
