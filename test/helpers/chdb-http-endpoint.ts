/**
 * A stand-in for a ClickHouse server's HTTP interface, for the transport test: a node:http server on
 * 127.0.0.1 that takes each request as ClickHouse's HTTP interface receives it (the SQL in the body
 * or the `query` URL parameter, `param_*` query parameters in ClickHouse's escaped text form, every
 * other URL parameter a setting, `database`, basic auth) and runs it on embedded ClickHouse. What it
 * proves and does not prove is in README.md ("ClickHouse engine", "How the HTTP path is tested").
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { openChdbConnection } from "../../src/engine/chdb-connection.ts";

/** URL parameters of the HTTP interface that are not settings. */
const NOT_SETTINGS = new Set(["query", "query_id", "database", "session_id", "default_format"]);

export interface RecordedRequest {
  query: string;
  params: Record<string, string | null>;
  settings: Record<string, string>;
  database: string | null;
  authorization: string | null;
  url: string;
}

export interface ChdbHttpEndpoint {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startChdbHttpEndpoint(credentials: { username: string; password: string }) {
  const connection = await openChdbConnection();
  const scratch = mkdtempSync(join(tmpdir(), "channelscope-endpoint-"));
  const requests: RecordedRequest[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
  let uploads = 0;

  const handle = async (req: IncomingMessage): Promise<{ status: number; body: Buffer | string }> => {
    const url = new URL(req.url ?? "/", "http://endpoint");
    if (url.pathname === "/ping") return { status: 200, body: "Ok.\n" };
    if (req.headers.authorization !== expectedAuth)
      return {
        status: 403,
        body: "Code: 516. DB::Exception: Authentication failed. (AUTHENTICATION_FAILED)",
      };
    const body = await readBody(req);
    const params: Record<string, string | null> = {};
    const settings: Record<string, string> = {};
    for (const [key, value] of url.searchParams) {
      if (key.startsWith("param_")) params[key.slice(6)] = unescapeParam(value);
      else if (!NOT_SETTINGS.has(key)) settings[key] = value;
    }
    const database = url.searchParams.get("database");
    let query = url.searchParams.get("query");
    if (query !== null && body.length > 0) {
      // An INSERT ... FORMAT X whose rows are the body: chdb reads them from a file.
      const path = join(scratch, `upload-${++uploads}`);
      writeFileSync(path, body);
      const m = /^INSERT INTO\s+(\S+)(?:\s*\(([^)]*)\))?\s+FORMAT\s+(\w+)\s*$/i.exec(query.trim());
      if (!m) return { status: 400, body: `Code: 62. DB::Exception: unsupported insert: ${query}` };
      query = `INSERT INTO ${m[1]} SELECT * FROM file('${path}', ${m[3]})`;
    }
    query ??= body.toString("utf8");
    requests.push({
      query,
      params,
      settings,
      database,
      authorization: req.headers.authorization ?? null,
      url: req.url ?? "",
    });
    try {
      if (database)
        await connection.command({
          query: `USE ${database}`,
          query_params: {},
          clickhouse_settings: {},
        } as never);
      const result = await connection.query({
        query,
        query_params: params,
        clickhouse_settings: settings,
      } as never);
      return { status: 200, body: await collect(result.stream as Readable) };
    } catch (error) {
      return { status: 500, body: error instanceof Error ? error.message : String(error) };
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req).then(
      ({ status, body }) => {
        res.writeHead(status, { "Content-Type": "text/plain; charset=UTF-8", "X-ClickHouse-Summary": "{}" });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the endpoint has no TCP port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  } satisfies ChdbHttpEndpoint;
}

/** ClickHouse's escaped text form of a parameter (as @clickhouse/client writes it) back to text. */
function unescapeParam(value: string): string | null {
  if (value === "\\N") return null;
  const map: Record<string, string> = { t: "\t", n: "\n", r: "\r", b: "\b", f: "\f", 0: "\0" };
  return value.replace(/\\(.)/g, (_, c: string) => map[c] ?? c);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
