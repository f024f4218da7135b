/**
 * Golden files for a few chart specs (test/golden/<name>.snap, JSON inside: the extension keeps
 * Biome's JSON formatter from rewriting them). Floats are rounded so a last-digit change in a metric
 * does not churn the snapshot; on a mismatch `<name>-changed.snap` is written beside the golden for a
 * diff, and `UPDATE_GOLDEN=1` accepts the new output. A missing golden is created (first run).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const GOLDEN_DIR = fileURLToPath(new URL("./golden/", import.meta.url));

/** Stable JSON: numbers to 6 significant digits, 2-space indent, trailing newline. */
export function goldenJson(value: unknown): string {
  const text = JSON.stringify(
    value,
    (_key, v) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v),
    2,
  );
  return `${text}\n`;
}

export function assertGolden(name: string, value: unknown): void {
  mkdirSync(GOLDEN_DIR, { recursive: true });
  const path = `${GOLDEN_DIR}${name}.snap`;
  const changed = `${GOLDEN_DIR}${name}-changed.snap`;
  const actual = goldenJson(value);
  if (!existsSync(path) || process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(path, actual);
    rmSync(changed, { force: true });
    return;
  }
  const expected = readFileSync(path, "utf8");
  if (actual === expected) {
    rmSync(changed, { force: true });
    return;
  }
  writeFileSync(changed, actual);
  assert.fail(`golden ${name}.snap differs: see ${changed} (UPDATE_GOLDEN=1 accepts it)`);
}
