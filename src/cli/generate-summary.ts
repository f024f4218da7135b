import type { GenerateSummary } from "../generate/index.ts";

const n = (x: number) => x.toLocaleString("en-US");

/**
 * What `generate` tells a person: the counts, where the files went and how long it took. Scripts pass
 * --json for the same facts as one JSON document.
 */
export function generateSummaryText(summary: GenerateSummary): string {
  const seconds = (summary.wallMs / 1000).toFixed(1);
  const head = `Generated ${n(summary.users)} users, ${n(summary.sessions)} sessions, ${n(summary.orders)} orders (${n(summary.buyers)} buyers) and ${n(summary.costRows)} cost rows in ${seconds} s:`;
  return [head, ...summary.files.map((f) => `  ${f}`)].join("\n");
}
