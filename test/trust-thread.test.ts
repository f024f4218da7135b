/**
 * serve's trust thread (src/server/trust-thread.ts, trust-worker.ts): the trust numbers it computes
 * are byte for byte those the server's own thread computes, for several windows, filters, horizons,
 * margins and each slice's own attribution model; the server answers intervals=1 through it; a
 * failing or crashing thread gives a 500 with the cause and the next request works (a crashed one is
 * replaced); a slice it has not answered by the request's deadline is answered 503.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { buildCube, sliceCube, sliceTrust, trustAheadSettled, watchTrust } from "../src/metrics/cube.ts";
import { AnalysisService } from "../src/server/analysis-service.ts";
import { describeDataset, startServer } from "../src/server/index.ts";
import { parseAnalysisQuery } from "../src/server/params.ts";
import { shareLargeArrays } from "../src/server/shared-arrays.ts";
import { TrustThread } from "../src/server/trust-thread.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

const FAILING = new URL("./helpers/failing-trust-worker.ts", import.meta.url);

describe("the trust thread", async () => {
  const dir = tempDir();
  await generateSample({ out: dir, users: 2000, seed: 17 });
  const engine = await freshEngine();
  const quality = await ingest(engine, {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  });

  test("its trust numbers are byte-identical to the in-process ones", async () => {
    const cube = await buildCube(engine);
    const thread = new TrustThread();
    after(() => thread.stop());
    watchTrust(cube, thread);
    const never = new AbortController().signal;
    const offload = (windowId: number, job: Parameters<TrustThread["trust"]>[1]) =>
      thread.trust(windowId, job, { signal: never, deadline: Date.now() + 60_000 });
    const cases = [
      { options: { horizon: 6 }, filter: { sources: [], devices: [] } },
      {
        options: { horizon: 3, attribution: "linear" as const },
        filter: { sources: ["1", "4", "5"], devices: [] },
      },
      { options: { horizon: 2, margin: 0.4 }, filter: { sources: [], devices: ["touch"] } },
      {
        options: { horizon: 9, attribution: "last-touch" as const },
        filter: { sources: ["2"], devices: ["desktop"] },
      },
      { options: { horizon: 4, from: "2017-09-01" }, filter: { sources: [], devices: [] } },
      {
        options: { horizon: 5, from: "2017-09-01", attribution: "linear" as const },
        filter: { sources: ["3", "4"], devices: [] },
      },
      { options: { horizon: 1, confidence: 0.8 }, filter: { sources: ["1", "2", "3"], devices: ["touch"] } },
    ];
    for (const { options, filter } of cases) {
      const point = await sliceCube(cube, options, filter, engine, { trust: false });
      const here = await sliceTrust(cube, point, options, filter, engine, { budgetInput: false });
      const there = await sliceTrust(cube, point, options, filter, engine, { budgetInput: false, offload });
      const label = JSON.stringify({ options, filter });
      assert.ok(here.linear.trust && here.linear.trust.intervals.bySource.length > 0, label);
      assert.equal(JSON.stringify(there), JSON.stringify(here), label);
    }
    assert.equal(thread.slices, cases.length, "every offloaded slice was computed on the thread");
    // The buyers' revenue was shared with the thread, not copied (shared-arrays.ts).
    const memory = await [...cube.windows.values()][0]!.trust!;
    assert.ok(memory.concentration.attributed.hi.buffer instanceof SharedArrayBuffer);
    // With the budget plan's daily input (read in SQL here while the thread computes the trust numbers).
    const point = await sliceCube(cube, {}, undefined, engine, { trust: false });
    const here = await sliceTrust(cube, point, {}, undefined, engine, { budgetInput: true });
    const there = await sliceTrust(cube, point, {}, undefined, engine, { budgetInput: true, offload });
    assert.ok(there["first-touch"].acquisitionDaily);
    assert.equal(JSON.stringify(there), JSON.stringify(here));
    assert.equal(thread.slices, cases.length + 1);
    // The buyer-level forecast reads SQL: it stays on this thread.
    const buyer = { forecastModel: "buyer" as const, horizon: 4 };
    const buyerPoint = await sliceCube(cube, buyer, undefined, engine, { trust: false });
    const buyerHere = await sliceTrust(cube, buyerPoint, buyer, undefined, engine, { budgetInput: false });
    const buyerThere = await sliceTrust(cube, buyerPoint, buyer, undefined, engine, {
      budgetInput: false,
      offload,
    });
    assert.equal(JSON.stringify(buyerThere), JSON.stringify(buyerHere));
    assert.equal(thread.slices, cases.length + 1, "no buyer-forecast slice on the thread");
  });

  test("it holds the windows the cube holds: a window the cube drops is forgotten", async () => {
    const cube = await buildCube(engine);
    const thread = new TrustThread();
    after(() => thread.stop());
    watchTrust(cube, thread);
    // Nine windows with trust tables: the cube keeps eight (cube.ts, MAX_WINDOWS).
    for (let day = 1; day <= 9; day++) {
      const options = { from: `2017-06-${String(day).padStart(2, "0")}` };
      const point = await sliceCube(cube, options, undefined, engine, { trust: false });
      await sliceTrust(cube, point, options, undefined, engine, { budgetInput: false });
    }
    assert.equal(cube.windows.size, 8);
    assert.equal(thread.windowsHeld, 8);
  });

  describe("in the server", async () => {
    const dataset = await describeDataset(engine, quality, "USD");
    await trustAheadSettled(dataset.cube);
    const plan = new Int32Array(new SharedArrayBuffer(12));
    const logged: string[] = [];
    const server = await startServer({
      dataset,
      port: 0,
      dashboard: false,
      timeLimitMs: 3000,
      log: (line) => void logged.push(line),
      trustThread: { workerUrl: FAILING, workerData: { plan } },
    });
    after(() => server.close());
    const get = async (query: string) => {
      const response = await fetch(new URL(`/api/analysis${query}`, server.url));
      return { status: response.status, text: await response.text() };
    };
    const health = async () =>
      (await (await fetch(new URL("/api/health", server.url))).json()) as {
        trustSlicesOnThread: number;
        trustThreadStarts: number;
      };

    test("answers intervals=1 through the thread, with the document the server's thread gives", async () => {
      const before = (await health()).trustSlicesOnThread;
      const r = await get("?sources=1,4&horizon=4&intervals=1");
      assert.equal(r.status, 200);
      assert.equal((await health()).trustSlicesOnThread, before + 1);
      const inProcess = new AnalysisService(dataset);
      const req = parseAnalysisQuery(
        new URLSearchParams("sources=1,4&horizon=4&intervals=1"),
        dataset.catalog,
      );
      assert.equal(r.text, (await inProcess.document(req)).json.toString());
      await inProcess.stop();
    });

    test("a crashed thread gives a 500 with the cause, is replaced, and the next request works", async () => {
      assert.equal((await get("?sources=2&intervals=0")).status, 200);
      Atomics.store(plan, 0, 1);
      const failed = await get("?sources=2&intervals=1");
      assert.equal(failed.status, 500);
      assert.match(failed.text, /the trust thread exited with code 7/);
      assert.match(logged.at(-1) ?? "", /request failed: the trust thread exited with code 7/);
      const again = await get("?sources=2&intervals=1");
      assert.equal(again.status, 200, again.text);
      const h = await health();
      assert.equal(h.trustThreadStarts, 2);
    });

    test("an error on the thread gives a 500 with the cause; the next request works", async () => {
      Atomics.store(plan, 1, 1);
      const failed = await get("?sources=3&intervals=1");
      assert.equal(failed.status, 500);
      assert.match(failed.text, /the trust thread holds no memory of window -1/);
      assert.equal((await get("?sources=3&intervals=1")).status, 200);
    });

    test("a slice still on the thread at the deadline is answered 503; the next request works", async () => {
      assert.equal((await get("?sources=5")).status, 200);
      Atomics.store(plan, 2, 4000);
      const slow = await get("?sources=5&intervals=1");
      assert.equal(slow.status, 503, slow.text);
      // The stalled slice finishes on the thread meanwhile; its answer is not waited for any more.
      assert.equal((await get("?sources=5&intervals=1")).status, 200);
    });
  });
});

describe("shareLargeArrays", () => {
  test("moves large typed arrays onto shared buffers in place, equal, each once", () => {
    const big = Float64Array.from({ length: 1024 }, (_, i) => i / 7);
    const small = Uint8Array.of(1, 2, 3);
    const root = { a: { big, small }, list: [big], byKey: new Map([["k", Int32Array.from(big)]]) };
    assert.equal(shareLargeArrays(root), 8192 + 4096);
    assert.ok(root.a.big.buffer instanceof SharedArrayBuffer);
    assert.deepEqual([...root.a.big], [...big]);
    assert.equal(root.list[0], root.a.big, "one array reached twice is moved once");
    assert.ok(root.byKey.get("k")!.buffer instanceof SharedArrayBuffer);
    assert.equal(root.a.small, small, "small arrays stay");
    assert.equal(shareLargeArrays(root), 0, "shared arrays are left");
  });
});
