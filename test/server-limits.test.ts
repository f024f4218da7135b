/**
 * Limits of `serve` (issue 12, cases 13-14): headers over 16 KB get 431, a timed-out analysis says
 * when to retry, the caches are bounded by bytes as well as entries, and /api/health answers while
 * analyses queue.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import { describe, test } from "node:test";
import { approximateBytes, Lru, sharedRecordBytes } from "../src/server/cache.ts";
import type { Dataset, RunningServer } from "../src/server/index.ts";
import { sampleDataset, serverPool } from "./helpers/sample.ts";

function get(server: RunningServer, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; ms: number }>((resolve) => {
    const started = performance.now();
    const req = request({ host: "127.0.0.1", port: server.port, path, headers }, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, ms: performance.now() - started }),
      );
    });
    req.on("error", () => resolve({ status: -1, headers: {}, ms: performance.now() - started }));
    req.end();
  });
}

/** The status of the answer to raw request bytes. */
function rawStatus(server: RunningServer, bytes: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(server.port, "127.0.0.1");
    let reply = "";
    socket.setTimeout(5000, () => socket.destroy());
    socket.on("data", (d) => {
      reply += d.toString("latin1");
    });
    socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? -1)));
    socket.on("error", () => undefined);
    socket.end(bytes);
  });
}

describe("the byte-bounded cache", () => {
  test("evicts the least recently used entries once the bytes exceed the budget", () => {
    const lru = new Lru<string>(100, 10, (v) => v.length);
    lru.set("a", "xxxx");
    lru.set("b", "xxxx");
    assert.equal(lru.get("a"), "xxxx"); // a is now the most recent
    lru.set("c", "xxxx"); // 12 bytes > 10: b goes
    assert.equal(lru.get("b"), undefined);
    assert.equal(lru.get("a"), "xxxx");
    assert.equal(lru.get("c"), "xxxx");
    assert.equal(lru.bytes, 8);
  });

  test("a value larger than the whole budget is not kept", () => {
    const lru = new Lru<string>(100, 10, (v) => v.length);
    lru.set("small", "xx");
    lru.set("huge", "x".repeat(11));
    assert.equal(lru.get("huge"), undefined);
    assert.equal(lru.get("small"), "xx");
  });

  test("by default a value is measured by what it holds (a serialised body by its bytes)", () => {
    const body = { json: Buffer.alloc(1_000_000) };
    assert.ok(approximateBytes(body) >= 1_000_000);
    assert.ok(
      approximateBytes({ rows: Array.from({ length: 1000 }, (_, i) => ({ day: `d${i}`, n: i })) }) > 30_000,
    );
    const lru = new Lru<{ json: Buffer }>(64, 2_500_000);
    for (const key of ["a", "b", "c"]) lru.set(key, { json: Buffer.alloc(1_000_000) });
    assert.equal(lru.size, 2);
  });

  test("results sized by their shared parts: as a full walk counts them, each part walked once", () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ day: `d${i}`, n: i }));
    const tables = { ltv: rows(2000), retention: rows(500) };
    const series = rows(300);
    // Two models sharing their series, as point results do; a trust result spreads a point result.
    const point = { a: { tables, series, horizon: 6 }, b: { tables: { ltv: rows(10) }, series, horizon: 6 } };
    const withTrust = { a: { ...point.a, trust: rows(100) }, b: { ...point.b, trust: rows(100) } };
    const memo = new WeakMap<object, number>();
    for (const value of [point, withTrust]) {
      const full = approximateBytes(value);
      const shared = sharedRecordBytes(value, memo);
      assert.ok(Math.abs(shared - full) / full < 0.01, `${shared} against ${full}`);
    }
    // The point entry's parts were remembered, not walked again for the trust entry.
    assert.equal(memo.get(tables), approximateBytes(tables));
    assert.ok(memo.has(series) && memo.has(withTrust.a.trust));
  });
});

describe("serve: limits", async () => {
  const dataset: Dataset = await sampleDataset(800, 4);
  const serve = serverPool(dataset);

  test("headers over 16 KB get 431, as docs/serve.md says; 15 KB pass", async () => {
    const s = await serve();
    const big = `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"y".repeat(17 * 1024)}\r\n\r\n`;
    assert.equal(await rawStatus(s, big), 431);
    assert.equal((await get(s, "/api/health", { "X-Big": "y".repeat(15 * 1024) })).status, 200);
  });

  test("a 503 after the time limit says when to retry", async () => {
    const s = await serve({
      timeLimitMs: 150,
      hooks: { onCompute: () => new Promise((r) => setTimeout(r, 400)) },
    });
    const r = await get(s, "/api/analysis?horizon=3");
    assert.equal(r.status, 503);
    assert.equal(r.headers["retry-after"], "5");
  });

  test("/api/health answers at once while analyses run and queue", async () => {
    const s = await serve({
      concurrency: 1,
      hooks: { onCompute: () => new Promise((r) => setTimeout(r, 1500)) },
    });
    const load = [1, 2, 3, 4, 5, 6].map((h) => get(s, `/api/analysis?horizon=${h}`));
    await new Promise((r) => setTimeout(r, 100));
    const health = await get(s, "/api/health");
    assert.equal(health.status, 200);
    assert.ok(health.ms < 1000, `health took ${health.ms.toFixed(0)} ms`);
    await Promise.all(load);
  });
});
