import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClickHouseClientConfigOptions } from "@clickhouse/client";

/** The chdb release the tests and the README are measured with. */
export const CHDB_VERSION = "3.4.0";

/**
 * chdb is embedded ClickHouse (a 546 MB native library), so it is never a dependency of channelscope:
 * whoever wants `--engine chdb` installs it beside it.
 */
export const CHDB_INSTALL = `npm install --no-save chdb@${CHDB_VERSION}`;

export class ChdbMissingError extends Error {
  constructor(cause: unknown) {
    super(`the chdb engine needs the chdb package (embedded ClickHouse, 546 MB): run ${CHDB_INSTALL}`);
    this.name = "ChdbMissingError";
    this.cause = cause;
  }
}

type Connection = NonNullable<ClickHouseClientConfigOptions["connection"]>;
interface ChdbModule {
  createChdbConnection(options: { path?: string }): Connection;
}

/** chdb's `@clickhouse/client` connection module, or null when chdb is not installed. */
export async function loadChdb(): Promise<ChdbModule | null> {
  try {
    return await importChdb();
  } catch {
    return null;
  }
}

async function importChdb(): Promise<ChdbModule> {
  // A computed specifier keeps TypeScript and the bundler from requiring the optional package.
  const specifier = "chdb/connection";
  return (await import(specifier)) as ChdbModule;
}

/**
 * An in-process connection to embedded ClickHouse. libchdb binds one data directory per process, so
 * every connection of the process shares one: `path` when given (the first one opened wins), else
 * a scratch directory removed when the process exits. Engines keep apart by their own database.
 */
export async function openChdbConnection(path?: string): Promise<Connection> {
  let chdb: ChdbModule;
  try {
    chdb = await importChdb();
  } catch (error) {
    throw new ChdbMissingError(error);
  }
  return chdb.createChdbConnection({ path: path ?? processDataDir() });
}

let scratchDir: string | null = null;

function processDataDir(): string {
  if (scratchDir === null) {
    const dir = mkdtempSync(join(tmpdir(), "channelscope-chdb-"));
    scratchDir = dir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratchDir;
}
