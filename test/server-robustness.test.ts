/**
 * `channelscope serve` under abuse: token checks, methods and bodies refused, slow and failing
 * computations failing only their own request, a full queue answered at once, and a few thousand junk
 * requests (random paths, parameters, headers, methods, long and badly encoded URLs, raw garbage),
 * after which the server still answers correctly.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { request } from "node:http";
import { connect } from "node:net";
import { after, describe, test } from "node:test";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { type Dataset, describeDataset, type RunningServer, startServer } from "../src/server/index.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

const TOKEN = "s3cret-token-for-tests-0123456789";

interface Answer {
  status: number;
  body: string;
}

/** One request with full control over method, raw path and headers (fetch normalises too much). */
function send(
  server: RunningServer,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
) {
  return new Promise<Answer>((resolve) => {
    const req = request({ host: "127.0.0.1", port: server.port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", () => resolve({ status: -1, body: "" }));
    });
    req.on("error", () => resolve({ status: -1, body: "" }));
    req.setTimeout(20_000, () => req.destroy());
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Raw bytes on a socket; resolves with the status line's code, or -1 when the server hung up. */
function raw(server: RunningServer, bytes: Buffer): Promise<number> {
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

let seed = 42;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;

function junkPath(): string {
  // Split from strings so the formatter keeps them short: path pieces, parameter names, values.
  const pieces =
    "api analysis health .. %2e%2e %ff%fe % %zz %c3%28 index.html app.js \u00e9 fonts %00 etc/passwd".split(
      " ",
    );
  const params = "from to sources devices attribution horizon grain lang x __proto__ constructor".split(" ");
  const values =
    "_ 1 -1 abc %ff % 2018-01-01 1,2,3 ,,, ru '%3B%20DROP%20TABLE%20visits%3B%20-- %E2%80%AE NaN 1e9".split(
      " ",
    );
  values.push("", "9".repeat(rand(3000)));
  let path = `/${Array.from({ length: 1 + rand(4) }, () => pick(pieces)).join("/")}`;
  if (rand(2)) path = `/api/${pick(["analysis", "health", "filters", "nope"])}`;
  const n = rand(5);
  if (n)
    path += `?${Array.from({ length: n }, () => `${pick(params)}=${pick(values)}`).join(pick(["&", "&&", ";"]))}`;
  if (rand(20) === 0) path += "x".repeat(9000);
  return path.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
}

describe("serve: robustness", async () => {
  const dir = tempDir();
  await generateSample({ out: dir, users: 1500, seed: 9 });
  const engine = await freshEngine();
  const paths = {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  };
  const dataset: Dataset = await describeDataset(engine, await ingest(engine, paths), "USD");
  const open: RunningServer[] = [];
  const serve = async (extra: Partial<Parameters<typeof startServer>[0]> = {}) => {
    const s = await startServer({ dataset, port: 0, dashboard: false, ...extra });
    open.push(s);
    return s;
  };
  after(async () => {
    for (const s of open) await s.close();
  });

  test("a token, when set, is required on /api/* as a Bearer header", async () => {
    const s = await serve({ token: TOKEN });
    assert.equal((await send(s, "GET", "/api/health")).status, 401);
    assert.equal((await send(s, "GET", "/api/health", { Authorization: "Bearer wrong" })).status, 401);
    assert.equal((await send(s, "GET", "/api/health", { Authorization: `Basic ${TOKEN}` })).status, 401);
    assert.equal((await send(s, "GET", "/api/health", { Authorization: `Bearer ${TOKEN}x` })).status, 401);
    assert.equal((await send(s, "GET", "/api/health", { Authorization: `Bearer ${TOKEN}` })).status, 200);
  });

  test("a non-loopback host needs a token: the library and the CLI refuse to start", async () => {
    await assert.rejects(
      startServer({ dataset, host: "0.0.0.0", port: 0, dashboard: false }),
      /requires a token/,
    );
    const cli = spawnSync(
      process.execPath,
      [
        "bin/channelscope.js",
        "serve",
        "--host",
        "0.0.0.0",
        ...Object.entries(paths).flatMap(([k, v]) => [`--${k}`, v.path]),
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(cli.status, 2, cli.stderr);
    assert.match(cli.stderr, /requires --token/);
  });

  test("only GET and HEAD; no bodies; no foreign Host on loopback", async () => {
    const s = await serve();
    assert.equal((await send(s, "POST", "/api/health", {}, "x")).status, 405);
    assert.equal((await send(s, "DELETE", "/api/health")).status, 405);
    assert.equal((await send(s, "GET", "/api/health", { "Content-Length": "5" }, "hello")).status, 413);
    assert.equal((await send(s, "HEAD", "/api/health")).status, 200);
    assert.equal((await send(s, "GET", "/api/health", { Host: "evil.example:80" })).status, 421);
    assert.equal((await send(s, "GET", "/api/nothing")).status, 404);
    assert.equal((await send(s, "GET", `/api/analysis?x=${"a".repeat(9000)}`)).status, 414);
  });

  test("a slow computation fails its own request (503), the server goes on", async () => {
    const s = await serve({
      timeLimitMs: 200,
      hooks: { onCompute: () => new Promise((r) => setTimeout(r, 400)) },
    });
    const slow = await send(s, "GET", "/api/analysis?horizon=2");
    assert.equal(slow.status, 503);
    assert.match(JSON.parse(slow.body).error, /longer than|took/);
    assert.equal((await send(s, "GET", "/api/health")).status, 200);
  });

  test("a query that takes too long is interrupted in DuckDB", async () => {
    const s = await serve({ timeLimitMs: 30 });
    // A filter's point numbers are sums in memory now, done in a few ms; its trust numbers still run
    // SQL (the window's trust tables on the first such request, then the forecast inputs): ask for them.
    const r = await send(s, "GET", "/api/analysis?horizon=5&intervals=1");
    assert.equal(r.status, 503);
    const waited = performance.now();
    while (s.service.stats().running > 0 && performance.now() - waited < 5000)
      await new Promise((ok) => setTimeout(ok, 5));
    assert.equal(
      s.service.stats().running,
      0,
      "the running statement was interrupted and its connection closed",
    );
    assert.ok(performance.now() - waited < 1000, "interrupted, not run to the end");
  });

  test("a failing computation fails only its request (500); others succeed", async () => {
    const s = await serve({
      hooks: {
        onCompute: (_key, req) => {
          if (req.sources.includes("2")) throw new Error("boom");
        },
      },
      log: () => undefined,
    });
    const [bad, good] = await Promise.all([
      send(s, "GET", "/api/analysis?sources=2"),
      send(s, "GET", "/api/analysis?sources=1"),
    ]);
    assert.equal(bad.status, 500);
    assert.match(JSON.parse(bad.body).error, /boom/);
    assert.equal(good.status, 200);
  });

  test("plans being fitted when the server stops are answered 503, not logged as failures", async () => {
    const logged: string[] = [];
    const s = await serve({ log: (line) => void logged.push(line) });
    // One thread fits the plans one after another: with three sent, at least two wait when it stops.
    const answers = ["1", "2", "3", "4"].map((source) => send(s, "GET", `/api/budget?sources=${source}`));
    const waited = performance.now();
    while (s.plans.pending < 3 && performance.now() - waited < 60_000)
      await new Promise((ok) => setTimeout(ok, 1));
    assert.ok(s.plans.pending >= 3, "three plans were being fitted");
    await s.close();
    const statuses = (await Promise.all(answers)).map((a) => a.status);
    assert.ok(statuses.includes(503), `some plan was cancelled (${statuses})`);
    assert.ok(
      statuses.every((status) => status === 200 || status === 503),
      `answered or cancelled (${statuses})`,
    );
    assert.deepEqual(logged, []);
  });

  test("a full queue is answered 503 at once with Retry-After", async () => {
    const s = await serve({
      concurrency: 1,
      queueLimit: 0,
      hooks: { onCompute: () => new Promise((r) => setTimeout(r, 300)) },
    });
    const [a, b] = await Promise.all([
      send(s, "GET", "/api/analysis?horizon=7"),
      send(s, "GET", "/api/analysis?horizon=8"),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 503]);
  });

  test("thousands of junk requests: bounded, never a 5xx, never a crash", { timeout: 120_000 }, async () => {
    const s = await serve();
    const statuses = new Map<number, number>();
    const count = (n: number) => statuses.set(n, (statuses.get(n) ?? 0) + 1);
    const methods = [
      "GET",
      "GET",
      "GET",
      "GET",
      "GET",
      "GET",
      "GET",
      "HEAD",
      "POST",
      "PUT",
      "OPTIONS",
      "BREW",
    ];
    const started = performance.now();
    const jobs: (() => Promise<void>)[] = [];
    for (let i = 0; i < 2500; i++) {
      jobs.push(async () => {
        const headers: Record<string, string> = {};
        if (rand(3) === 0)
          headers.Authorization = pick(["Bearer", "Bearer ", "Basic x", "Bearer a b", "x".repeat(500)]);
        if (rand(4) === 0) headers["X-Junk"] = "y".repeat(rand(4000));
        if (rand(5) === 0) headers["Accept-Encoding"] = pick(["gzip", "br", "*", "gzip;q=0"]);
        count((await send(s, pick(methods), junkPath(), headers)).status);
      });
    }
    const garbage = [
      "GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n",
      "\x00\x01\x02\r\n\r\n",
      "GET /api/health HTTP/9.9\r\n\r\n",
      `GET /${"a".repeat(70_000)} HTTP/1.1\r\n\r\n`,
      "GET /api/health HTTP/1.1\r\nHost: localhost\r\nX: \x7f\xff\r\n\r\n",
      "G",
    ];
    for (let i = 0; i < 300; i++)
      jobs.push(async () => void count(await raw(s, Buffer.from(pick(garbage), "latin1"))));
    let next = 0;
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const fives = [...statuses].filter(([code]) => code >= 500 && code !== 503);
    assert.deepEqual(fives, [], `statuses: ${JSON.stringify([...statuses])}`);
    if (process.env.CHANNELSCOPE_DEBUG === "1") console.log("junk statuses", [...statuses].sort(), seconds);
    assert.ok(seconds < 100, `took ${seconds.toFixed(1)} s`);
    const health = await send(s, "GET", "/api/health");
    assert.equal(health.status, 200);
    assert.equal(JSON.parse(health.body).status, "ok");
    const analysis = await send(s, "GET", "/api/analysis?sources=1,3");
    assert.equal(analysis.status, 200);
    assert.deepEqual(JSON.parse(analysis.body).metadata.filters.sources, ["1", "3"]);
  });
});
