/**
 * serve's trust thread: one worker (trust-worker.ts) per server, started with it and terminated when
 * it stops, that computes the trust numbers of `intervals=1` requests (the `power` forecast: no SQL).
 * A trust slice is ~50-150 ms of JavaScript at 4M sessions against ~20 ms for a point slice; on the
 * server's one thread 20 dashboards' trust slices queued every point request behind them while the
 * second core idled (DuckDB has nothing to do during slices). The `buyer` forecast and the budget
 * plan's daily input read SQL and stay on the server's thread (slice-trust.ts, withTrust).
 *
 * The thread mirrors the cube's windows (cube.ts, watchTrust): each window's trust memory is sent to
 * it once, when loaded, and forgotten when the cube drops the window. The server keeps its own (the
 * in-process path reads it), so its large typed arrays — the buyers' revenue, ~33 of ~39 MB per window
 * at 4M sessions — are moved onto shared buffers first and shared, not copied (shared-arrays.ts); the
 * rest (the bucket sums in thousands of small arrays, the window memory's rows) is copied. A slice's
 * message carries only what that slice needs. A thread that crashes fails the slices it had and is
 * replaced at once, with every window's memory sent again.
 */
import { Worker } from "node:worker_threads";
import type { TrustMirror } from "../metrics/cube.ts";
import type { TrustStats } from "../metrics/result.ts";
import type { TrustOffload, TrustWindow } from "../metrics/slice-trust.ts";
import type { Attribution } from "../metrics/tables.ts";
import type { TrustMemory } from "../metrics/trust-memory.ts";
import { shareLargeArrays } from "./shared-arrays.ts";
import { ServerStopping } from "./stopping.ts";
import type { TrustMessage, TrustReply } from "./trust-worker.ts";

const WORKER = new URL(`./trust-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

export interface TrustThreadOptions {
  /** The worker module (default trust-worker; tests pass one that fails on purpose). */
  workerUrl?: URL;
  /** Passed to the worker as its workerData. */
  workerData?: unknown;
}

/** When the slice stops mattering: aborted (the request's deadline, the server stopping), and as a Date.now(). */
export interface SliceLimit {
  signal: AbortSignal;
  deadline: number;
}

/** The slice's deadline passed before the thread reached it (the request is answered 503). */
export class TrustSliceExpired extends Error {
  constructor() {
    super("the trust slice's time limit passed before the trust thread reached it");
    this.name = "TrustSliceExpired";
  }
}

interface Waiting {
  resolve: (trust: Record<Attribution, TrustStats>) => void;
  reject: (error: Error) => void;
}

export class TrustThread implements TrustMirror {
  private worker: Worker;
  /** The windows' memory as the current worker holds it (the server's own objects: no second copy here). */
  private readonly windows = new Map<number, { memory: TrustMemory; window: TrustWindow }>();
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private stopped = false;
  /** Trust slices the thread answered (/api/health: `trustSlicesOnThread`). */
  slices = 0;
  /** Threads started, replacements of crashed ones included (/api/health: `trustThreadStarts`). */
  starts = 0;

  constructor(private readonly o: TrustThreadOptions = {}) {
    this.worker = this.start();
  }

  /** Windows whose memory the thread holds. */
  get windowsHeld(): number {
    return this.windows.size;
  }

  loaded(windowId: number, memory: TrustMemory, window: TrustWindow): void {
    // Told twice when watching began during the window's build: sent once.
    if (this.stopped || this.windows.get(windowId)?.memory === memory) return;
    // A memory that cannot be sent is sent again by the window's first slice, which reports why.
    this.sendWindow(windowId, memory, window, () => undefined);
  }

  dropped(windowId: number): void {
    if (this.windows.delete(windowId) && !this.stopped) this.send(this.worker, { kind: "forget", windowId });
  }

  /** Every model's trust numbers of one slice of window `windowId`, computed on the thread. */
  trust(windowId: number, job: Parameters<TrustOffload>[0], limit: SliceLimit): ReturnType<TrustOffload> {
    if (this.stopped) return Promise.reject(new Error("the trust thread is stopped"));
    const { signal, deadline } = limit;
    if (signal.aborted) return Promise.reject(signal.reason);
    // Sent when loaded (watchTrust); again if that memory is not the one the slice reads (a window
    // whose trust tables were built again).
    let failed: unknown;
    if (this.windows.get(windowId)?.memory !== job.memory)
      this.sendWindow(windowId, job.memory, job.window, (error) => {
        failed = error;
      });
    if (failed !== undefined) return Promise.reject(failed);
    const id = this.nextId++;
    const { options, tables, scope, shared, others } = job;
    return new Promise((resolve, reject) => {
      const abort = () => {
        this.forget(id);
        reject(signal.reason);
      };
      signal.addEventListener("abort", abort, { once: true });
      const done = () => signal.removeEventListener("abort", abort);
      this.waiting.set(id, {
        resolve: (trust) => {
          done();
          resolve(trust);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      // A slice waited for keeps the process alive (an idle thread does not).
      if (this.waiting.size === 1) this.worker.ref();
      this.send(this.worker, {
        kind: "slice",
        id,
        windowId,
        options,
        tables,
        scope,
        shared,
        others,
        deadline,
      });
    });
  }

  /** Terminates the thread; slices it has fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.failAll(new ServerStopping("trust numbers"));
    this.windows.clear();
    await this.worker.terminate();
  }

  private start(): Worker {
    this.starts++;
    const worker = startWorker(this.o);
    worker.on("message", (reply: TrustReply) => this.settle(reply));
    worker.on("error", (error) => this.crashed(worker, `the trust thread failed: ${error.message}`));
    worker.on("exit", (code) => this.crashed(worker, `the trust thread exited with code ${code}`));
    // An idle thread must not keep the process alive (trust() refs it while slices wait).
    worker.unref();
    return worker;
  }

  /** Copies a window's memory to the thread; `failed` gets what structured clone refused. */
  private sendWindow(
    windowId: number,
    memory: TrustMemory,
    window: TrustWindow,
    failed: (error: unknown) => void,
  ): void {
    try {
      // The buyers' revenue (most of the bytes) is shared with the thread, the rest copied.
      shareLargeArrays(memory);
      this.send(this.worker, { kind: "load", windowId, memory, window });
      this.windows.set(windowId, { memory, window });
    } catch (error) {
      this.windows.delete(windowId);
      failed(error);
    }
  }

  private send(worker: Worker, message: TrustMessage): void {
    worker.postMessage(message);
  }

  private settle(reply: TrustReply): void {
    const waiting = this.waiting.get(reply.id);
    this.forget(reply.id);
    if (!waiting) return;
    if ("trust" in reply) {
      this.slices++;
      waiting.resolve(reply.trust);
    } else if ("expired" in reply) {
      // Its deadline passed while it queued: the request's own timer answers it (or already has).
      waiting.reject(new TrustSliceExpired());
    } else {
      const error = new Error(reply.error);
      if (reply.stack) error.stack = reply.stack;
      waiting.reject(error);
    }
  }

  /** The current worker failed or exited: its slices fail, and a new one gets every window's memory. */
  private crashed(worker: Worker, why: string): void {
    if (worker !== this.worker || this.stopped) return;
    this.failAll(new Error(why));
    this.worker = this.start();
    for (const [windowId, { memory, window }] of this.windows)
      this.sendWindow(windowId, memory, window, () => undefined);
  }

  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    this.worker.unref();
    for (const w of waiting) w.reject(error);
  }

  private forget(id: number): void {
    if (this.waiting.delete(id) && this.waiting.size === 0) this.worker.unref();
  }
}

/**
 * A worker on trust-worker. From dist/ it is plain JavaScript; from the sources it needs tsx's loader,
 * which Node 20 does not pass on to workers (as charts/render-pool.ts and budget-plans.ts do).
 */
function startWorker({ workerUrl = WORKER, workerData }: TrustThreadOptions): Worker {
  if (!workerUrl.pathname.endsWith(".ts")) return new Worker(workerUrl, { workerData });
  const api = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}
