/**
 * The dashboard's API on embedded ClickHouse: the same cube slices, filtered by source and device, as
 * on DuckDB. Both servers run on port 0 over one generated sample.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { generateSample } from "../src/generate/index.ts";
import { describeDataset, type RunningServer, startServer } from "../src/server/index.ts";
import { CHDB_SKIP, ENGINES, ingestOn } from "./helpers/engines.ts";
import { jsonDifferences } from "./helpers/json-differences.ts";
import { tempDir } from "./helpers/temp.ts";

describe("serve on chdb = serve on DuckDB", { skip: CHDB_SKIP }, async () => {
  if (CHDB_SKIP) return;
  const dir = tempDir();
  await generateSample({ out: dir, users: 3000, seed: 8 });
  const sources = {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  };
  const servers: Record<string, RunningServer> = {};
  for (const kind of ENGINES) {
    const engine = await kind.open();
    const dataset = await describeDataset(engine, await ingestOn(engine, sources), "USD");
    servers[kind.name] = await startServer({ dataset, port: 0, dashboard: false });
  }
  after(async () => {
    for (const s of Object.values(servers)) await s.close();
  });

  const analysis = async (name: string, query: string) => {
    const response = await fetch(new URL(`/api/analysis${query}`, servers[name]!.url));
    const text = await response.text();
    assert.equal(response.status, 200, text);
    const doc = JSON.parse(text) as { metadata: { engine?: unknown } };
    delete doc.metadata.engine;
    return doc;
  };

  for (const query of [
    "",
    "?sources=1,2&attribution=linear",
    "?devices=touch&horizon=3",
    "?from=2017-09-01&to=2018-01-01&grain=week",
  ]) {
    it(`GET /api/analysis${query}`, async () => {
      const duck = await analysis("duckdb", query);
      const ch = await analysis("chdb", query);
      assert.deepEqual(jsonDifferences(duck, ch), []);
    });
  }
});
