import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Design,
  denseDesign,
  fitLogLink,
  fitNegativeBinomial,
  logLikelihood,
  overdispersionT,
} from "../src/budget/count-regression.ts";
import { cholesky, choleskyInverse, choleskySolve, SingularMatrixError } from "../src/budget/dense-solve.ts";
import { logGamma } from "../src/budget/log-gamma.ts";
import { mulberry32 as seededRandom } from "./helpers/prng.ts";

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);

describe("dense solver", () => {
  test("Cholesky of a hand-worked 3x3 and its solve and inverse", () => {
    // A = L L' with L = [[2,0,0],[6,1,0],[-8,5,3]] (worked by hand).
    const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
    const l = cholesky({ n: 3, a });
    assert.deepEqual(Array.from(l.a), [2, 0, 0, 6, 1, 0, -8, 5, 3]);
    // x = (1, 2, 3): b = A x = (4+24-48, 12+74-129, -16-86+294) = (-20, -43, 192).
    const x = choleskySolve(l, Float64Array.from([-20, -43, 192]));
    for (const [i, v] of [1, 2, 3].entries()) close(x[i]!, v, 1e-12, `x${i}`);
    const inv = choleskyInverse(l).a;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * inv[k * 3 + j]!;
        close(s, i === j ? 1 : 0, 1e-12, `A A^-1 [${i},${j}]`);
      }
    }
  });

  test("a rank-deficient matrix is refused with the column", () => {
    const a = Float64Array.from([1, 2, 2, 4]);
    assert.throws(
      () => cholesky({ n: 2, a }),
      (e: unknown) => e instanceof SingularMatrixError && e.column === 1,
    );
  });
});

describe("log gamma", () => {
  test("matches ln((n-1)!) and Γ(1/2) = √π", () => {
    let fact = 0;
    for (let n = 1; n <= 30; n++) {
      close(logGamma(n), fact, 1e-10 * Math.max(1, fact), `lnΓ(${n})`);
      fact += Math.log(n);
    }
    close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-12, "lnΓ(1/2)");
  });
});

/** Intercept + one group dummy: the Poisson MLE is closed form (group means). */
function groupDesign(groups: number[]): Design {
  const x = new Float64Array(groups.length * 2);
  groups.forEach((g, i) => {
    x[i * 2] = 1;
    x[i * 2 + 1] = g;
  });
  return denseDesign(groups.length, 2, x);
}

describe("count regression (IRLS)", () => {
  test("Poisson with a group dummy reproduces the closed form: log means and 1/Σy variances", () => {
    const y0 = [3, 5, 2, 7, 4, 0, 6];
    const y1 = [12, 9, 15, 11, 8];
    const design = groupDesign([...y0.map(() => 0), ...y1.map(() => 1)]);
    const fit = fitLogLink(design, Float64Array.from([...y0, ...y1]));
    const s0 = y0.reduce((a, b) => a + b, 0);
    const s1 = y1.reduce((a, b) => a + b, 0);
    close(fit.coef[0]!, Math.log(s0 / y0.length), 1e-9, "intercept");
    close(fit.coef[1]!, Math.log(s1 / y1.length / (s0 / y0.length)), 1e-9, "group effect");
    // Fisher information of the saturated model: var(b0) = 1/Σy0, var(b1) = 1/Σy0 + 1/Σy1.
    close(fit.cov[0]!, 1 / s0, 1e-9, "var intercept");
    close(fit.cov[3]!, 1 / s0 + 1 / s1, 1e-9, "var effect");
    close(fit.cov[1]!, -1 / s0, 1e-9, "covariance");
  });

  test("Poisson recovers a planted log-linear slope within 3 standard errors", () => {
    const rand = seededRandom(7);
    const n = 2000;
    const x = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = rand() * 2 - 1;
      x[i * 2] = 1;
      x[i * 2 + 1] = v;
      y[i] = poisson(Math.exp(1.5 + 0.4 * v), rand);
    }
    const fit = fitLogLink(denseDesign(n, 2, x), y);
    close(fit.coef[1]!, 0.4, 3 * Math.sqrt(fit.cov[3]!), "slope");
    close(fit.coef[0]!, 1.5, 3 * Math.sqrt(fit.cov[0]!), "intercept");
  });

  test("negative binomial, intercept only: mean is ȳ and theta maximises the likelihood", () => {
    const rand = seededRandom(11);
    const y = new Float64Array(1500);
    // Gamma-Poisson mixture with theta = 2, mean 6.
    for (let i = 0; i < y.length; i++) y[i] = poisson((6 * gamma(2, rand)) / 2, rand);
    const design = denseDesign(y.length, 1, new Float64Array(y.length).fill(1));
    const poissonFit = fitLogLink(design, y);
    assert.ok(overdispersionT(y, poissonFit.mu) > 5, "overdispersion is detected");
    const fit = fitNegativeBinomial(design, y);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    close(Math.exp(fit.coef[0]!), mean, 1e-8 * mean, "NB mean");
    const at = (t: number): number => logLikelihood(y, fit.mu, t);
    const h = 1e-4 * fit.theta;
    close((at(fit.theta + h) - at(fit.theta - h)) / (2 * h), 0, 1e-3, "d logLik / d theta");
    assert.ok(fit.theta > 1.5 && fit.theta < 2.7, `theta ${fit.theta} near the planted 2`);
    assert.ok(fit.logLik > poissonFit.logLik, "NB fits better than Poisson");
  });

  test("frequency weights: a row with weight k fits exactly like k copies of it (Poisson and NB)", () => {
    const rand = seededRandom(5);
    const n = 300;
    const x = new Float64Array(n * 2);
    const y = new Float64Array(n);
    const freq = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = rand() * 2 - 1;
      x[i * 2] = 1;
      x[i * 2 + 1] = v;
      y[i] = poisson(Math.exp(1 + 0.5 * v), rand);
      freq[i] = 1 + Math.floor(rand() * 3);
    }
    const copies: number[] = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < freq[i]!; k++) copies.push(i);
    const xc = new Float64Array(copies.length * 2);
    copies.forEach((i, r) => {
      xc[r * 2] = 1;
      xc[r * 2 + 1] = x[i * 2 + 1]!;
    });
    const yc = Float64Array.from(copies, (i) => y[i]!);
    for (const theta of [Number.POSITIVE_INFINITY, 3]) {
      const weighted = fitLogLink(denseDesign(n, 2, x), y, { theta, freq });
      const expanded = fitLogLink(denseDesign(copies.length, 2, xc), yc, { theta });
      for (let j = 0; j < 2; j++)
        close(weighted.coef[j]!, expanded.coef[j]!, 1e-9, `theta ${theta} coef ${j}`);
      close(weighted.logLik, expanded.logLik, 1e-8 * Math.abs(expanded.logLik), `theta ${theta} logLik`);
      for (let j = 0; j < 4; j++) close(weighted.cov[j]!, expanded.cov[j]!, 1e-9, `theta ${theta} cov ${j}`);
    }
  });

  test("no overdispersion is found in Poisson data", () => {
    const rand = seededRandom(3);
    const y = new Float64Array(2000);
    for (let i = 0; i < y.length; i++) y[i] = poisson(8, rand);
    const design = denseDesign(y.length, 1, new Float64Array(y.length).fill(1));
    assert.ok(overdispersionT(y, fitLogLink(design, y).mu) < 2.5);
  });
});

function poisson(mean: number, rand: () => number): number {
  // Knuth's product method; fine for the small means used here.
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

/** Gamma(shape, 1) by Marsaglia-Tsang (shape ≥ 1). */
function gamma(shape: number, rand: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = rand() || 1e-12;
      const u2 = rand();
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
