import type { Engine } from "../engine/engine.ts";
import { auditWarnings } from "./audit.ts";
import { CANONICAL_DDL, TABLE_NAMES, type TableName } from "./canonical.ts";
import { InputError } from "./input-error.ts";
import { loadTable, QUARANTINE_DDL, type TableLoad, type TableSource } from "./load-table.ts";
import type { DataQualityReport } from "./quality.ts";
import { analysisWindow } from "./window.ts";

export type { TableName } from "./canonical.ts";
export { InputError } from "./input-error.ts";
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
  const files: TableLoad[] = [];
  for (const table of TABLE_NAMES) {
    // A loaded table is a view over its ingested rows; a table without a file is an empty table.
    await engine.run(`DROP VIEW IF EXISTS ${table}`);
    await engine.run(`DROP TABLE IF EXISTS ${table}`);
    const source = sources[table];
    if (source) files.push(await loadTable(engine, table, source));
    else await engine.run(CANONICAL_DDL[table]);
  }
  const window = await analysisWindow(engine, bounds);
  if (!window) throw new InputError("no usable rows in any input: nothing to analyse");
  const present = Object.fromEntries(TABLE_NAMES.map((t) => [t, sources[t] !== undefined])) as Record<
    TableName,
    boolean
  >;
  const warnings = await auditWarnings(engine, present, window);
  const rows = files.reduce((sum, f) => sum + f.rejected.reduce((s, r) => s + r.count, 0), 0);
  return { window, files, warnings, quarantine: { rows, path: null } };
}

/** Writes the quarantine (table, file, line, reason, raw values as JSON) as CSV. */
export async function writeQuarantine(engine: Engine, path: string): Promise<void> {
  await engine.run(
    `COPY (SELECT table_name AS "table", file, line, reason, raw FROM quarantine ORDER BY table_name, file, line)
     TO $path (FORMAT csv, HEADER true)`,
    { path },
  );
}
