/**
 * Source ids in reading order: runs of digits compare as numbers (2 before 10), the rest byte by
 * byte, so ids like `007` and `7` stay distinct and the order never depends on the locale.
 */
export function naturalIdOrder(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const ux = x.replace(/^0+/, "");
      const uy = y.replace(/^0+/, "");
      if (ux.length !== uy.length) return ux.length - uy.length;
      if (ux !== uy) return ux < uy ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rows keyed by source in report order: source ids naturally, then `unattributed`, then `all`. */
export function sourceRowOrder(a: string, b: string): number {
  const rank = (k: string) => (k === "all" ? 2 : k === "unattributed" ? 1 : 0);
  return rank(a) - rank(b) || naturalIdOrder(a, b);
}
