import type { Engine } from "../../src/engine/engine.ts";
import type { CostRecord, OrderRecord, VisitRecord } from "../../src/metrics/tables.ts";

/** The canonical tables as plain records, the input of the naive reference implementation. */
export async function canonicalRecords(engine: Engine): Promise<{
  visits: VisitRecord[];
  orders: OrderRecord[];
  costs: CostRecord[];
}> {
  const ts = (col: string) => `strftime(${col}, '%Y-%m-%d %H:%M:%S')`;
  const visits = await engine.all<Record<string, string>>(
    `SELECT user_id, device, source_id, ${ts("start_ts")} AS start_ts, ${ts("end_ts")} AS end_ts FROM visits`,
  );
  const orders = await engine.all<Record<string, string>>(
    `SELECT user_id, ${ts("ts")} AS ts, revenue::VARCHAR AS revenue FROM orders`,
  );
  const costs = await engine.all<Record<string, string>>(
    "SELECT source_id, strftime(date, '%Y-%m-%d') AS date, costs::VARCHAR AS costs FROM costs",
  );
  return {
    visits: visits as unknown as VisitRecord[],
    orders: orders as unknown as OrderRecord[],
    costs: costs as unknown as CostRecord[],
  };
}

/** Loads plain records into fresh canonical tables (for hand-made fixtures). */
export async function loadRecords(
  engine: Engine,
  input: { visits: readonly VisitRecord[]; orders: readonly OrderRecord[]; costs: readonly CostRecord[] },
): Promise<void> {
  const { CANONICAL_DDL } = await import("../../src/ingest/canonical.ts");
  for (const t of ["visits", "orders", "costs"] as const) {
    await engine.run(`DROP VIEW IF EXISTS ${t}`);
    await engine.run(`DROP TABLE IF EXISTS ${t}`);
    await engine.run(CANONICAL_DDL[t]);
  }
  // One JSON document per table, unpacked in SQL: values stay strings until DuckDB casts them.
  const insert = async (table: string, columns: string, rows: readonly object[]) => {
    if (rows.length === 0) return;
    await engine.run(
      `INSERT INTO ${table} SELECT ${columns} FROM (SELECT unnest(from_json($rows, '["JSON"]')) AS r)`,
      { rows: JSON.stringify(rows) },
    );
  };
  await insert(
    "visits",
    "r->>'user_id', r->>'device', r->>'source_id', (r->>'start_ts')::TIMESTAMP, (r->>'end_ts')::TIMESTAMP",
    input.visits,
  );
  await insert(
    "orders",
    "r->>'user_id', (r->>'ts')::TIMESTAMP, (r->>'revenue')::DECIMAL(18,6)",
    input.orders,
  );
  await insert("costs", "r->>'source_id', (r->>'date')::DATE, (r->>'costs')::DECIMAL(18,6)", input.costs);
}
