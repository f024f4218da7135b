/** The data-quality section: the window, what each file gave, rejected rows by reason, warnings. */
import { tMaybe } from "../../i18n/index.ts";
import type { RejectCount, TableLoad } from "../../ingest/load-table.ts";
import type { DataQualityReport, QualityWarning } from "../../ingest/quality.ts";
import type { RunContext } from "../../presentation.ts";
import { fmtCount, fmtWindow, tr } from "./format.ts";
import { type Html, html, join } from "./html.ts";
import { dataTable } from "./tables.ts";

function tableName(v: RunContext, table: string): string {
  return tMaybe(v.lang, `report.table.${table}`, table);
}

/** Audit examples are English fragments (`2017-06-22 11:54:00 user 46…`); their few nouns are translated. */
function example(v: RunContext, text: string): string {
  return text
    .replace(/\buser\b/g, tr(v, "report.example.user"))
    .replace(/\bsource\b/g, tr(v, "report.example.source"))
    .replace(/\bmedian\b/g, tr(v, "report.example.median"));
}

function warningText(v: RunContext, w: QualityWarning): string {
  const specific = `report.warning.${w.code}.${w.table}`;
  return tMaybe(v.lang, specific, tMaybe(v.lang, `report.warning.${w.code}`, w.message));
}

interface RejectLine extends RejectCount {
  table: string;
  path: string;
}

export function qualityBody(v: RunContext, q: DataQualityReport | null): Html {
  if (q === null) return html`<p class="note">${tr(v, "report.quality.none")}</p>`;
  const windowLine = html`<p>${tr(v, "report.quality.window", {
    window: fmtWindow(v, q.window.from, q.window.to),
    basis: tr(v, `report.quality.basis.${q.window.basis}`),
  })}</p>`;
  const files = dataTable<TableLoad>(
    [
      { head: tr(v, "report.col.table"), cell: (f) => tableName(v, f.table) },
      { head: tr(v, "report.col.file"), cell: (f) => html`<code>${f.path}</code>` },
      { head: tr(v, "report.col.format"), cell: (f) => f.format.toUpperCase() },
      { head: tr(v, "report.col.read"), cell: (f) => fmtCount(v, f.rowsRead), numeric: true },
      { head: tr(v, "report.col.loaded"), cell: (f) => fmtCount(v, f.rowsLoaded), numeric: true },
      {
        head: tr(v, "report.col.rejected"),
        cell: (f) => fmtCount(v, f.rowsRead - f.rowsLoaded),
        numeric: true,
      },
    ],
    q.files,
  );
  const rejects: RejectLine[] = q.files.flatMap((f) =>
    f.rejected.map((r) => ({ ...r, table: f.table, path: f.path })),
  );
  const rejectTable =
    rejects.length === 0
      ? html`<p>${tr(v, "report.quality.noRejected")}</p>`
      : dataTable<RejectLine>(
          [
            { head: tr(v, "report.col.table"), cell: (r) => tableName(v, r.table) },
            {
              head: tr(v, "report.col.reason"),
              cell: (r) => tMaybe(v.lang, `report.reject.${r.reason}`, r.reason),
            },
            { head: tr(v, "report.col.rows"), cell: (r) => fmtCount(v, r.count), numeric: true },
            // Line numbers are positions in a file, not quantities: no thousands separator.
            { head: tr(v, "report.col.lines"), cell: (r) => r.exampleLines.join(", ") },
          ],
          rejects,
        );
  const warnings =
    q.warnings.length === 0
      ? html`<p>${tr(v, "report.quality.noWarnings")}</p>`
      : dataTable<QualityWarning>(
          [
            { head: tr(v, "report.col.table"), cell: (w) => tableName(v, w.table) },
            { head: tr(v, "report.col.warning"), cell: (w) => warningText(v, w) },
            { head: tr(v, "report.col.rows"), cell: (w) => fmtCount(v, w.count), numeric: true },
            {
              head: tr(v, "report.col.examples"),
              cell: (w) =>
                join(
                  w.examples.map((e) => html`<code>${example(v, e)}</code>`),
                  html`<br>`,
                ),
            },
          ],
          q.warnings,
        );
  const quarantine =
    q.quarantine.rows > 0 && q.quarantine.path
      ? html`<p class="note">${tr(v, "report.quality.quarantine", { rows: fmtCount(v, q.quarantine.rows) })} <code>${q.quarantine.path}</code></p>`
      : "";
  return html`${windowLine}<h3>${tr(v, "report.quality.files")}</h3>${files}<h3>${tr(v, "report.quality.rejected")}</h3>${rejectTable}${quarantine}<h3>${tr(v, "report.quality.warnings")}</h3>${warnings}`;
}
