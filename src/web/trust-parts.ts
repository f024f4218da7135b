/**
 * The dashboard's second answer for a filter (`intervals=1&parts=trust`) merged into its first (the
 * point document): the server sends only what the intervals add or change, and the merge is the whole
 * intervals document, the same as asking for it (test/server-parts.test.ts compares their JSON).
 */
import type { AnalysisDocument, TrustPartsDocument } from "../server/analysis.ts";

/** The parts that name the slice: they must be the point document's own, or the parts are another's. */
const SLICE_PARTS = ["options", "window", "filter"] as const;

export function mergeTrustParts(point: AnalysisDocument, parts: TrustPartsDocument): AnalysisDocument {
  for (const name of SLICE_PARTS) {
    if (JSON.stringify(parts[name]) !== JSON.stringify(point[name]))
      throw new Error(`the intervals are for another slice (its ${name} differ)`);
  }
  // A spread keeps the point document's order of keys; `trust`, new, comes last, as in the whole document.
  return { ...point, ...parts };
}
