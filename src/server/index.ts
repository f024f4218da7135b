/**
 * `channelscope serve`: the HTTP API and the dashboard over one ingested dataset (node:http, no
 * framework). Read-only: GET and HEAD only, no request bodies. Every failure is answered with a status
 * and a JSON line; nothing a client sends can take the process down.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { unwatchTrust, watchTrust } from "../metrics/cube.ts";
import { OptionsError } from "../metrics/options.ts";
import { AnalysisTimeout } from "./analysis.ts";
import {
  AnalysisService,
  GZIP_LEVEL,
  type ResponseBody,
  type ServiceHooks,
  type ServiceLimits,
} from "./analysis-service.ts";
import { type Asset, loadAssets } from "./assets.ts";
import { BudgetPlans } from "./budget-plans.ts";
import { BusyError } from "./cache.ts";
import type { Dataset } from "./dataset.ts";
import { filterChoices } from "./filter-choices.ts";
import { hasToken, hostAllowed, isLoopbackHost, JSON_TYPE, send, sendError, sendJson } from "./http.ts";
import { parseAnalysisQuery } from "./params.ts";
import { ServerStopping } from "./stopping.ts";
import { TrustThread, type TrustThreadOptions } from "./trust-thread.ts";

export type { Dataset } from "./dataset.ts";
export { auditStoredDatabase, describeDataset } from "./dataset.ts";

export interface ServeOptions extends ServiceLimits {
  dataset: Dataset;
  /** Default 127.0.0.1. Any other address requires `token`. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Required as `Authorization: Bearer <token>` on /api/* when given. */
  token?: string;
  /** Serve the dashboard (bundled at start, a second or two). Default true. */
  dashboard?: boolean;
  hooks?: ServiceHooks;
  /** Where request failures (500s) are logged; default stderr. */
  log?: (line: string) => void;
  /** The trust thread's worker (tests: one that fails on purpose); default trust-worker.ts. */
  trustThread?: TrustThreadOptions;
}

export interface RunningServer {
  url: string;
  port: number;
  service: AnalysisService;
  /** The budget plans of /api/budget (fitted on a worker thread, cached per view). */
  plans: BudgetPlans;
  /** Where the trust numbers of intervals=1 requests are computed (trust-thread.ts). */
  trust: TrustThread;
  /** Stops accepting, stops running computations, closes connections. Leaves the engine open. */
  close(): Promise<void>;
}

/** Longest request line accepted; the analysis query needs far less. */
const MAX_URL = 8192;

/** Request headers in all, as docs/serve.md says; more gets 431. */
const MAX_HEADER_BYTES = 16 * 1024;

/** Bodies up to this size are gzipped at once; larger ones on the thread pool, off the event loop. */
const GZIP_INLINE_BYTES = 256 * 1024;

const gzipAsync = promisify(gzip);
const gzipping = new WeakMap<ResponseBody, Promise<Buffer>>();

/** The body gzipped: small ones in line (and kept by the body), large ones once, off the main thread. */
function gzipped(body: ResponseBody): Promise<Buffer> {
  if (body.json.length <= GZIP_INLINE_BYTES) return Promise.resolve(body.gzip());
  let pending = gzipping.get(body);
  if (!pending) {
    pending = gzipAsync(body.json, { level: GZIP_LEVEL });
    gzipping.set(body, pending);
  }
  return pending;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const host = o.host ?? "127.0.0.1";
  const loopback = isLoopbackHost(host);
  if (!loopback && !o.token) throw new Error(`serving on ${host} (not loopback) requires a token`);
  const assets = o.dashboard === false ? new Map<string, Asset>() : await loadAssets();
  // Sent every window's trust memory as the cube loads it (those loaded already at once).
  const trust = new TrustThread(o.trustThread);
  watchTrust(o.dataset.cube, trust);
  const service = new AnalysisService(o.dataset, o, o.hooks, trust);
  const plans = new BudgetPlans(service, o.dataset);
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = Date.now();

  const api: Record<
    string,
    (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => Promise<void>
  > = {
    "/api/health": async (_req, res) => {
      const { rows, dataQuality } = o.dataset;
      sendJson(res, 200, {
        status: "ok",
        rows,
        window: { from: dataQuality.window.from, to: dataQuality.window.to },
        uptimeS: Math.round((Date.now() - started) / 1000),
        ...service.stats(),
        // Trust slices the trust thread answered, and threads started (more than 1: it was replaced).
        trustSlicesOnThread: trust.slices,
        trustThreadStarts: trust.starts,
      });
    },
    "/api/filters": async (_req, res) => sendJson(res, 200, filterChoices(o.dataset)),
    // The budget plan for the request's view (budget-plans.ts): the same parameters as /api/analysis.
    "/api/budget": async (_req, res, query) => {
      const request = parseAnalysisQuery(query, o.dataset.catalog);
      sendJson(res, 200, await withDeadline(plans.response(request), service.timeLimitMs));
    },
    "/api/analysis": async (req, res, query) => {
      const started = performance.now();
      const limit = service.timeLimitMs;
      const left = () => limit - (performance.now() - started);
      const request = parseAnalysisQuery(query, o.dataset.catalog);
      const body = await withDeadline(service.document(request), limit);
      // Serialising the document blocks the event loop, so no timer can fire during it: the clock is
      // read afterwards, and a request over its limit is answered 503 like one stopped in DuckDB.
      if (left() <= 0) throw new AnalysisTimeout(limit);
      const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
      const bytes = gzip ? await withDeadline(gzipped(body), Math.max(1, left())) : body.json;
      if (left() <= 0) throw new AnalysisTimeout(limit);
      send(res, 200, bytes, JSON_TYPE, {
        "Cache-Control": "no-store",
        Vary: "Accept-Encoding",
        ...(gzip ? { "Content-Encoding": "gzip" } : {}),
      });
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendError(res, 405, `method ${req.method} not allowed (expected GET or HEAD)`, undefined, {
        Allow: "GET, HEAD",
        Connection: "close",
      });
    }
    if (req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0) {
      return sendError(res, 413, "request bodies are not accepted", undefined, { Connection: "close" });
    }
    const raw = req.url ?? "/";
    if (raw.length > MAX_URL) return sendError(res, 414, `URL longer than ${MAX_URL} characters`);
    if (loopback && !hostAllowed(req))
      return sendError(res, 421, "unexpected Host header for a loopback server");
    let url: URL;
    try {
      url = new URL(raw, "http://localhost");
    } catch {
      return sendError(res, 400, "malformed URL");
    }
    const path = url.pathname;
    if (path.startsWith("/api/")) {
      if (o.token && !hasToken(req, o.token)) {
        return sendError(res, 401, "missing or wrong token (send Authorization: Bearer <token>)", undefined, {
          "WWW-Authenticate": 'Bearer realm="channelscope"',
        });
      }
      const route = Object.hasOwn(api, path) ? api[path] : undefined;
      if (!route) return sendError(res, 404, `no such endpoint: ${path.slice(0, 100)}`);
      return route(req, res, url.searchParams);
    }
    const asset = assets.get(path);
    if (!asset || url.search.length > MAX_URL)
      return send(res, 404, "not found\n", "text/plain; charset=utf-8");
    send(res, 200, asset.body, asset.type, { "Cache-Control": "no-cache" });
  };

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    handle(req, res).catch((error: unknown) => answerFailure(res, error, log));
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    // Unparseable requests: 431 for headers over the limit (as docs/serve.md says), else a plain 400;
    // then hang up.
    const status =
      error.code === "HPE_HEADER_OVERFLOW"
        ? "431 Request Header Fields Too Large"
        : error.code === "HPE_REQUEST_TIMEOUT" || error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? "408 Request Timeout"
          : "400 Bad Request";
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 8080, host, () => resolve());
  }).catch(async (error: unknown) => {
    unwatchTrust(o.dataset.cube, trust);
    await trust.stop();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    service,
    plans,
    trust,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await service.stop();
      await plans.stop();
      unwatchTrust(o.dataset.cube, trust);
      await trust.stop();
      // Let the handlers of cancelled requests answer (503) before the sockets go.
      await new Promise((resolve) => setTimeout(resolve, 20));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Rejects with AnalysisTimeout after `ms`; the work goes on for whoever else waits on it. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AnalysisTimeout(ms)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function answerFailure(res: ServerResponse, error: unknown, log: (line: string) => void): void {
  if (error instanceof OptionsError) sendError(res, 400, "invalid parameters", error.problems);
  else if (error instanceof BusyError) sendError(res, 503, error.message, undefined, { "Retry-After": "5" });
  else if (error instanceof AnalysisTimeout || error instanceof ServerStopping)
    sendError(res, 503, error.message, undefined, { "Retry-After": "5" });
  else {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    log(`channelscope serve: request failed: ${message}`);
    sendError(res, 500, `analysis failed: ${message}`);
  }
}
