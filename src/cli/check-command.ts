import { writeFileSync } from "node:fs";
import { writeQuarantine } from "../ingest/index.ts";
import { formatQualityReport } from "../report/quality-text.ts";
import { ENGINE_FLAGS, type EngineFlags, openChosenEngine } from "./engine-option.ts";
import { INPUT_FLAGS, type InputFlags, resolveInputs } from "./inputs.ts";

export const checkFlags = {
  ...INPUT_FLAGS,
  ...ENGINE_FLAGS,
  json: { type: "string" },
  quarantine: { type: "string" },
} as const;

export const checkHelp = `channelscope check --visits V --orders O --costs C [--json FILE] [--quarantine FILE]
    [--engine clickhouse|chdb --visits-table DB.TABLE --orders-table DB.TABLE --costs-table DB.TABLE]
  Reads the exports, prints the data-quality report and writes rejected rows to the quarantine file
  (default ./quarantine.csv, only when rows were rejected). Any of the three inputs may be omitted.
  Exit status 0 when the data can be analysed, 2 on a fatal problem with an input.`;

export async function checkCommand(
  flags: InputFlags & EngineFlags & { json?: string; quarantine?: string },
): Promise<number> {
  const inputs = resolveInputs(flags);
  const engine = await openChosenEngine(flags, inputs.sources);
  try {
    const { ingestFor } = await import("../analyze.ts");
    const report = await ingestFor(engine, inputs.sources, inputs.tables, inputs.bounds);
    if (report.quarantine.rows > 0) {
      const path = flags.quarantine ?? "quarantine.csv";
      await writeQuarantine(engine.staging ?? engine, path);
      report.quarantine.path = path;
    }
    process.stdout.write(`${formatQualityReport(report)}\n`);
    if (flags.json) writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}
