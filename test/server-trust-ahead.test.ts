/**
 * Trust tables built ahead (metrics/cube.ts, buildTrustAhead; issue 10): the default window's are built
 * in the background once the dataset is described, a new window's right after its point tables, so the
 * dashboard's intervals=1 request finds them built, or waits for the build already running instead of
 * starting another; point requests do not wait for them; and a background build that fails reports
 * its error to the request that needs the tables (then the next one builds again), never as an
 * unhandled rejection.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { trustAheadSettled } from "../src/metrics/cube.ts";
import type { AnalysisDocument } from "../src/server/analysis.ts";
import { describeDataset, type RunningServer, startServer } from "../src/server/index.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

/** Holds or fails, on every connection forked from `engine`, the statement building `table`. */
function interceptTable(engine: DuckDbEngine, table: string) {
  const fork = engine.fork.bind(engine);
  const control = {
    /** While set, the statement waits for it. */
    hold: null as Promise<void> | null,
    /** Statements to fail before they run, with this message. */
    failures: [] as string[],
    /** Statements that reached the interception. */
    reached: 0,
  };
  engine.fork = async () => {
    const forked = await fork();
    const createTemp = forked.createTemp.bind(forked);
    forked.createTemp = async (name, select, params) => {
      if (name.endsWith(table)) {
        control.reached += 1;
        const failure = control.failures.shift();
        if (failure) throw new Error(failure);
        await control.hold;
      }
      return createTemp(name, select, params);
    };
    return forked;
  };
  return control;
}

function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe("serve: trust tables built ahead", async () => {
  const dir = tempDir();
  await generateSample({ out: dir, users: 2500, seed: 23 });
  const engine = await freshEngine();
  const quality = await ingest(engine, {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  });
  const control = interceptTable(engine, "_bucket_revenue");
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  const dataset = await describeDataset(engine, quality, "USD");
  const { cube } = dataset;
  const logged: string[] = [];
  const server: RunningServer = await startServer({
    dataset,
    port: 0,
    dashboard: false,
    log: (line) => void logged.push(line),
  });
  after(async () => {
    await server.close();
    process.off("unhandledRejection", onUnhandled);
  });

  const get = async (query: string) => {
    const response = await fetch(new URL(`/api/analysis${query}`, server.url));
    return {
      status: response.status,
      body: (await response.json()) as AnalysisDocument & { error?: string },
    };
  };
  const health = async () =>
    (await (await fetch(new URL("/api/health", server.url))).json()) as {
      trustBuilds: number;
      trustBuildsAhead: number;
    };

  test("the default window's are built in the background: its first intervals request builds none", async () => {
    assert.ok(cube.ahead, "describeDataset builds trust tables ahead");
    await trustAheadSettled(cube);
    assert.equal(cube.trustBuilds, 1, "the default window's build, in the background");
    const r = await get("?sources=1,2&intervals=1");
    assert.equal(r.status, 200);
    assert.ok(r.body.trust && r.body.trust.intervals.bySource.length > 0, "the intervals are there");
    assert.equal(cube.trustBuilds, 1, "the request built no trust tables");
    const h = await health();
    assert.equal(h.trustBuilds, 1);
    assert.equal(h.trustBuildsAhead, 0);
  });

  test("a new window's follow its point tables; point requests do not wait; intervals share the build", async () => {
    const held = gate();
    control.hold = held.opened;
    const reached = control.reached;
    const point = await get("?from=2017-07-01");
    assert.equal(point.status, 200);
    assert.equal(point.body.trust, undefined);
    // The build starts right after the point tables, on its own, and is held at bucket_revenue.
    while (control.reached === reached) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(cube.trustBuilds, 2);
    assert.equal((await health()).trustBuildsAhead, 1);
    // Point requests of that window and of another new one are answered while the build is held.
    assert.equal((await get("?from=2017-07-01&sources=3")).status, 200);
    assert.equal((await get("?from=2017-08-01&devices=touch")).status, 200);
    // The intervals request waits for the same build instead of starting one.
    const intervals = get("?from=2017-07-01&intervals=1");
    await new Promise((resolve) => setTimeout(resolve, 50));
    control.hold = null;
    held.open();
    const answered = await intervals;
    assert.equal(answered.status, 200);
    assert.ok(answered.body.trust);
    await trustAheadSettled(cube);
    // 2017-07-01's (shared), then 2017-08-01's, queued behind it: one build each.
    assert.equal(cube.trustBuilds, 3);
    assert.equal((await get("?from=2017-08-01&intervals=1")).status, 200);
    assert.equal(cube.trustBuilds, 3, "2017-08-01's were built ahead too");
  });

  test("a failed background build is reported to the request that needs it, then built again", async () => {
    control.failures.push("disk full (test)");
    assert.equal((await get("?from=2017-09-01")).status, 200);
    await trustAheadSettled(cube);
    assert.equal(control.failures.length, 0, "the background build ran into the failure");
    const failed = await get("?from=2017-09-01&intervals=1");
    assert.equal(failed.status, 500);
    assert.match(
      String(failed.body.error),
      /trust tables of 2017-09-01 to .* in the background failed: disk full/,
    );
    assert.ok(
      logged.some((line) => /disk full \(test\)/.test(line)),
      "the server logged it",
    );
    const again = await get("?from=2017-09-01&intervals=1");
    assert.equal(again.status, 200, "the next request builds them again");
    assert.ok(again.body.trust);
    // An unhandled rejection would surface on the next turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(unhandled, []);
  });
});
