/**
 * Figures rendered on worker threads, one per core (at most four): compiling a Vega-Lite spec and
 * laying out its SVG is single-threaded JavaScript, most of the report's figure time, and the figures
 * are independent. The main thread only builds the specs and writes the files. Each thread loads Vega
 * once and renders figure after figure; a figure's bytes are the same on any thread (render-worker.ts).
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { PngOptions } from "./render.ts";
import type { RenderReply, RenderRequest } from "./render-worker.ts";
import type { VegaLiteSpec } from "./types.ts";

export interface RenderedMarkup {
  svg: string;
  /** The PNG, when asked for. */
  png: Buffer | null;
}

interface Pending {
  resolve: (out: RenderedMarkup) => void;
  reject: (error: Error) => void;
}

const MAX_THREADS = 4;
const WORKER = new URL(`./render-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/**
 * A worker on render-worker. From dist/ it is plain JavaScript. Running from the sources, the worker
 * needs tsx's loader, which `register()` in the main thread does not pass on to workers in Node 20.
 */
function startWorker(): Worker {
  if (!WORKER.pathname.endsWith(".ts")) return new Worker(WORKER);
  const api = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER.href)}); });`;
  return new Worker(code, { eval: true });
}

export class RenderPool {
  private readonly idle: Worker[] = [];
  private readonly queue: { request: RenderRequest; pending: Pending }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly workers: Worker[] = [];
  private nextId = 0;
  private failure: Error | null = null;

  /** `threads` defaults to the cores available, at most four. */
  constructor(threads = Math.min(availableParallelism(), MAX_THREADS)) {
    for (let i = 0; i < Math.max(1, threads); i++) {
      const worker = startWorker();
      worker.on("message", (reply: RenderReply) => this.settle(worker, reply));
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => {
        if (code !== 0) this.fail(new Error(`a figure renderer thread exited with code ${code}`));
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** SVG (and PNG when `png` is not false) of one spec. */
  render(spec: VegaLiteSpec, png: PngOptions | false): Promise<RenderedMarkup> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, spec, png }, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  /** Stops the threads; pending renders fail. */
  async close(): Promise<void> {
    this.fail(new Error("the figure renderer was closed"));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { request, pending } = this.queue.shift()!;
      this.pending.set(request.id, pending);
      worker.postMessage(request);
    }
  }

  private settle(worker: Worker, reply: RenderReply): void {
    const pending = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    this.idle.push(worker);
    if ("error" in reply) {
      const error = new Error(reply.error);
      if (reply.stack) error.stack = reply.stack;
      pending?.reject(error);
    } else {
      const png = reply.png
        ? Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.byteLength)
        : null;
      pending?.resolve({ svg: reply.svg, png });
    }
    this.dispatch();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(error);
    for (const { pending } of this.queue) pending.reject(error);
    this.pending.clear();
    this.queue.length = 0;
  }
}
