/**
 * serve's trust thread (trust-thread.ts): a slice's trust numbers — bootstrap intervals,
 * concentration and the `power` LTV forecasts of every attribution model, ~50-150 ms of pure
 * JavaScript at 4M sessions — computed off the server's thread, so that the point numbers of other
 * requests never wait behind them and both cores work. It holds a copy of each window's trust memory
 * (sent once, when the window's trust tables are loaded) and computes exactly what the server's
 * thread would (modelTrust, slice-trust.ts) from messages that carry only the slice's own inputs.
 */
import { parentPort } from "node:worker_threads";
import { duckdbDialect } from "../engine/dialect.ts";
import type { Engine } from "../engine/engine.ts";
import { buyerTops } from "../metrics/buyer-tops.ts";
import type { DataTables, WindowTables } from "../metrics/cube-tables.ts";
import type { AnalysisOptions } from "../metrics/options.ts";
import type { SliceScope } from "../metrics/query.ts";
import type { TrustStats } from "../metrics/result.ts";
import { modelTrust, type OtherModels, type SharedTables, type TrustWindow } from "../metrics/slice-trust.ts";
import type { Attribution } from "../metrics/tables.ts";
import type { TrustMemory } from "../metrics/trust-memory.ts";

export type TrustMessage =
  | { kind: "load"; windowId: number; memory: TrustMemory; window: TrustWindow }
  | { kind: "forget"; windowId: number }
  | {
      kind: "slice";
      id: number;
      windowId: number;
      options: AnalysisOptions;
      tables: DataTables & WindowTables;
      scope: SliceScope;
      shared: SharedTables;
      others: OtherModels;
      /** Date.now() after which nobody waits for the answer: the slice is not started. */
      deadline: number;
    };

export type TrustReply =
  | { id: number; trust: Record<Attribution, TrustStats> }
  | { id: number; expired: true }
  | { id: number; error: string; stack?: string };

const port = parentPort;
if (!port) throw new Error("trust-worker.ts runs as a worker thread (see trust-thread.ts)");

const windows = new Map<number, { memory: TrustMemory; window: TrustWindow }>();

/** The `power` forecast sends no statement; one that is sent anyway is a bug, reported as such. */
const NO_ENGINE: Engine = {
  name: "none (trust thread)",
  // Read by MetricRun, never used: no statement is built here.
  dialect: duckdbDialect,
  version: () => refuse(),
  run: () => refuse(),
  all: () => refuse(),
  createTemp: () => refuse(),
  dropTemp: () => refuse(),
  close: async () => undefined,
};

function refuse(): Promise<never> {
  return Promise.reject(new Error("the trust thread has no engine: this trust slice needs one"));
}

port.on("message", async (m: TrustMessage) => {
  if (m.kind === "load") {
    windows.set(m.windowId, { memory: m.memory, window: m.window });
    // Every slice of the window will read the buyers' ranking (~0.4 s at 4M): sorted before any waits.
    buyerTops(m.memory.concentration.attributed).rank();
    buyerTops(m.memory.concentration.all).rank();
  } else if (m.kind === "forget") windows.delete(m.windowId);
  else port.postMessage(await slice(m));
});

async function slice(m: Extract<TrustMessage, { kind: "slice" }>): Promise<TrustReply> {
  if (Date.now() > m.deadline) return { id: m.id, expired: true };
  try {
    const held = windows.get(m.windowId);
    if (!held) throw new Error(`the trust thread holds no memory of window ${m.windowId}`);
    const trust = await modelTrust(
      NO_ENGINE,
      m.options,
      m.tables,
      m.scope,
      m.shared,
      held.memory,
      held.window,
      m.others,
    );
    return { id: m.id, trust };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { id: m.id, error: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  }
}
