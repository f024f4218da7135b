/**
 * The background lane (metrics/background-lane.ts) that builds trust tables ahead: one job at a time,
 * only the newest waiting, statements held while a foreground task (a point build) runs, a failing job
 * does not stop the lane, and stop() interrupts the running statement.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Engine } from "../src/engine/engine.ts";
import { readNumbers } from "../src/engine/number-read.ts";
import { BackgroundLane } from "../src/metrics/background-lane.ts";

/** A promise and its resolver. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** An engine that records its statements and can hold them until released. */
function recordingEngine(log: string[], hold?: Promise<void>): Engine {
  let interrupted = false;
  return {
    name: "test",
    dialect: {} as Engine["dialect"],
    version: async () => "0",
    run: async (sql) => {
      log.push(sql);
      await hold;
      if (interrupted) throw new Error("Interrupted");
    },
    all: async () => [],
    createTemp: async () => undefined,
    dropTemp: async () => undefined,
    close: async () => undefined,
    interrupt: () => {
      interrupted = true;
      log.push("interrupt");
    },
  };
}

describe("background lane", () => {
  test("runs one job at a time and keeps only the newest waiting one", async () => {
    const lane = new BackgroundLane();
    const ran: string[] = [];
    const first = gate();
    lane.submit(async () => {
      ran.push("a");
      await first.opened;
    });
    lane.submit(async () => void ran.push("b"));
    lane.submit(async () => void ran.push("c"));
    assert.equal(lane.pending, 2, "one running, one waiting");
    await tick();
    assert.deepEqual(ran, ["a"], "nothing starts while a job runs");
    first.open();
    await lane.settled();
    assert.deepEqual(ran, ["a", "c"], "b was replaced by the newer c");
    assert.equal(lane.pending, 0);
  });

  test("a failing job does not stop the lane", async () => {
    const lane = new BackgroundLane();
    const ran: string[] = [];
    lane.submit(async () => {
      throw new Error("boom");
    });
    lane.submit(async () => void ran.push("next"));
    await lane.settled();
    assert.deepEqual(ran, ["next"]);
  });

  test("a background statement waits while a foreground task runs", async () => {
    const lane = new BackgroundLane();
    const log: string[] = [];
    const engine = lane.yielding(recordingEngine(log));
    const point = gate();
    const foreground = lane.foreground(async () => {
      await point.opened;
      log.push("point built");
      return 7;
    });
    lane.submit(async () => {
      await engine.run("CREATE bucket_revenue");
    });
    await tick();
    assert.deepEqual(log, [], "the statement waits for the point build");
    point.open();
    assert.equal(await foreground, 7);
    await lane.settled();
    assert.deepEqual(log, ["point built", "CREATE bucket_revenue"]);
  });

  test("stop() interrupts the running statement, drops the waiting job and refuses new ones", async () => {
    const lane = new BackgroundLane();
    const log: string[] = [];
    const held = gate();
    const engine = lane.yielding(recordingEngine(log, held.opened));
    let failure: unknown;
    lane.submit(async () => {
      try {
        await engine.run("CREATE bucket_revenue");
        await engine.run("CREATE bucket_buyers");
      } catch (error) {
        failure = error;
      }
    });
    lane.submit(async () => void log.push("waiting job ran"));
    await tick();
    const stopped = lane.stop();
    held.open();
    await stopped;
    lane.submit(async () => void log.push("job after stop ran"));
    await lane.settled();
    assert.deepEqual(log, ["CREATE bucket_revenue", "interrupt"]);
    assert.match(String(failure), /Interrupted/);
  });

  test("a numeric read goes to the engine's own numberChunks, after the foreground", async () => {
    // Without it, readNumbers fell back to `all` through the lane: row objects for a million rows in
    // one synchronous conversion, seconds of the server's event loop at 4M sessions.
    const lane = new BackgroundLane();
    const log: string[] = [];
    const inner: Engine = {
      ...recordingEngine(log),
      all: async () => {
        log.push("all");
        return [];
      },
      numberChunks: async (sql, _params, _columns, onChunk) => {
        log.push(`numbers: ${sql}`);
        onChunk([Float64Array.of(1, 2)], 2);
      },
    };
    const engine = lane.yielding(inner);
    const point = gate();
    const foreground = lane.foreground(async () => {
      await point.opened;
      log.push("point built");
    });
    const read: number[] = [];
    lane.submit(async () => {
      await readNumbers(engine, "SELECT x", undefined, ["x"], (cols, n) =>
        read.push(...cols[0]!.subarray(0, n)),
      );
    });
    await tick();
    assert.deepEqual(log, [], "the read waits for the point build");
    point.open();
    await foreground;
    await lane.settled();
    assert.deepEqual(log, ["point built", "numbers: SELECT x"]);
    assert.deepEqual(read, [1, 2]);
  });
});
