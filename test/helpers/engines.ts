/**
 * The engines every metric test runs on, as Malloy's `describe.each(runtimes)`: DuckDB always, and
 * embedded ClickHouse (chdb) when the optional package is installed. A test file does
 * `for (const engine of ENGINES) describe(engine.name, ...)`. CHANNELSCOPE_ENGINES=duckdb (a comma
 * list) narrows the set while developing.
 */
import { after } from "node:test";
import { CHDB_INSTALL, loadChdb } from "../../src/engine/chdb-connection.ts";
import { ClickHouseEngine } from "../../src/engine/clickhouse-engine.ts";
import { DuckDbEngine } from "../../src/engine/duckdb-engine.ts";
import type { Engine } from "../../src/engine/engine.ts";
import { generateSample } from "../../src/generate/index.ts";
import { type DataQualityReport, type IngestSources, ingest } from "../../src/ingest/index.ts";
import { loadRecords } from "./canonical-records.ts";
import { tempDir } from "./temp.ts";

export interface TestEngine {
  name: "duckdb" | "chdb";
  /** A fresh engine with empty canonical tables, closed when the test file finishes. */
  open(): Promise<Engine>;
}

const duckdb: TestEngine = {
  name: "duckdb",
  open: () => closedAfter(DuckDbEngine.open({ path: ":memory:", memoryLimit: "1GB", threads: 2 })),
};

const chdb: TestEngine = {
  name: "chdb",
  open: () => closedAfter(ClickHouseEngine.openChdb({ threads: 2 })),
};

const chdbInstalled = (await loadChdb()) !== null;

/** Why chdb tests skip here, or false when they run. One line, for the test report. */
export const CHDB_SKIP: string | false = chdbInstalled
  ? false
  : `chdb is not installed (optional, 546 MB): ${CHDB_INSTALL}`;

const wanted = process.env.CHANNELSCOPE_ENGINES?.split(",").map((s) => s.trim());

export const ENGINES: readonly TestEngine[] = [duckdb, ...(chdbInstalled ? [chdb] : [])].filter(
  (e) => !wanted || wanted.includes(e.name),
);

async function closedAfter(opening: Promise<Engine>): Promise<Engine> {
  const engine = await opening;
  after(() => engine.close());
  return engine;
}

/**
 * The engine that ingests input files for `engine` (itself, or ClickHouse's DuckDB staging engine),
 * and the step that makes what it ingested visible to `engine`.
 */
export function ingestSide(engine: Engine): { loader: Engine; publish: () => Promise<void> } {
  return { loader: engine.staging ?? engine, publish: async () => engine.importCanonical?.() };
}

/** Plain records into fresh canonical tables of `engine` (loaded by its ingesting side). */
export async function loadRecordsOn(engine: Engine, input: Parameters<typeof loadRecords>[1]): Promise<void> {
  const { loader, publish } = ingestSide(engine);
  await loadRecords(loader, input);
  await publish();
}

/** Ingests files for `engine` as analyze() does: on its ingesting side, then handed over. */
export async function ingestOn(
  engine: Engine,
  sources: IngestSources,
  bounds: { from?: string; to?: string } = {},
): Promise<DataQualityReport> {
  const { loader, publish } = ingestSide(engine);
  const report = await ingest(loader, sources, bounds);
  await publish();
  return report;
}

/** A generated sample of `users` (seed `seed`) ingested into a fresh engine of kind `kind`. */
export async function ingestedSampleOn(
  kind: TestEngine,
  users: number,
  seed: number,
): Promise<{ engine: Engine; dir: string }> {
  const dir = tempDir();
  await generateSample({ out: dir, users, seed });
  const engine = await kind.open();
  await ingestOn(engine, {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  });
  return { engine, dir };
}
