/**
 * `report --engine chdb` against `report --engine duckdb` on the generated sample: the metrics.json
 * documents must agree in every member (counts and money exactly, other numbers to 1e-9 relative),
 * apart from the engine named in the metadata.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { generateSample } from "../src/generate/index.ts";
import { CHDB_SKIP } from "./helpers/engines.ts";
import { jsonDifferences } from "./helpers/json-differences.ts";
import { tempDir } from "./helpers/temp.ts";

const BIN = new URL("../bin/channelscope.js", import.meta.url).pathname;

describe("report --engine chdb = report --engine duckdb", { skip: CHDB_SKIP }, async () => {
  if (CHDB_SKIP) return;
  const dir = tempDir();
  await generateSample({ out: dir, users: 6000, seed: 5 });
  const inputs = ["visits_log_us", "orders_log_us", "costs_us"].flatMap((f, i) => [
    ["--visits", "--orders", "--costs"][i]!,
    join(dir, `${f}.csv`),
  ]);

  const report = (engine: string, extra: string[]) => {
    const out = join(dir, `${engine}-${extra.join("")}`);
    const r = spawnSync(
      process.execPath,
      [BIN, "report", ...inputs, "--out", out, "--no-figures", "--engine", engine, ...extra],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as Record<string, unknown>;
    // The quarantine (written by the staging DuckDB on both engines) is compared by content.
    const quality = doc.dataQuality as { quarantine: { path: string | null } };
    const quarantine = quality.quarantine.path ? readFileSync(quality.quarantine.path, "utf8") : null;
    quality.quarantine.path = quality.quarantine.path?.replace(out, "OUT") ?? null;
    return { ...doc, quarantine } as Record<string, unknown>;
  };

  for (const extra of [[], ["--attribution", "linear", "--cohort-grain", "week", "--horizon", "3"]]) {
    it(`metrics.json tables and every metric agree ${extra.join(" ") || "(defaults)"}`, () => {
      const duck = report("duckdb", extra);
      const ch = report("chdb", extra);
      const engineOf = (doc: Record<string, unknown>) =>
        (doc.metadata as { engine: { name: string } }).engine;
      assert.equal(engineOf(duck).name, "duckdb");
      assert.equal(engineOf(ch).name, "chdb");
      for (const doc of [duck, ch]) delete (doc.metadata as { engine?: unknown }).engine;
      assert.deepEqual(jsonDifferences(duck, ch), []);
      // The comparison is worth something only if the tables are full.
      const tables = duck.tables as Record<string, unknown[]>;
      assert.ok(tables.by_source!.length >= 8 && tables.ltv!.length > 20 && tables.retention!.length > 20);
      const warnings = (duck.dataQuality as { warnings: { code: string }[] }).warnings.map((w) => w.code);
      assert.ok(warnings.includes("end_before_start"), "the sample plants awkward rows");
    });
  }
});
