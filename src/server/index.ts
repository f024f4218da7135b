/**
 * `channelscope serve`: the HTTP API and the dashboard over one ingested dataset (node:http, no
 * framework). Read-only: GET and HEAD only, no request bodies. Every failure is answered with a status
 * and a JSON line; nothing a client sends can take the process down.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { OptionsError } from "../metrics/options.ts";
import { AnalysisTimeout } from "./analysis.ts";
import { AnalysisService, type ServiceHooks, type ServiceLimits } from "./analysis-service.ts";
import { type Asset, loadAssets } from "./assets.ts";
import { BusyError } from "./cache.ts";
import type { Dataset } from "./dataset.ts";
import { filterChoices } from "./filter-choices.ts";
import { hasToken, hostAllowed, isLoopbackHost, JSON_TYPE, send, sendError, sendJson } from "./http.ts";
import { parseAnalysisQuery } from "./params.ts";

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
}

export interface RunningServer {
  url: string;
  port: number;
  service: AnalysisService;
  /** Stops accepting, stops running computations, closes connections. Leaves the engine open. */
  close(): Promise<void>;
}

/** Longest request line accepted; the analysis query needs far less. */
const MAX_URL = 8192;

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const host = o.host ?? "127.0.0.1";
  const loopback = isLoopbackHost(host);
  if (!loopback && !o.token) throw new Error(`serving on ${host} (not loopback) requires a token`);
  const assets = o.dashboard === false ? new Map<string, Asset>() : await loadAssets();
  const service = new AnalysisService(o.dataset, o, o.hooks);
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
      });
    },
    "/api/filters": async (_req, res) => sendJson(res, 200, filterChoices(o.dataset)),
    "/api/analysis": async (req, res, query) => {
      const request = parseAnalysisQuery(query, o.dataset.catalog);
      const body = await withDeadline(service.document(request), service.timeLimitMs);
      const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
      send(res, 200, gzip ? body.gzip() : body.json, JSON_TYPE, {
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

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answerFailure(res, error, log));
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  server.on("clientError", (_error, socket) => {
    // Unparseable requests (bad header bytes, oversized headers): a plain 400 and hang up.
    if (socket.writable)
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 8080, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    service,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await service.stop();
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
  else if (error instanceof AnalysisTimeout) sendError(res, 503, error.message);
  else {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    log(`channelscope serve: request failed: ${message}`);
    sendError(res, 500, `analysis failed: ${message}`);
  }
}
