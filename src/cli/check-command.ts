import { writeFileSync } from "node:fs";
import type { Engine } from "../engine/engine.ts";
import { type DataQualityReport, ingest, RejectedInputError, writeQuarantine } from "../ingest/index.ts";
import { formatQualityReport } from "../report/quality-text.ts";
import { INPUT_FLAGS, type InputFlags, inputPaths, openEngine, resolveInputs } from "./inputs.ts";
import { assertDistinctPaths, assertWritableFile, replaceFile } from "./output-paths.ts";
import { startProgress } from "./progress.ts";

export const checkFlags = {
  ...INPUT_FLAGS,
  json: { type: "string" },
  quarantine: { type: "string" },
} as const;

export const checkHelp = `channelscope check --visits V --orders O --costs C [--json FILE] [--quarantine FILE]
    [--decimal-comma] [--from YYYY-MM-DD --to YYYY-MM-DD]
  Reads the exports, prints the data-quality report and writes rejected rows to the quarantine file
  (default ./quarantine.csv, only when rows were rejected). Any of the three inputs may be omitted.
  --decimal-comma reads amounts such as 10,50. Exit status 0 when the data can be analysed, 2 on a
  fatal problem with an input (every row of a table rejected included: the audit is printed first).`;

export async function checkCommand(
  flags: InputFlags & { json?: string; quarantine?: string },
): Promise<number> {
  const inputs = resolveInputs(flags);
  const quarantinePath = flags.quarantine ?? "quarantine.csv";
  // Before any work: outputs must be writable and must not land on an input or on each other.
  if (flags.quarantine) assertWritableFile("--quarantine", flags.quarantine);
  if (flags.json) assertWritableFile("--json", flags.json);
  assertDistinctPaths([
    ...inputPaths(inputs, flags),
    { what: "--quarantine", path: quarantinePath },
    ...(flags.json ? [{ what: "--json", path: flags.json }] : []),
  ]);
  const engine = await openEngine(flags, inputs.sources);
  const progress = startProgress(engine);
  try {
    if (progress.active) await engine.trackProgress();
    progress.step("ingest");
    let report: DataQualityReport;
    try {
      report = await ingest(engine, inputs.sources, inputs.bounds);
    } catch (error) {
      // Nothing can be analysed, but the audit shows why: print it, keep the quarantine, then fail.
      if (error instanceof RejectedInputError)
        await publish(engine, error.report, quarantinePath, flags.json);
      throw error;
    }
    progress.end(report.files.reduce((sum, f) => sum + f.rowsRead, 0));
    await publish(engine, report, quarantinePath, flags.json);
    return 0;
  } finally {
    progress.end();
    await engine.close();
  }
}

async function publish(
  engine: Engine,
  report: DataQualityReport,
  quarantinePath: string,
  json: string | undefined,
): Promise<void> {
  if (report.quarantine.rows > 0) {
    await replaceFile(quarantinePath, (temporary) => writeQuarantine(engine, temporary));
    report.quarantine.path = quarantinePath;
  }
  process.stdout.write(`${formatQualityReport(report)}\n`);
  if (json)
    await replaceFile(json, (temporary) => writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`));
}
