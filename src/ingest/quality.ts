import type { TableName } from "./canonical.ts";
import type { TableLoad } from "./load-table.ts";

/** A finding that keeps the rows but that an analyst should know about. */
export interface QualityWarning {
  code:
    | "zero_revenue"
    | "outside_window"
    /** The analysis window reached beyond the visits and was clamped (added by analyze, not ingest). */
    | "window_beyond_data"
    | "orders_without_visits"
    | "missing_cost_days"
    | "spend_without_sessions"
    | "sessions_without_spend"
    | "time_outliers"
    | "end_before_start"
    | "duplicate_cost_days"
    | "blank_lines"
    | "mostly_rejected"
    /** Sessions stamped with one timestamp by the thousand (ingest/anomalies.ts). */
    | "time_pileup"
    /** Days far above or below the rolling median of daily sessions or spend. */
    | "unusual_days"
    /** Days without any session inside the span of the sessions. */
    | "session_gaps";
  table: TableName;
  /**
   * Rows concerned (source-days for missing_cost_days and duplicate_cost_days, sources for
   * spend_without_sessions, lines for blank_lines, rejected rows for mostly_rejected, sessions on the
   * piled-up timestamps for time_pileup, days for unusual_days and session_gaps).
   */
  count: number;
  message: string;
  /** A few concrete cases, as short text. */
  examples: string[];
}

export interface AnalysisWindow {
  /** First day, `YYYY-MM-DD`. */
  from: string;
  /** Day after the last, exclusive. */
  to: string;
  /** Where the bounds came from. */
  basis: "options" | "visits" | "costs" | "orders";
}

/** The data-quality audit of one run: what was read, set aside and noticed. */
export interface DataQualityReport {
  window: AnalysisWindow;
  files: TableLoad[];
  warnings: QualityWarning[];
  /** Rejected rows in total, and where they were written (if they were). */
  quarantine: { rows: number; path: string | null };
}
