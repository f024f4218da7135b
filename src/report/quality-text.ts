import type { DataQualityReport } from "../ingest/index.ts";
import { REJECT_LABELS } from "../ingest/reject-rules.ts";

const count = (n: number) => n.toLocaleString("en-US");

/** The data-quality report as plain text for a terminal: per file, then warnings, then the verdict. */
export function formatQualityReport(report: DataQualityReport): string {
  const lines: string[] = [];
  lines.push(
    `Analysis window: ${report.window.from} to ${report.window.to} (exclusive; from ${report.window.basis})`,
  );
  lines.push("");
  for (const file of report.files) {
    const rejected = file.rowsRead - file.rowsLoaded;
    lines.push(`${file.table}: ${file.path} (${file.format})`);
    lines.push(
      `  rows read ${count(file.rowsRead)}, loaded ${count(file.rowsLoaded)}, rejected ${count(rejected)}`,
    );
    const mapping = Object.entries(file.mapping)
      .map(([field, column]) => `${field} <- "${column}"`)
      .join(", ");
    lines.push(`  columns: ${mapping}`);
    for (const r of file.rejected) {
      const lineWord = r.exampleLines.length === 1 ? "line" : "lines";
      lines.push(
        `  rejected ${count(r.count)}: ${REJECT_LABELS[r.reason]} (${lineWord} ${r.exampleLines.join(", ")})`,
      );
    }
  }
  lines.push("");
  if (report.warnings.length === 0) lines.push("Warnings: none");
  else {
    lines.push("Warnings (rows kept):");
    for (const w of report.warnings) {
      lines.push(`  ${w.table}: ${w.message}`);
      for (const example of w.examples) lines.push(`    e.g. ${example}`);
    }
  }
  if (report.quarantine.rows > 0) {
    const where = report.quarantine.path ? ` written to ${report.quarantine.path}` : "";
    lines.push("");
    lines.push(`Quarantine: ${count(report.quarantine.rows)} rejected rows${where}`);
  }
  return lines.join("\n");
}
