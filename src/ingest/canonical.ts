/**
 * The canonical tables every metric reads. Ingest fills them; nothing else writes them.
 * Ids are VARCHAR (opaque, exact); money is an exact DECIMAL; timestamps are zone-less wall clock.
 */
export const CANONICAL_DDL = {
  visits: `CREATE OR REPLACE TABLE visits (
    user_id VARCHAR NOT NULL, device VARCHAR NOT NULL, source_id VARCHAR NOT NULL,
    start_ts TIMESTAMP NOT NULL, end_ts TIMESTAMP NOT NULL)`,
  orders: `CREATE OR REPLACE TABLE orders (
    user_id VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, revenue DECIMAL(18,6) NOT NULL)`,
  costs: `CREATE OR REPLACE TABLE costs (
    source_id VARCHAR NOT NULL, date DATE NOT NULL, costs DECIMAL(18,6) NOT NULL)`,
} as const;

export type TableName = keyof typeof CANONICAL_DDL;
export const TABLE_NAMES: readonly TableName[] = ["visits", "orders", "costs"];

/** The canonical fields of each table, in order; ingest maps input columns onto these. */
export const CANONICAL_FIELDS = {
  visits: ["user_id", "device", "source_id", "start_ts", "end_ts"],
  orders: ["user_id", "ts", "revenue"],
  costs: ["source_id", "date", "costs"],
} as const satisfies Record<TableName, readonly string[]>;
