/**
 * "Did you mean …?" for a mistyped flag: the known flag nearest by edit distance, when it is near
 * enough to be the one meant. A far guess would mislead more than no guess.
 */

/** Optimal string alignment distance: insertions, deletions, substitutions and swapped neighbours. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name (a flag without dashes, or a command) the user probably meant by `given`, or undefined.
 * Near means: at most 2 edits and fewer than half the letters typed, or `given` is the start of
 * exactly one name (`--vis` for `--visits`). Ties go to the earlier name in `known`.
 */
export function nearestName(given: string, known: readonly string[]): string | undefined {
  const typed = given.toLowerCase();
  const prefixed = known.filter((k) => typed.length >= 2 && k.startsWith(typed));
  if (prefixed.length === 1) return prefixed[0];
  let best: { flag: string; distance: number } | undefined;
  for (const flag of known) {
    const distance = editDistance(typed, flag);
    if (!best || distance < best.distance) best = { flag, distance };
  }
  if (best && best.distance <= 2 && best.distance * 2 < typed.length) return best.flag;
  return undefined;
}

/** The one-line message for an unknown `--flag`: node's own wording plus the suggestion, if any. */
export function unknownOptionMessage(option: string, known: readonly string[]): string {
  const guess = option.startsWith("--") ? nearestName(option.slice(2).split("=")[0]!, known) : undefined;
  return `Unknown option '${option}'.${guess ? ` Did you mean --${guess}?` : ""}`;
}
