import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Tables } from "../metrics/tables.ts";

type Cell = string | number | boolean | null | undefined;

/**
 * A value as the spec's CSV wants it: `.` decimal point, no thousands separator, unobserved (null)
 * cells empty. Floats are rounded to 10 significant digits so binary noise (0.30000000000000004) never
 * reaches a spreadsheet; sums of money are exact decimals upstream and survive this untouched.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return value > 0 ? "infinite" : "";
    return String(Number(value.toPrecision(10)));
  }
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Rows of one table as CSV text, with the header taken from `columns` (the spec's order). */
export function toCsv(rows: readonly Record<string, Cell>[], columns: readonly string[]): string {
  const lines = [columns.join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(","));
  return `${lines.join("\n")}\n`;
}

/** by_source.csv's columns: the spec's, then the intervals (at `--confidence`) and concentration. */
export const BY_SOURCE_TRUST_COLUMNS = [
  "ltv_h_low",
  "ltv_h_high",
  "cac_low",
  "cac_high",
  "romi_h_low",
  "romi_h_high",
  "top_buyer_share",
  "ltv_h_robust",
  "romi_h_robust",
  "romi_h_without_top_buyer",
] as const;

/** The spec's column order of every exported table. */
export const TABLE_COLUMNS: { [K in keyof Tables]: readonly string[] } = {
  summary: ["metric", "value"],
  activity_daily: ["period", "users", "sessions", "partial"],
  activity_weekly: ["period", "users", "sessions", "partial"],
  activity_monthly: ["period", "users", "sessions", "partial"],
  retention: ["cohort", "lifetime", "cohort_size", "users", "retention"],
  conversion_lag: ["dimension", "key", "bucket", "buyers", "share"],
  orders_by_cohort: ["cohort", "lifetime", "orders", "revenue", "buyers", "aov"],
  ltv: ["cohort", "lifetime", "cohort_size", "revenue", "ltv"],
  cac_by_cohort: ["cohort", "costs", "new_buyers", "cac"],
  romi_by_cohort: ["cohort", "lifetime", "romi"],
  payback_by_cohort: ["cohort", "payback_lifetime"],
  by_source: [
    "source",
    "users",
    "buyers",
    "conversion_rate",
    "costs",
    "cac",
    "ltv_h",
    "romi_h",
    "payback_lifetime",
    // Issue 10: intervals at --confidence and concentration (report/trust-tables.ts fills them).
    ...BY_SOURCE_TRUST_COLUMNS,
  ],
  by_device: ["device", "users", "buyers", "conversion_rate", "ltv_h"],
  costs_by_source_month: ["source", "month", "costs"],
};

/** Writes every table as `<dir>/<name>.csv`; returns the paths written. */
export function writeCsvTables(tables: Tables, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return (Object.keys(TABLE_COLUMNS) as (keyof Tables)[]).map((name) => {
    const path = join(dir, `${name}.csv`);
    const rows = tables[name] as unknown as Record<string, Cell>[];
    writeFileSync(path, toCsv(rows, TABLE_COLUMNS[name]));
    return path;
  });
}
