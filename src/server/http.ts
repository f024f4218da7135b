/**
 * HTTP plumbing shared by the routes: security headers on every answer, JSON and error responses,
 * bearer-token checking in constant time, and the Host check that keeps a loopback server from being
 * read by other web sites through DNS rebinding.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Same-origin everything: the dashboard loads no script, style, font or data from anywhere else. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type: string,
  extra: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": type,
    "Content-Length": String(bytes.length),
    ...extra,
  });
  res.end(res.req.method === "HEAD" ? undefined : bytes);
}

export const JSON_TYPE = "application/json; charset=utf-8";

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  extra: Record<string, string> = {},
): void {
  send(res, status, JSON.stringify(value), JSON_TYPE, { "Cache-Control": "no-store", ...extra });
}

/** `{error, problems?}`: one line a person can act on, and the separate problems for programs. */
export function sendError(
  res: ServerResponse,
  status: number,
  error: string,
  problems?: readonly string[],
  extra: Record<string, string> = {},
): void {
  sendJson(res, status, problems ? { error, problems } : { error }, extra);
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * True when the request carries `Authorization: Bearer <token>`. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of a wrong guess.
 */
export function hasToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization;
  const match = typeof header === "string" ? /^Bearer +(\S+) *$/i.exec(header) : null;
  const given = digest(match?.[1] ?? "");
  return timingSafeEqual(given, digest(token)) && match !== null;
}

/** Loopback host names a browser may send for a server bound to 127.0.0.1 or ::1. */
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * For a server on loopback: the Host header must name loopback too. A page on another site that
 * rebinds its DNS name to 127.0.0.1 sends its own name here, and is refused.
 */
export function hostAllowed(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (typeof host !== "string") return false;
  const name = host.replace(/:\d+$/, "").toLowerCase();
  return LOOPBACK_NAMES.has(name) || /^127\.\d+\.\d+\.\d+$/.test(name);
}
