/**
 * `GET /api/analysis?…&intervals=1&parts=trust` (params.ts, analysis.ts TRUST_PARTS): only what the
 * intervals add to the point document, which the dashboard merges into the point document it holds
 * (web/trust-parts.ts). The merge must be the whole intervals document, byte for byte, for any filter,
 * model and language; the whole document stays the default; parts without intervals are refused.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { TRUST_PARTS } from "../src/server/analysis.ts";
import { describeDataset, type RunningServer, startServer } from "../src/server/index.ts";
import { mergeTrustParts } from "../src/web/trust-parts.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

describe("serve: parts=trust", async () => {
  const dir = tempDir();
  await generateSample({ out: dir, users: 2500, seed: 31 });
  const engine = await freshEngine();
  const quality = await ingest(engine, {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  });
  const dataset = await describeDataset(engine, quality, "USD");
  const server: RunningServer = await startServer({ dataset, port: 0, dashboard: false });
  after(async () => {
    await server.close();
    await engine.close();
  });
  const get = async (query: string) => {
    const response = await fetch(new URL(`/api/analysis?${query}`, server.url));
    return { status: response.status, text: await response.text() };
  };

  const queries = [
    "",
    "sources=1,2",
    "devices=touch&attribution=linear",
    "sources=3&lang=ru&attribution=last-touch&horizon=3&grain=week",
    `from=${dataset.dataQuality.window.from}&margin=0.7`,
  ];
  for (const query of queries) {
    test(`merged over the point document, the whole intervals document: ?${query}`, async () => {
      const and = query ? `${query}&` : "";
      const point = await get(query);
      const parts = await get(`${and}intervals=1&parts=trust`);
      const whole = await get(`${and}intervals=1`);
      assert.deepEqual([point.status, parts.status, whole.status], [200, 200, 200]);
      const partsDoc = JSON.parse(parts.text);
      assert.deepEqual(Object.keys(partsDoc), [...TRUST_PARTS]);
      assert.ok(partsDoc.trust, "the trust numbers are there");
      assert.equal(JSON.stringify(mergeTrustParts(JSON.parse(point.text), partsDoc)), whole.text);
      // The point document's tables are not sent again (the unfiltered trust numbers are the largest).
      assert.ok(parts.text.length < 0.8 * whole.text.length, `${parts.text.length} of ${whole.text.length}`);
      // Asked the other way round (the whole document cached first), the same answers.
      assert.equal((await get(`${and}parts=trust&intervals=1`)).text, parts.text);
      assert.equal((await get(`${and}parts=all&intervals=1`)).text, whole.text);
    });
  }

  test("parts for another slice are refused by the merge", async () => {
    const point = JSON.parse((await get("sources=1,2")).text);
    const parts = JSON.parse((await get("sources=3&intervals=1&parts=trust")).text);
    assert.throws(() => mergeTrustParts(point, parts), /another slice \(its filter differ\)/);
  });

  test("parts=trust needs intervals=1; unknown parts are refused", async () => {
    for (const [query, problem] of [
      ["parts=trust", /parts: trust needs intervals=1/],
      ["parts=trust&intervals=0", /parts: trust needs intervals=1/],
      ["parts=point&intervals=1", /invalid parts: "point" \(expected all or trust\)/],
    ] as const) {
      const r = await get(query);
      assert.equal(r.status, 400, query);
      assert.match(JSON.parse(r.text).problems.join(), problem);
    }
    assert.equal((await get("parts=all")).text, (await get("")).text);
  });
});
