/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 128-bit state): passes PractRand and needs
 * only 32-bit adds, shifts and xors, which V8 compiles to plain integer instructions. Math.random
 * is never used because the same seed must give byte-identical files.
 */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` is any integer (only its low 53 bits matter); `stream` picks an independent sequence. */
  constructor(seed: number, stream = 0) {
    // splitmix32 spreads a small seed over the whole state, so seeds 1 and 2 do not start correlated.
    let x = (Math.floor(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    const mix = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x ^ hi;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = 1;
    // The first outputs of sfc32 still show the seed's structure; the authors advise discarding a dozen.
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A uniform unsigned 32-bit integer. */
  next(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution (enough for every draw this generator makes). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n). Its bias (about n / 2^32) is negligible for the small n used here. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal by Box-Muller (one value, the second is thrown away to keep the code simple). */
  normal(): number {
    const u = 1 - this.float(); // (0, 1]: log(0) would be -Infinity
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** Geometric count of failures before a success, with the given mean (0 → always 0). */
  geometric(mean: number): number {
    if (mean <= 0) return 0;
    const q = mean / (1 + mean); // P(another one)
    return Math.floor(Math.log(1 - this.float()) / Math.log(q));
  }
}

/**
 * mulberry32: a tiny seeded PRNG, uniform in [0, 1). Quality is ample for drawing bootstrap blocks
 * and test fixtures; the generator's files use Sfc32 above.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
