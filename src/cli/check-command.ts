import { writeFileSync } from "node:fs";
import { ingest, writeQuarantine } from "../ingest/index.ts";
import { formatQualityReport } from "../report/quality-text.ts";
import { INPUT_FLAGS, type InputFlags, openEngine, resolveInputs } from "./inputs.ts";
import { startProgress } from "./progress.ts";

export const checkFlags = {
  ...INPUT_FLAGS,
  json: { type: "string" },
  quarantine: { type: "string" },
} as const;

export const checkHelp = `channelscope check --visits V --orders O --costs C [--json FILE] [--quarantine FILE]
  Reads the exports, prints the data-quality report and writes rejected rows to the quarantine file
  (default ./quarantine.csv, only when rows were rejected). Any of the three inputs may be omitted.
  Exit status 0 when the data can be analysed, 2 on a fatal problem with an input.`;

export async function checkCommand(
  flags: InputFlags & { json?: string; quarantine?: string },
): Promise<number> {
  const inputs = resolveInputs(flags);
  const engine = await openEngine(flags, inputs.sources);
  const progress = startProgress(engine);
  try {
    if (progress.active) await engine.trackProgress();
    progress.step("ingest");
    const report = await ingest(engine, inputs.sources, inputs.bounds);
    progress.end(report.files.reduce((sum, f) => sum + f.rowsRead, 0));
    if (report.quarantine.rows > 0) {
      const path = flags.quarantine ?? "quarantine.csv";
      await writeQuarantine(engine, path);
      report.quarantine.path = path;
    }
    process.stdout.write(`${formatQualityReport(report)}\n`);
    if (flags.json) writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } finally {
    progress.end();
    await engine.close();
  }
}
