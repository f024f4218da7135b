import type { TableName } from "./canonical.ts";

/** Why a row was set aside. Codes are stable (JSON, quarantine file); labels are for people. */
export const REJECT_LABELS = {
  malformed_line: "malformed line (wrong number of fields, broken quoting, or not one JSON object)",
  missing_user_id: "missing user id",
  missing_source_id: "missing source id",
  missing_device: "missing device",
  bad_timestamp: "unparseable or missing timestamp",
  not_utf8: "bytes that are not UTF-8 text (or a NUL byte)",
  // No rule gives this code any more (such sessions are kept and counted as a warning); it stays for
  // the quarantines of databases ingested by earlier versions.
  end_before_start: "session ends before it starts",
  bad_revenue: "non-numeric or missing revenue (expected a plain decimal such as 10.50)",
  inexact_amount: "amount that cannot be held exactly (more than 6 decimal places, or 10^12 or more)",
  negative_revenue: "negative revenue",
  bad_date: "unparseable or missing date",
  bad_cost: "non-numeric or missing cost (expected a plain decimal such as 10.50)",
  negative_cost: "negative cost",
  duplicate_row: "exact duplicate of an earlier row",
} as const;

export type RejectCode = keyof typeof REJECT_LABELS;

/**
 * Row checks in the order they are tried; a row gets the first reason that applies. Conditions are
 * over the parsed columns (NULL = missing or unparseable). Duplicates are found afterwards, among the
 * rows that pass these checks.
 */
export const REJECT_RULES: Record<TableName, readonly { code: RejectCode; when: string }[]> = {
  visits: [
    { code: "missing_user_id", when: "user_id IS NULL" },
    { code: "missing_source_id", when: "source_id IS NULL" },
    { code: "missing_device", when: "device IS NULL" },
    // A session that ends before it starts is kept: its start is a valid visit (a warning counts them).
    {
      code: "bad_timestamp",
      when: "start_ts IS NULL OR end_ts IS NULL OR start_ts_bad_offset OR end_ts_bad_offset",
    },
  ],
  orders: [
    { code: "missing_user_id", when: "user_id IS NULL" },
    { code: "bad_timestamp", when: "ts IS NULL OR ts_bad_offset" },
    { code: "inexact_amount", when: "revenue_inexact" },
    { code: "bad_revenue", when: "revenue IS NULL" },
    { code: "negative_revenue", when: "revenue < 0" },
  ],
  costs: [
    { code: "missing_source_id", when: "source_id IS NULL" },
    { code: "bad_date", when: "date IS NULL" },
    { code: "inexact_amount", when: "costs_inexact" },
    { code: "bad_cost", when: "costs IS NULL" },
    { code: "negative_cost", when: "costs < 0" },
  ],
};

/** The SQL CASE giving a row's reject code, NULL when it passes; field names take `prefix`. */
export function rejectCaseSql(table: TableName, prefix = ""): string {
  const field =
    /\b(user_id|device|source_id|start_ts|end_ts|ts|revenue|revenue_inexact|date|costs|costs_inexact|start_ts_bad_offset|end_ts_bad_offset|ts_bad_offset)\b/g;
  const branches = REJECT_RULES[table]
    .map((r) => `WHEN ${r.when.replace(field, (name) => prefix + name)} THEN '${r.code}'`)
    .join(" ");
  return `CASE ${branches} END`;
}
