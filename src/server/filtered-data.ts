/**
 * Acquisition filters without touching the metric engine: on a private connection (Engine.fork) the
 * canonical `visits`, `orders` and `costs` are shadowed by TEMP tables holding only the filtered rows.
 * DuckDB resolves an unqualified name in the temp schema before the database's own, so the metric
 * SQL, which reads `visits`, `orders` and `costs`, sees the filtered data; other connections do not.
 *
 * Semantics (docs/serve.md): a user passes when the first session of the window (tie-break
 * start_ts, source_id, device, as the metrics) came from one of `sources` and from one of `devices`.
 * Every session and order of those users is kept, so retention, LTV and payback describe whole
 * acquisition cohorts; costs keep the rows of the chosen sources (spend is not split by device).
 */
import type { Engine, SqlParams } from "../engine/engine.ts";

export interface AcquisitionFilter {
  /** Window of the analysis: acquisition is the first session in [from, to). */
  from: string;
  to: string;
  sources: readonly string[];
  devices: readonly string[];
}

export function isFiltered(f: Pick<AcquisitionFilter, "sources" | "devices">): boolean {
  return f.sources.length > 0 || f.devices.length > 0;
}

/**
 * Creates the shadowing temp tables on `fork` (never on the shared engine: they would hide the data
 * from everyone). Ids travel only as bound parameters; the SQL names generated placeholders.
 */
export async function shadowWithFilter(fork: Engine, filter: AcquisitionFilter): Promise<void> {
  if (!isFiltered(filter)) return;
  // A qualified `main.visits` would resolve to the temp table once it exists (the temp catalog has a
  // `main` schema too), so the originals are named through the database itself.
  const [row] = await fork.all<{ db: string }>("SELECT current_database() AS db");
  const db = `"${String(row?.db ?? "memory").replaceAll('"', '""')}".main`;
  await fork.run("DROP TABLE IF EXISTS serve_pick");
  await fork.run("CREATE TEMP TABLE serve_pick (dim VARCHAR, id VARCHAR)");
  for (const [dim, ids] of [
    ["source", filter.sources],
    ["device", filter.devices],
  ] as const) {
    if (ids.length === 0) continue;
    const params: SqlParams = { dim };
    ids.forEach((id, i) => {
      params[`p${i}`] = id;
    });
    const rows = ids.map((_, i) => `($dim, $p${i})`).join(", ");
    await fork.run(`INSERT INTO serve_pick VALUES ${rows}`, params);
  }
  const pick = (dim: string, column: string, active: boolean) =>
    active ? `${column} IN (SELECT id FROM serve_pick WHERE dim = '${dim}')` : "true";
  await fork.run(
    `CREATE OR REPLACE TEMP TABLE serve_users AS
     SELECT user_id FROM (
       SELECT user_id, first(source_id ORDER BY start_ts, source_id, device) AS source_id,
         first(device ORDER BY start_ts, source_id, device) AS device
       FROM ${db}.visits
       WHERE start_ts >= CAST($from AS TIMESTAMP) AND start_ts < CAST($to AS TIMESTAMP)
       GROUP BY user_id)
     WHERE ${pick("source", "source_id", filter.sources.length > 0)}
       AND ${pick("device", "device", filter.devices.length > 0)}`,
    { from: filter.from, to: filter.to },
  );
  await fork.run(`CREATE OR REPLACE TEMP TABLE visits AS
    SELECT v.* FROM ${db}.visits v WHERE v.user_id IN (SELECT user_id FROM serve_users)`);
  await fork.run(`CREATE OR REPLACE TEMP TABLE orders AS
    SELECT o.* FROM ${db}.orders o WHERE o.user_id IN (SELECT user_id FROM serve_users)`);
  await fork.run(`CREATE OR REPLACE TEMP TABLE costs AS
    SELECT c.* FROM ${db}.costs c WHERE ${pick("source", "c.source_id", filter.sources.length > 0)}`);
}
