/**
 * Caveats a reader should weigh before acting: the ingest audit's warnings, and the share of buyers
 * no source could be credited with.
 */
import { formatNumber, type MessageKey, t } from "../i18n/index.ts";
import { UNATTRIBUTED } from "../metrics/attribution.ts";
import type { Tables } from "../metrics/tables.ts";
import type { RunContext } from "../presentation.ts";
import { contextEvidence, countText, modelText, shareText } from "./phrases.ts";
import { UNATTRIBUTED_CAVEAT_SHARE } from "./thresholds.ts";
import type { Finding, QualityNote } from "./types.ts";

/** The audit codes with a sentence of their own (ingest/quality.ts). */
const NOTE_KEYS: Record<string, MessageKey> = {
  zero_revenue: "insight.caveat.zero_revenue",
  outside_window: "insight.caveat.outside_window",
  window_beyond_data: "insight.caveat.window_beyond_data",
  orders_without_visits: "insight.caveat.orders_without_visits",
  missing_cost_days: "insight.caveat.missing_cost_days",
  spend_without_sessions: "insight.caveat.spend_without_sessions",
  sessions_without_spend: "insight.caveat.sessions_without_spend",
  time_pileup: "insight.caveat.time_pileup",
  unusual_days: "insight.caveat.unusual_days",
  session_gaps: "insight.caveat.session_gaps",
  time_outliers: "insight.caveat.time_outliers",
  end_before_start: "insight.caveat.end_before_start",
  duplicate_cost_days: "insight.caveat.duplicate_cost_days",
  blank_lines: "insight.caveat.blank_lines",
  mostly_rejected: "insight.caveat.mostly_rejected",
};

function noteText(note: QualityNote, p: RunContext): string {
  const key = Object.hasOwn(NOTE_KEYS, note.code) ? NOTE_KEYS[note.code] : undefined;
  const count = formatNumber(p.lang, note.count, 0);
  if (key) return t(p.lang, key, { count });
  // An English report can quote the audit itself; a Russian one must not show its English sentence.
  const message = note.message.trim();
  if (p.lang === "en" && message !== "") return /[.!?]$/.test(message) ? message : `${message}.`;
  return t(p.lang, "insight.caveat.other", { count });
}

/** One caveat per audit note (in the audit's order), then the unattributed buyers' share. */
export function caveatFindings(tables: Tables, notes: QualityNote[], p: RunContext): Finding[] {
  const seen = new Map<string, number>();
  const out: Finding[] = notes
    .filter((note) => note.count > 0)
    .map((note) => {
      const n = (seen.get(note.code) ?? 0) + 1;
      seen.set(note.code, n);
      return {
        id: n === 1 ? `caveat-${note.code}` : `caveat-${note.code}-${n}`,
        verdict: "caveat",
        subject: "data-quality",
        key: null,
        text: noteText(note, p),
        evidence: [{ metric: note.code, value: note.count, unit: "count" }],
      };
    });
  return [...out, ...unattributedCaveat(tables, p)];
}

function unattributedCaveat(tables: Tables, p: RunContext): Finding[] {
  const total = tables.by_source.reduce((s, r) => s + r.buyers, 0);
  const buyers = tables.by_source.find((r) => r.source === UNATTRIBUTED)?.buyers ?? 0;
  if (total <= 0 || buyers / total < UNATTRIBUTED_CAVEAT_SHARE) return [];
  const share = buyers / total;
  return [
    {
      id: "caveat-unattributed",
      verdict: "caveat",
      subject: "data-quality",
      key: UNATTRIBUTED,
      text: t(p.lang, "insight.caveat.unattributed", {
        share: shareText(p, share),
        buyers: countText(p, buyers),
        model: modelText(p),
      }),
      evidence: [
        { metric: "unattributed_buyers", value: buyers, unit: "count" },
        { metric: "unattributed_share", value: share, unit: "share" },
        ...contextEvidence(p),
      ],
    },
  ];
}
