import type { Cube } from "../metrics/cube.ts";
import { validateOptions } from "../metrics/options.ts";
import { ENGINE_FLAGS, type EngineFlags, openChosenEngine } from "./engine-option.ts";
import { UsageError } from "./errors.ts";
import { INPUT_FLAGS, type InputFlags, resolveInputs } from "./inputs.ts";

export const serveFlags = {
  ...INPUT_FLAGS,
  ...ENGINE_FLAGS,
  host: { type: "string" },
  port: { type: "string" },
  token: { type: "string" },
  currency: { type: "string" },
  "forecast-model": { type: "string" },
} as const;

export const serveHelp = `channelscope serve --visits V --orders O --costs C [--host 127.0.0.1] [--port 8080] [--token T]
    [--db FILE.duckdb] [--from YYYY-MM-DD --to YYYY-MM-DD] [--currency USD] [--forecast-model power|buyer]
    [--engine duckdb|clickhouse|chdb] [--clickhouse-url URL]
  Ingests once, then serves the dashboard and the JSON API (GET /api/analysis, /api/health) until
  Ctrl+C. --db FILE alone reuses a database an earlier run ingested. A host other than loopback needs
  --token (or CHANNELSCOPE_TOKEN), checked as "Authorization: Bearer T". --forecast-model: the LTV
  forecast of young cohorts behind every response (default power; buyer: BG/BB + Gamma-Gamma, as
  report's). See docs/serve.md.`;

type ServeFlags = InputFlags &
  EngineFlags & {
    host?: string;
    port?: string;
    token?: string;
    currency?: string;
    "forecast-model"?: string;
  };

const MIN_TOKEN = 16;

export async function serveCommand(flags: ServeFlags): Promise<number> {
  const { isLoopbackHost } = await import("../server/http.ts");
  const host = flags.host ?? "127.0.0.1";
  const port = parsePort(flags.port);
  const token = flags.token ?? process.env.CHANNELSCOPE_TOKEN;
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError("invalid token: expected printable ASCII without spaces");
  }
  if (!isLoopbackHost(host)) {
    if (!token)
      throw new UsageError(`--host ${host} is not loopback: it requires --token (or CHANNELSCOPE_TOKEN)`);
    if (token.length < MIN_TOKEN) {
      throw new UsageError(
        `invalid token: ${token.length} characters (expected at least ${MIN_TOKEN}, e.g. from \`openssl rand -hex 16\`)`,
      );
    }
  }
  const { currency, forecastModel } = validateOptions({
    currency: flags.currency,
    forecastModel: flags["forecast-model"],
  });

  // --db alone reuses what an earlier run ingested; with input files it is where they are ingested.
  const reuse = flags.db !== undefined && !flags.visits && !flags.orders && !flags.costs;
  const inputs = reuse ? null : resolveInputs(flags, ["visits", "orders", "costs"]);
  const progress = (step: string) => {
    if (process.stderr.isTTY) process.stderr.write(`  … ${step}\n`);
  };
  if (reuse && (flags.engine ?? "duckdb") !== "duckdb")
    throw new UsageError(
      `--db FILE reuses a DuckDB database: it cannot be combined with --engine ${flags.engine}`,
    );
  const engine = await openChosenEngine(flags, inputs?.sources ?? {}, inputs?.config);
  const { auditStoredDatabase, describeDataset, startServer } = await import("../server/index.ts");
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let cube: Cube | undefined;
  try {
    progress(reuse ? `reading ${flags.db}` : "ingesting");
    const bounds = { ...(flags.from ? { from: flags.from } : {}), ...(flags.to ? { to: flags.to } : {}) };
    const dataQuality = inputs
      ? await (await import("../analyze.ts")).ingestFor(engine, inputs.sources, inputs.tables, inputs.bounds)
      : await auditStoredDatabase(engine, flags.db!, bounds);
    progress("bundling the dashboard");
    // The start-up plan needs the default window's trust tables at once: built with every core.
    const dataset = await describeDataset(engine, dataQuality, currency, forecastModel, { trustNow: true });
    cube = dataset.cube;
    progress("budget plan");
    dataset.budget = await (await import("../server/budget-plan.ts")).wholeDataPlan(dataset);
    server = await startServer({ dataset, host, port, ...(token ? { token } : {}) });
    const auth = token ? " (API needs Authorization: Bearer <token>)" : "";
    process.stdout.write(`channelscope serve: ${server.url}${auth} — Ctrl+C to stop\n`);
    await untilSignal();
    return 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new UsageError(`port ${port} on ${host} is in use (choose another with --port)`);
    if ((error as NodeJS.ErrnoException).code === "EADDRNOTAVAIL")
      throw new UsageError(`cannot listen on ${host}: no such local address`);
    throw error;
  } finally {
    await server?.close();
    // A window's trust tables may be building in the background: interrupted, not waited for.
    if (cube) await (await import("../metrics/cube.ts")).stopTrustAhead(cube);
    await engine.close();
  }
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 8080;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`invalid port: "${raw}" (expected 0 to 65535)`);
  return port;
}

/** Resolves on the first SIGINT or SIGTERM; a second one while closing exits at once. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      process.once("SIGINT", () => process.exit(130));
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
