/**
 * Normal, gamma and beta variates on the project's seeded generator (src/generate/prng.ts), for the
 * buyer-level forecast's parametric bootstrap and the tests' planted populations: the same seed gives
 * the same interval.
 */
import { Sfc32 } from "../generate/prng.ts";

export class Variates {
  private readonly rng: Sfc32;
  private spare: number | null = null;

  constructor(seed: number, stream = 0) {
    this.rng = new Sfc32(seed, stream);
  }

  /** Uniform in (0, 1): never 0, so logarithms stay finite. */
  uniform(): number {
    return (this.rng.next() + 0.5) / 4294967296;
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  /** Gamma(shape, scale 1) by Marsaglia & Tsang (2000); shape < 1 by the boost U^(1/shape). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * this.uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let z: number;
      let v: number;
      do {
        z = this.normal();
        v = 1 + c * z;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * z ** 4 || Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
  }
}
