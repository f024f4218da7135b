/**
 * The trust thread's worker (src/server/trust-worker.ts) with failures on demand, for
 * test/trust-thread.test.ts. `workerData.plan` is shared by every worker the thread starts (a
 * replacement too): [0] slices to crash on (the thread exits with code 7), [1] slices to fail (the
 * window asked for is one the thread does not hold), [2] ms to stall the next slice for.
 */
import { parentPort, workerData } from "node:worker_threads";

const { plan } = workerData as { plan: Int32Array };

/** Takes one from plan[i] when it is above 0. */
function take(i: number): boolean {
  for (;;) {
    const left = Atomics.load(plan, i);
    if (left <= 0) return false;
    if (Atomics.compareExchange(plan, i, left, left - 1) === left) return true;
  }
}

// The worker's own listener is wrapped (it registers the only one): a listener of this module's own
// would start the port before the worker's module is loaded, and the worker would miss messages.
const port = parentPort!;
const on = port.on.bind(port);
port.on = ((event: string, listener: (m: { kind: string; windowId: number }) => void) =>
  on(event, (m: { kind: string; windowId: number }) => {
    if (event === "message" && m.kind === "slice") {
      if (take(0)) process.exit(7);
      if (take(1)) m.windowId = -1;
      const stall = Atomics.exchange(plan, 2, 0);
      if (stall > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stall);
    }
    listener(m);
  })) as typeof port.on;

await import("../../src/server/trust-worker.ts");
