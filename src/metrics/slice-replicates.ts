import { BOOTSTRAP_DEFAULTS, type BootstrapDesign, replicateSumsOf, safeRatio } from "./bootstrap.ts";

/*
 * The bootstrap replicates (bootstrap.ts, replicateSums) of one trust slice's per-bucket sums, for
 * every model of the slice (slice-trust.ts makes one per slice; intervals.ts reads it). Two savings,
 * neither of which changes a bit:
 * - batched: a caller names every series it will need first (`prepare`), and they are summed four
 *   to a pass over the weights (replicateSumsOf);
 * - once per content: the same per-bucket sums are resampled only once. They recur within a slice:
 *   the slice's mature buyers are both the `all` row's LTV denominator and the rescaling of ROMI at
 *   H, of ROMI_s(H−1) and (when every cohort is mature) of CAC; its window buyers, CAC's rescaling
 *   and ROMI_s(0)'s; and every model's buyers in total when the models credit whole buyers. Keyed by
 *   the series' bits (hashed, then compared), so only bit-identical inputs share a result, which is then bit-identical too.
 * Results are fresh arrays (callers turn them into ratios in place); the pristine sums stay here.
 */

export class SliceReplicates {
  /** Summed series and their replicates, by a hash of the series' bits (equal bits checked). */
  private readonly byContent = new Map<number, { x: Float64Array; sums: Float64Array }[]>();
  /** The same, by the series array (a prepared series is looked up again by identity). */
  private readonly byArray = new WeakMap<Float64Array, Float64Array>();

  constructor(readonly design: BootstrapDesign = BOOTSTRAP_DEFAULTS) {}

  /** Sums every series not summed yet, in batches. A series must not change once named here. */
  prepare(series: readonly Float64Array[]): void {
    const missing: { x: Float64Array; hash: number }[] = [];
    const waiting: { x: Float64Array; hash: number }[] = [];
    for (const x of series) {
      if (this.byArray.has(x)) continue;
      const hash = bitsHash(x);
      const known = this.known(x, hash);
      if (known) this.byArray.set(x, known);
      else {
        waiting.push({ x, hash });
        if (!missing.some((m) => m.hash === hash && sameBits(m.x, x))) missing.push({ x, hash });
      }
    }
    if (missing.length === 0) return;
    const sums = replicateSumsOf(
      missing.map((m) => m.x),
      this.design,
    );
    missing.forEach(({ x, hash }, i) => {
      const list = this.byContent.get(hash) ?? [];
      list.push({ x, sums: sums[i]! });
      this.byContent.set(hash, list);
    });
    for (const { x, hash } of waiting) this.byArray.set(x, this.known(x, hash)!);
  }

  /** replicateSums(x): a new array. */
  sums(x: Float64Array): Float64Array {
    return this.view(x).slice();
  }

  /** replicateSums(x) as held here, to be read only (sums gives a copy to write into). */
  view(x: Float64Array): Readonly<Float64Array> {
    let known = this.byArray.get(x);
    if (!known) {
      this.prepare([x]);
      known = this.byArray.get(x)!;
    }
    return known;
  }

  /** bootstrap.ts's unitScales of per-bucket buyers `values` whose exact total is `total`. */
  unitScales(values: Float64Array, total: number): Float64Array {
    const weighted = this.sums(values);
    for (let r = 0; r < weighted.length; r++) weighted[r] = safeRatio(total, weighted[r]!);
    return weighted;
  }

  private known(x: Float64Array, hash: number): Float64Array | undefined {
    return this.byContent.get(hash)?.find((e) => sameBits(e.x, x))?.sums;
  }
}

/** A hash of a series' bits (FNV-1a over its 32-bit words). */
function bitsHash(x: Float64Array): number {
  const words = new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  return h >>> 0;
}

/** Whether two series have the same bits (−0 and +0 differ, so do NaNs of different payloads). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const wa = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const wb = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < wa.length; i++) if (wa[i] !== wb[i]) return false;
  return true;
}
