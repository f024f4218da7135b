/**
 * Every difference between two JSON values, as `path: a vs b`. Integers and strings must be equal;
 * fractional numbers may differ by 1e-9 relative (ratios computed in another order of summation).
 */
export function jsonDifferences(a: unknown, b: unknown, path = "$", out: string[] = []): string[] {
  if (typeof a === "number" && typeof b === "number") {
    const exact = Number.isInteger(a) && Number.isInteger(b);
    const close = Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
    if (exact ? a !== b : !close) out.push(`${path}: ${a} vs ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: ${a.length} vs ${b.length} items`);
    else for (const [i, x] of a.entries()) jsonDifferences(x, b[i], `${path}[${i}]`, out);
  } else if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys)
      jsonDifferences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
        out,
      );
  } else if (a !== b) out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  return out;
}
