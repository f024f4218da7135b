import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ingest, writeQuarantine } from "../ingest/index.ts";
import { formatQualityReport } from "../report/quality-text.ts";
import { openEngine } from "./inputs.ts";

export const demoFlags = {
  sample: { type: "string" },
  out: { type: "string" },
} as const;

export const demoHelp = `channelscope demo [--sample DIR] [--out DIR]
  The quick start: generates the bundled sample into DIR (default ./sample, once) and runs the
  pipeline on it, writing the results to --out (default ./out).`;

const SAMPLE_FILES = ["visits_log_us.csv", "orders_log_us.csv", "costs_us.csv"];

export async function demoCommand(flags: { sample?: string; out?: string }): Promise<number> {
  const sample = flags.sample ?? "sample";
  const out = flags.out ?? "out";
  if (!SAMPLE_FILES.every((f) => existsSync(join(sample, f)))) {
    process.stdout.write(`Generating the sample into ${sample}/ ...\n`);
    const { generateSample } = await import("../generate/index.ts");
    const summary = await generateSample({ out: sample });
    process.stdout.write(
      `  ${summary.users.toLocaleString("en-US")} users, ${summary.sessions.toLocaleString("en-US")} sessions, ${summary.orders.toLocaleString("en-US")} orders\n`,
    );
  }
  mkdirSync(out, { recursive: true });
  const engine = await openEngine({});
  try {
    const report = await ingest(engine, {
      visits: { path: join(sample, SAMPLE_FILES[0]!) },
      orders: { path: join(sample, SAMPLE_FILES[1]!) },
      costs: { path: join(sample, SAMPLE_FILES[2]!) },
    });
    if (report.quarantine.rows > 0) {
      report.quarantine.path = join(out, "quarantine.csv");
      await writeQuarantine(engine, report.quarantine.path);
    }
    writeFileSync(join(out, "data-quality.json"), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n${formatQualityReport(report)}\n\nOutput: ${join(out, "data-quality.json")}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}
