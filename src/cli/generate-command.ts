import { UsageError } from "./errors.ts";

export const generateFlags = {
  out: { type: "string" },
  users: { type: "string" },
  seed: { type: "string" },
  format: { type: "string" },
  json: { type: "boolean" },
  "plant-returns": { type: "boolean" },
} as const;

export const generateHelp = `channelscope generate --out DIR [--users N] [--seed S] [--format csv|parquet] [--plant-returns] [--json]
  Writes a realistic sample in the Afisha layout (visits_log_us, orders_log_us, costs_us) plus
  truth.json with the planted parameters. Deterministic per seed. Default: 228,169 users, seed 1.
  Prints what it wrote; --json prints the same as one JSON document. --plant-returns: daily spend
  varies around each month's level and paid sources' new users respond to it with diminishing
  returns (elasticities in truth.json), for checking the budget plan.`;

export async function generateCommand(flags: {
  out?: string;
  users?: string;
  seed?: string;
  format?: string;
  json?: boolean;
  "plant-returns"?: boolean;
}): Promise<number> {
  if (!flags.out) throw new UsageError("missing --out DIR (where to write the sample)");
  const users = wholeNumber("users", flags.users, 1, 1_000_000_000);
  const seed = wholeNumber("seed", flags.seed, 0, 2 ** 32 - 1);
  const format = flags.format ?? "csv";
  if (format !== "csv" && format !== "parquet") {
    throw new UsageError(`invalid format: "${format}" (expected csv or parquet)`);
  }
  const { generateSample } = await import("../generate/index.ts");
  const summary = await generateSample({
    out: flags.out,
    format,
    plantReturns: flags["plant-returns"] === true,
    ...(users !== undefined ? { users } : {}),
    ...(seed !== undefined ? { seed } : {}),
  });
  if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else process.stdout.write(`${(await import("./generate-summary.ts")).generateSummaryText(summary)}\n`);
  return 0;
}

function wholeNumber(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new UsageError(`invalid ${name}: "${raw}" (expected a whole number from ${min} to ${max})`);
  }
  return value;
}
