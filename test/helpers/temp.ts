import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { DuckDbEngine } from "../../src/engine/duckdb-engine.ts";

/** A temporary directory removed when the test file finishes. */
export function tempDir(prefix = "channelscope-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `lines` joined by `eol` into `dir/name` and returns the path. */
export function writeLines(dir: string, name: string, lines: readonly string[], eol = "\n"): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join(eol) + eol);
  return path;
}

/** A fresh in-memory engine, closed when the test file finishes. */
export async function freshEngine(): Promise<DuckDbEngine> {
  const engine = await DuckDbEngine.open({ path: ":memory:", memoryLimit: "1GB", threads: 2 });
  after(() => engine.close());
  return engine;
}
