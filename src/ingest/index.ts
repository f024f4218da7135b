import type { Engine } from "../engine/engine.ts";
import { auditWarnings } from "./audit.ts";
import { CANONICAL_DDL, TABLE_NAMES, type TableName } from "./canonical.ts";
import { assertInPlaceUnchanged, IN_PLACE_FILES_DDL } from "./in-place.ts";
import { InputError, RejectedInputError } from "./input-error.ts";
import { loadTable, QUARANTINE_DDL, type TableLoad, type TableSource } from "./load-table.ts";
import type { DataQualityReport, QualityWarning } from "./quality.ts";
import { REJECT_LABELS } from "./reject-rules.ts";
import { analysisWindow } from "./window.ts";

export type { TableName } from "./canonical.ts";
export { assertInPlaceUnchanged } from "./in-place.ts";
export { InputError, RejectedInputError } from "./input-error.ts";
export type { RejectCount, TableLoad, TableSource } from "./load-table.ts";
export type { AnalysisWindow, DataQualityReport, QualityWarning } from "./quality.ts";

export type IngestSources = Partial<Record<TableName, TableSource>>;

/**
 * Creates the canonical tables, loads every given file into them and audits the result.
 * Tables without a file stay empty. Throws InputError on a fatal problem with an input.
 */
export async function ingest(
  engine: Engine,
  sources: IngestSources,
  bounds: { from?: string; to?: string } = {},
): Promise<DataQualityReport> {
  await engine.run("DROP TABLE IF EXISTS quarantine");
  await engine.run(QUARANTINE_DDL);
  await engine.run(IN_PLACE_FILES_DDL);
  const files: TableLoad[] = [];
  for (const table of TABLE_NAMES) {
    // A loaded table is a view over its ingested rows; a table without a file is an empty table.
    // Either may be left from an earlier ingest on this engine, and DuckDB drops each by its own kind.
    const [kind] = await engine.all<{ type: string }>(
      "SELECT table_type AS type FROM information_schema.tables WHERE table_name = $table AND table_schema = 'main'",
      { table },
    );
    if (kind) await engine.run(`DROP ${kind.type === "VIEW" ? "VIEW" : "TABLE"} ${table}`);
    const source = sources[table];
    if (source) files.push(await loadTable(engine, table, source));
    else await engine.run(CANONICAL_DDL[table]);
  }
  const present = Object.fromEntries(TABLE_NAMES.map((t) => [t, sources[t] !== undefined])) as Record<
    TableName,
    boolean
  >;
  const window = await analysisWindow(engine, bounds);
  const empty = files.find((f) => f.rowsRead > 0 && f.rowsLoaded === 0);
  if (!window && !empty) throw new InputError("no usable rows in any input: nothing to analyse");
  // With a table wholly rejected the analysis cannot run, but its audit is what the user must see.
  const shown = window ?? { from: bounds.from ?? "?", to: bounds.to ?? "?", basis: "options" as const };
  const warnings = [...fileWarnings(files), ...(await auditWarnings(engine, present, shown))];
  await assertInPlaceUnchanged(engine);
  const rows = files.reduce((sum, f) => sum + f.rejected.reduce((s, r) => s + r.count, 0), 0);
  const report: DataQualityReport = { window: shown, files, warnings, quarantine: { rows, path: null } };
  if (empty) throw new RejectedInputError(allRejectedMessage(empty), report);
  return report;
}

/** Share of a table's rows rejected above which the report warns prominently that its numbers are thin. */
export const MOSTLY_REJECTED_SHARE = 0.05;

/** Warnings about whole files: many rows rejected, blank lines skipped. */
export function fileWarnings(files: readonly TableLoad[]): QualityWarning[] {
  const warnings: QualityWarning[] = [];
  for (const f of files) {
    const rejected = f.rowsRead - f.rowsLoaded;
    if (f.rowsRead > 0 && rejected > f.rowsRead * MOSTLY_REJECTED_SHARE) {
      const share = Math.round((rejected / f.rowsRead) * 100);
      warnings.push({
        code: "mostly_rejected",
        table: f.table,
        count: rejected,
        message: `${share}% of the ${f.table} rows were rejected (${count(rejected)} of ${count(f.rowsRead)}): ${f.rowsLoaded === 0 ? "nothing from this table can be analysed" : "every number from this table rests on the rest"}${f.advice ? `; ${f.advice}` : ""}`,
        examples: f.rejected
          .slice(0, 3)
          .map((r) => `${count(r.count)} × ${REJECT_LABELS[r.reason]} (line ${r.exampleLines.join(", ")})`),
      });
    }
    if (f.blankLines) {
      warnings.push({
        code: "blank_lines",
        table: f.table,
        count: f.blankLines.count,
        message: `${count(f.blankLines.count)} blank line${f.blankLines.count === 1 ? "" : "s"} in ${f.path} (skipped; not rows)`,
        examples: f.blankLines.exampleLines.map((l) => `line ${l}`),
      });
    }
  }
  return warnings;
}

function allRejectedMessage(f: TableLoad): string {
  const top = f.rejected[0];
  const why = top ? `; most for ${REJECT_LABELS[top.reason]} (line ${top.exampleLines.join(", ")})` : "";
  const advice = f.advice ? `; ${f.advice}` : "";
  return `${f.path}: every one of the ${count(f.rowsRead)} ${f.table} rows was rejected${why}${advice}`;
}

const count = (n: number) => n.toLocaleString("en-US");

/** Writes the quarantine (table, file, line, reason, raw values as JSON) as CSV. */
export async function writeQuarantine(engine: Engine, path: string): Promise<void> {
  await engine.run(
    `COPY (SELECT table_name AS "table", file, line, reason, raw FROM quarantine ORDER BY table_name, file, line)
     TO $path (FORMAT csv, HEADER true)`,
    { path },
  );
}
