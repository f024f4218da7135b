/**
 * The analysis behind the API, with its memory: finished documents (serialised, per request) and
 * model results (per filter and window, shared by every attribution model and language) in LRU
 * caches; identical work in flight is shared; at most `concurrency` computations run at once, point
 * numbers and trust numbers each behind a gate of their own.
 */
import { gzipSync } from "node:zlib";
import {
  AnalysisTimeout,
  analysisDocument,
  type Cancellable,
  computeModels,
  type ModelResults,
  trustPartsOf,
} from "./analysis.ts";
import { Gate, Lru, Memo, sharedRecordBytes } from "./cache.ts";
import type { Dataset } from "./dataset.ts";
import { type AnalysisRequest, computationKey, documentKey } from "./params.ts";
import { ServerStopping } from "./stopping.ts";
import type { TrustThread } from "./trust-thread.ts";

export interface ServiceLimits {
  /** Per computation (and per request, queueing included), ms. Default 30 s. */
  timeLimitMs?: number;
  /**
   * Computations at once, of point numbers and (apart) of trust numbers added to cached point numbers.
   * Default 4: one DuckDB thread each, so SQL and JavaScript overlap.
   */
  concurrency?: number;
  /** Computations allowed to wait, per gate; more get 503 at once. Default 64. */
  queueLimit?: number;
  /** Filter/window combinations kept (three models each). Default 32. */
  resultEntries?: number;
  /** Response documents kept. Default 64. */
  documentEntries?: number;
  /** Memory each cache may hold, approximate bytes. Default 256 MB each (cache.ts). */
  cacheBytes?: number;
}

export interface ServiceHooks {
  /** Called as a computation starts (tests count them; a throw fails that computation). */
  onCompute?: (key: string, request: AnalysisRequest) => void | Promise<void>;
}

/**
 * zlib's fastest level: on the analysis documents (145-500 KB of JSON) it takes a third to two thirds
 * of the CPU of the default level 6 (1.4-1.8 against 2.4-5.1 ms, measured) for bodies 12-15 % larger
 * (31 against 27 KB, 70 against 61 KB), and every new dashboard filter gzips two of them on the
 * server's busiest thread.
 */
export const GZIP_LEVEL = 1;

/** A serialised response, gzipped on first demand. */
export class ResponseBody {
  private gz: Buffer | undefined;
  constructor(readonly json: Buffer) {}
  gzip(): Buffer {
    this.gz ??= gzipSync(this.json, { level: GZIP_LEVEL });
    return this.gz;
  }
}

export class AnalysisService {
  readonly timeLimitMs: number;
  private readonly results: Memo<ModelResults>;
  private readonly documents: Memo<ResponseBody>;
  /** Point computations (the dashboard's first request for a filter, and anything without `point`). */
  private readonly gate: Gate;
  /**
   * Trust numbers added to cached point numbers (the dashboard's `intervals=1` request, computed on
   * the trust thread): a gate of their own, so a new filter's point numbers never queue behind other
   * filters' trust slices waiting for that thread. Measured at 4M, 20 dashboards: point p50 64-98 ms
   * against 314-334 ms with one gate, the intervals' p99 unchanged (docs/serve.md).
   */
  private readonly trustGate: Gate;
  private readonly running = new Set<Cancellable>();
  private readonly pending = new Set<Promise<unknown>>();
  private stopped = false;
  computations = 0;

  constructor(
    readonly dataset: Dataset,
    limits: ServiceLimits = {},
    private readonly hooks: ServiceHooks = {},
    /** Where trust numbers are computed (serve's trust thread); without, on this thread. */
    private readonly trust?: TrustThread,
  ) {
    this.timeLimitMs = limits.timeLimitMs ?? 30_000;
    // Sized by their parts, each walked once: a trust entry shares its point entry's tables.
    const sizes = new WeakMap<object, number>();
    this.results = new Memo(
      new Lru(limits.resultEntries ?? 32, limits.cacheBytes, (v: ModelResults) =>
        sharedRecordBytes(v as unknown as Record<string, Record<string, unknown>>, sizes),
      ),
    );
    this.documents = new Memo(new Lru(limits.documentEntries ?? 64, limits.cacheBytes));
    this.gate = new Gate(limits.concurrency ?? 4, limits.queueLimit ?? 64);
    this.trustGate = new Gate(limits.concurrency ?? 4, limits.queueLimit ?? 64);
  }

  /** The document for `req`, from the cache or computed. */
  document(req: AnalysisRequest): Promise<ResponseBody> {
    return this.documents.get(documentKey(req), async () => {
      const byModel = await this.models(req);
      const doc = analysisDocument(this.dataset, req, byModel);
      return new ResponseBody(Buffer.from(JSON.stringify(req.parts === "trust" ? trustPartsOf(doc) : doc)));
    });
  }

  /**
   * The three models' results for `req`, from the cache or computed (the budget plan reads them). With
   * intervals they are the point results (cached under the key without intervals: the dashboard's first
   * request for a filter asked for exactly those) with the trust numbers added, so its second request
   * does not compute the point numbers again.
   */
  models(req: AnalysisRequest): Promise<ModelResults> {
    if (!req.intervals)
      return this.results.get(computationKey(req), () => this.compute(req, performance.now()));
    return this.results.get(computationKey(req), async () => {
      const queuedAt = performance.now();
      const pointReq = { ...req, intervals: false };
      const point = await this.results.get(computationKey(pointReq), () => this.compute(pointReq, queuedAt));
      // One time limit for the request: the trust numbers get what the point numbers left.
      return this.compute(req, queuedAt, point);
    });
  }

  private compute(req: AnalysisRequest, queuedAt: number, point?: ModelResults): Promise<ModelResults> {
    const job = (point ? this.trustGate : this.gate).run(async () => {
      // Everyone who asked has been answered 503 by now: do not start work nobody waits for.
      if (this.stopped) throw new ServerStopping("analysis");
      const waited = performance.now() - queuedAt;
      if (waited >= this.timeLimitMs) throw new AnalysisTimeout(this.timeLimitMs);
      this.computations++;
      await this.hooks.onCompute?.(computationKey(req), req);
      return computeModels(this.dataset, req, this.timeLimitMs - waited, this.running, point, this.trust);
    });
    this.pending.add(job);
    const forget = () => this.pending.delete(job);
    job.then(forget, forget);
    return job;
  }

  stats() {
    return {
      computations: this.computations,
      running: this.running.size,
      queued: this.gate.queued + this.trustGate.queued,
      cachedResults: this.results.cache.size,
      cachedResultBytes: this.results.cache.bytes,
      cachedDocuments: this.documents.cache.size,
      cachedDocumentBytes: this.documents.cache.bytes,
      cubeWindows: this.dataset.cube.windows.size,
      // Trust-table builds started so far, and those running or waiting in the background (cube.ts).
      trustBuilds: this.dataset.cube.trustBuilds,
      trustBuildsAhead: this.dataset.cube.ahead?.pending ?? 0,
      documentHits: this.documents.cache.hits,
    };
  }

  /** Stops every computation and waits until their connections are closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.running) c.cancel();
    await Promise.allSettled([...this.pending]);
  }
}
