import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildCosts, plantedCosts } from "./costs.ts";
import { CHUNK_BYTES, ChunkedFileWriter } from "./csv-writer.ts";
import { convertToParquet, type ParquetJob } from "./parquet.ts";
import { plantReturns } from "./planted-returns.ts";
import { Sfc32 } from "./prng.ts";
import { DEFAULT_SEED, DEFAULT_USERS } from "./profile.ts";
import { acquisitionWeights, buildSamplers } from "./samplers.ts";
import { UserSimulator } from "./simulate.ts";
import { buildTruth } from "./truth.ts";

export { DEFAULT_SEED, DEFAULT_USERS } from "./profile.ts";

export interface GenerateOptions {
  /** Output directory (created if missing); existing sample files in it are overwritten. */
  out: string;
  /** Number of users; everything else scales with it. Default 228,169 (Afisha: ~359k sessions). */
  users?: number;
  /** Seed of the pseudo-random generator: same seed and options give byte-identical files. */
  seed?: number;
  /** `csv` (Afisha's files) or `parquet` (the same tables; ids VARCHAR, money DECIMAL(18,2)). */
  format?: "csv" | "parquet";
  /**
   * Plant per-source diminishing returns (profile.ts, PLANTED_RETURNS): spend varies day to day and
   * paid sources' new users respond as a power of it. Off by default; the default sample is unchanged.
   */
  plantReturns?: boolean;
}

export interface GenerateSummary {
  users: number;
  sessions: number;
  buyers: number;
  orders: number;
  costRows: number;
  /** Paths of the files written, data files first, truth.json last. */
  files: string[];
  /** Wall-clock duration of the run in milliseconds (not written to any file). */
  wallMs: number;
}

const TABLES = {
  visits: { name: "visits_log_us", header: "Device,End Ts,Source Id,Start Ts,Uid\n" },
  orders: { name: "orders_log_us", header: "Buy Ts,Revenue,Uid\n" },
  costs: { name: "costs_us", header: "source_id,dt,costs\n" },
} as const;

/** Random streams: users and costs draw from separate sequences so neither shifts the other. */
const USER_STREAM = 0;
const COST_STREAM = 1;
/** The planted spend draws from its own sequence (only with plantReturns). */
const PLANTED_SPEND_STREAM = 2;

/** Checks options and applies defaults, with messages a user can act on. */
export function normalizeGenerateOptions(options: GenerateOptions): Required<GenerateOptions> {
  const users = options.users ?? DEFAULT_USERS;
  const seed = options.seed ?? DEFAULT_SEED;
  const format = options.format ?? "csv";
  const plantReturns = options.plantReturns ?? false;
  const problems: string[] = [];
  if (!Number.isSafeInteger(users) || users < 1) {
    problems.push(`invalid users: ${JSON.stringify(options.users)} (expected a whole number ≥ 1)`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    problems.push(`invalid seed: ${JSON.stringify(options.seed)} (expected a whole number ≥ 0)`);
  }
  if (format !== "csv" && format !== "parquet") {
    problems.push(`invalid format: ${JSON.stringify(options.format)} (expected "csv" or "parquet")`);
  }
  if (!options.out) problems.push("missing out: the output directory");
  if (problems.length > 0) throw new Error(problems.join("; "));
  return { out: options.out, users, seed, format, plantReturns };
}

/**
 * Writes a synthetic Afisha-like sample into `out`: visits_log_us, orders_log_us and costs_us (CSV,
 * or Parquet with `format: "parquet"`) plus truth.json with the planted parameters. Users are
 * simulated one at a time and written in ~1 MB chunks, so memory does not grow with `users`.
 */
export async function generateSample(options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const { out, users, seed, format, plantReturns: plant } = normalizeGenerateOptions(options);
  await mkdir(out, { recursive: true });
  const parquet = format === "parquet";
  // Parquet is converted from CSV written under a temporary name, removed afterwards.
  const csvPath = (name: string): string => join(out, parquet ? `.${name}.tmp.csv` : `${name}.csv`);
  const visits = new ChunkedFileWriter(csvPath(TABLES.visits.name));
  const orders = new ChunkedFileWriter(csvPath(TABLES.orders.name));
  const costsFile = new ChunkedFileWriter(csvPath(TABLES.costs.name));
  const writers = [visits, orders, costsFile];
  try {
    await visits.write(TABLES.visits.header);
    await orders.write(TABLES.orders.header);
    const planted = plant
      ? plantReturns(acquisitionWeights(), users, new Sfc32(seed, PLANTED_SPEND_STREAM))
      : null;
    const simulator = new UserSimulator(new Sfc32(seed, USER_STREAM), buildSamplers(), planted?.acquisition);
    const recycleVisits = (): void => simulator.visits.recycle();
    const recycleOrders = (): void => simulator.orders.recycle();
    for (let i = 0; i < users; i++) {
      simulator.simulateUser();
      // Orders are ~7x smaller than visits, so the visits chunk decides when both get written.
      if (simulator.visits.length >= CHUNK_BYTES) {
        await visits.write(simulator.visits.take(), recycleVisits);
        await orders.write(simulator.orders.take(), recycleOrders);
      }
    }
    simulator.writeLateOrder();
    await visits.write(simulator.visits.take());
    await orders.write(simulator.orders.take());
    const costs = planted
      ? plantedCosts(planted.spendCents)
      : buildCosts(simulator.acquisitions, new Sfc32(seed, COST_STREAM));
    await costsFile.write(TABLES.costs.header + costs.text);
    for (const writer of writers) await writer.close();

    const files: string[] = [];
    if (parquet) {
      const jobs: ParquetJob[] = Object.values(TABLES).map((t) => ({
        csvPath: csvPath(t.name),
        parquetPath: join(out, `${t.name}.parquet`),
        table: t.name,
      }));
      await convertToParquet(jobs);
      for (const job of jobs) await rm(job.csvPath);
      files.push(...jobs.map((j) => j.parquetPath));
    } else {
      files.push(...writers.map((w) => w.path));
    }
    const truthPath = join(out, "truth.json");
    const truth = buildTruth({ seed, users, counts: simulator.counts, costs, plantedReturns: plant });
    await writeFile(truthPath, `${JSON.stringify(truth, null, 2)}\n`);
    files.push(truthPath);
    const { counts } = simulator;
    return {
      users: counts.users,
      sessions: counts.sessions,
      buyers: counts.buyers,
      orders: counts.orders,
      costRows: costs.rows,
      files,
      wallMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    for (const writer of writers) writer.destroy();
    if (parquet) await Promise.all(writers.map((w) => rm(w.path, { force: true })));
    throw error;
  }
}
