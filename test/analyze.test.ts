import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { analyze } from "../src/analyze.ts";
import { generateSample } from "../src/generate/index.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

describe("analyze: the window", async () => {
  const dir = tempDir();
  await generateSample({ out: dir, users: 600, seed: 3 });
  const sources = {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  };
  // The spec's default window worked out from the file: first visit's day .. the day after the last.
  const starts = readFileSync(`${dir}/visits_log_us.csv`, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",")[3]!)
    // ISO timestamps sort as text; Math.min/max would turn them into NaN.
    .sort();
  const first = starts[0]!.slice(0, 10);
  const last = new Date(`${starts.at(-1)!.slice(0, 10)}T00:00:00Z`);
  const dayAfterLast = new Date(last.getTime() + 86_400_000).toISOString().slice(0, 10);
  const windowOf = async (raw: Record<string, string>) => {
    const { metadata } = await analyze(await freshEngine(), sources, raw);
    return [metadata.options.from, metadata.options.to];
  };

  it("defaults to the first visit's day .. the day after the last", async () => {
    assert.deepEqual(await windowOf({}), [first, dayAfterLast]);
  });
  it("takes one side from the user and the other from the data", async () => {
    assert.deepEqual(await windowOf({ from: "2017-09-01" }), ["2017-09-01", dayAfterLast]);
    assert.deepEqual(await windowOf({ to: "2018-01-01" }), [first, "2018-01-01"]);
  });
  it("refuses a window that ends before it starts, before reading anything", async () => {
    await assert.rejects(analyze(await freshEngine(), sources, { from: "2018-01-01", to: "2017-01-01" }), {
      name: "OptionsError",
    });
  });
});
