import { existsSync } from "node:fs";
import { join } from "node:path";
import { reportCommand } from "./report-command.ts";

export const demoFlags = {
  sample: { type: "string" },
  out: { type: "string" },
  lang: { type: "string" },
} as const;

export const demoHelp = `channelscope demo [--sample DIR] [--out DIR] [--lang en|ru]
  The quick start: generates the bundled sample into DIR (default ./sample, once) and runs the
  report on it into --out (default ./out), printing the summary and the path of index.html.`;

const SAMPLE_FILES = ["visits_log_us.csv", "orders_log_us.csv", "costs_us.csv"] as const;

export async function demoCommand(flags: { sample?: string; out?: string; lang?: string }): Promise<number> {
  const sample = flags.sample ?? "sample";
  if (!SAMPLE_FILES.every((f) => existsSync(join(sample, f)))) {
    process.stdout.write(`Generating the sample into ${sample}/ ...\n`);
    const { generateSample } = await import("../generate/index.ts");
    const summary = await generateSample({ out: sample });
    const n = (x: number) => x.toLocaleString("en-US");
    process.stdout.write(
      `  ${n(summary.users)} users, ${n(summary.sessions)} sessions, ${n(summary.orders)} orders\n\n`,
    );
  }
  return reportCommand({
    visits: join(sample, SAMPLE_FILES[0]),
    orders: join(sample, SAMPLE_FILES[1]),
    costs: join(sample, SAMPLE_FILES[2]),
    out: flags.out ?? "out",
    ...(flags.lang ? { lang: flags.lang } : {}),
  });
}
