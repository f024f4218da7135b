/**
 * One analysis for the API: a slice of the dataset's acquisition cube for the request's filters, under
 * all three attribution models, read on a private connection; then the same document `report` writes
 * as metrics.json. The cube was built once at start-up (its window tables once per window), so a new
 * filter only reads small tables; the models are cached together, so switching the attribution model or
 * the language costs no query.
 */
import { assembleAnalysis, type MetricsDocument, metricsDocument } from "../analyze.ts";
import type { Engine, NumberChunk, Row, SqlParams } from "../engine/engine.ts";
import { readNumbers } from "../engine/number-read.ts";
import { sliceCube, sliceTrust } from "../metrics/cube.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { Attribution } from "../metrics/tables.ts";
import { knownPlan } from "./budget-plans.ts";
import type { Dataset } from "./dataset.ts";
import type { AnalysisRequest } from "./params.ts";
import { ServerStopping } from "./stopping.ts";
import { TrustSliceExpired, type TrustThread } from "./trust-thread.ts";

export type ModelResults = Record<Attribution, MetricsResult>;

/** The metrics.json document (`metadata.filters` names what the server filtered by). */
export type AnalysisDocument = MetricsDocument;

/** The computation ran past its time limit and was interrupted. */
export class AnalysisTimeout extends Error {
  constructor(ms: number) {
    super(`analysis took longer than ${Math.round(ms / 1000)} s and was stopped`);
    this.name = "AnalysisTimeout";
  }
}

/** Something running that can be told to stop (the server stops all of them when it closes). */
export interface Cancellable {
  cancel(): void;
}

/**
 * Slices the cube for `req` under every model on a fresh fork of the dataset's engine, stopping the
 * running statement (and refusing further ones) once `timeLimitMs` has passed or `cancel` is called;
 * while it runs it sits in `running`. With `point` (the same request's results without intervals, from
 * the cache) only the trust numbers are computed and added to them, on `trust` (serve's trust thread)
 * when given and they need no SQL.
 */
export async function computeModels(
  dataset: Dataset,
  req: AnalysisRequest,
  timeLimitMs: number,
  running: Set<Cancellable> = new Set(),
  point?: ModelResults,
  trust?: TrustThread,
): Promise<ModelResults> {
  if (!dataset.engine.fork)
    throw new Error(`the ${dataset.engine.name} engine cannot open a second connection`);
  const fork = await dataset.engine.fork();
  const guarded = new DeadlineEngine(fork, timeLimitMs);
  running.add(guarded);
  const filter = { sources: req.sources, devices: req.devices };
  // The plan's daily input (budget-plans.ts) is read only for the slice a plan is fitted on: the
  // unfiltered one with its trust numbers (the LTV forecast values the buyers).
  const budgetInput = req.intervals && req.sources.length === 0 && req.devices.length === 0;
  try {
    if (point && req.intervals) {
      // The thread's slice is stopped by the same deadline (or the server stopping) as the statements.
      const limit = { signal: guarded.signal, deadline: guarded.deadline };
      const offload = trust
        ? (windowId: number, job: Parameters<TrustThread["trust"]>[1]) => trust.trust(windowId, job, limit)
        : undefined;
      // The models not on screen only feed the sensitivity line: their verdicts' numbers suffice, and
      // the request's model (in the results' cache key) gets everything.
      return await sliceTrust(dataset.cube, point, req.options, filter, guarded, {
        budgetInput,
        others: "verdicts",
        ...(offload ? { offload } : {}),
      });
    }
    return await sliceCube(dataset.cube, req.options, filter, guarded, { trust: req.intervals, budgetInput });
  } catch (error) {
    // The thread may see the deadline pass a moment before this thread's timer fires.
    if (guarded.expired || error instanceof TrustSliceExpired)
      throw guarded.expired === "stop" ? new ServerStopping("analysis") : new AnalysisTimeout(timeLimitMs);
    throw error;
  } finally {
    running.delete(guarded);
    guarded.stop();
    await fork.close();
  }
}

/** The response document for `req` from the three models' results. Pure and fast (no query). */
export function analysisDocument(
  dataset: Dataset,
  req: AnalysisRequest,
  byModel: ModelResults,
): AnalysisDocument {
  const known = knownPlan(dataset, req);
  const analysis = assembleAnalysis(byModel, {
    attribution: req.options.attribution,
    sources: [...dataset.catalog.sources],
    devices: [...dataset.catalog.devices],
    lang: req.lang,
    dataQuality: dataset.dataQuality,
    engine: { name: dataset.engine.name, version: dataset.engineVersion },
    // Only the view whose plan serve fitted at start-up carries it (and its sentence in the summary);
    // any other view's plan costs seconds and comes from /api/budget (budget-plans.ts).
    ...(known !== undefined ? { budget: known } : {}),
  });
  return { ...metricsDocument(analysis), budget: known ?? null };
}

/**
 * What an `intervals=1` document has that the same request's point document lacks or has otherwise:
 * the trust numbers, and the insights and verdicts read from them (sliceTrust adds `trust` to the point
 * results and changes nothing else, so every other part is the point document's own). Then what names
 * the slice, so that a client can check the parts are for the document it holds.
 */
export const TRUST_PARTS = ["options", "window", "filter", "insights", "verdicts", "trust"] as const;

/** The answer to `parts=trust`: merged over the point document, the whole intervals document. */
export type TrustPartsDocument = Pick<AnalysisDocument, (typeof TRUST_PARTS)[number]>;

export function trustPartsOf(doc: AnalysisDocument): TrustPartsDocument {
  return Object.fromEntries(TRUST_PARTS.map((part) => [part, doc[part]])) as TrustPartsDocument;
}

/**
 * An engine that stops at a deadline: the statement running then is interrupted, and any later one
 * fails at once, so the metric code unwinds within a statement's time.
 */
class DeadlineEngine implements Engine, Cancellable {
  /** Why it stopped: its time ran out, or the server is closing. */
  expired: false | "time" | "stop" = false;
  /** Aborted when it stops: work off this thread (the trust thread's slice) is abandoned then. */
  readonly signal: AbortSignal;
  /** When the time runs out, as a Date.now(). */
  readonly deadline: number;
  private readonly aborter = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly inner: Engine,
    ms: number,
  ) {
    this.signal = this.aborter.signal;
    this.deadline = Date.now() + ms;
    this.timer = setTimeout(() => this.stopNow("time"), ms);
  }

  cancel(): void {
    this.stopNow("stop");
  }

  private stopNow(why: "time" | "stop"): void {
    this.expired = why;
    this.aborter.abort(new Error(why === "time" ? "deadline passed" : "stopping"));
    this.inner.interrupt?.();
  }

  get name() {
    return this.inner.name;
  }
  get dialect() {
    return this.inner.dialect;
  }
  version() {
    return this.inner.version();
  }
  run(sql: string, params?: SqlParams): Promise<void> {
    if (this.expired) return Promise.reject(new Error("deadline passed"));
    return this.inner.run(sql, params);
  }
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    if (this.expired) return Promise.reject(new Error("deadline passed"));
    return this.inner.all<T>(sql, params);
  }
  /** The inner engine's numeric read (without it, readNumbers would fall back to row objects). */
  numberChunks(
    sql: string,
    params: SqlParams | undefined,
    columns: readonly string[],
    onChunk: NumberChunk,
  ): Promise<void> {
    if (this.expired) return Promise.reject(new Error("deadline passed"));
    return readNumbers(this.inner, sql, params, columns, onChunk);
  }
  createTemp(name: string, select: string, params?: SqlParams): Promise<void> {
    if (this.expired) return Promise.reject(new Error("deadline passed"));
    return this.inner.createTemp(name, select, params);
  }
  dropTemp(name: string): Promise<void> {
    return this.inner.dropTemp(name);
  }
  stop(): void {
    clearTimeout(this.timer);
  }
  close(): Promise<void> {
    this.stop();
    return this.inner.close();
  }
}
