/**
 * The likelihood's curvature at its maximum, for the parametric bootstrap of the buyer-level
 * forecast: the observed information (minus the Hessian of the log-likelihood, by central
 * differences on the log parameters) inverted is the asymptotic covariance of the estimates, and
 * θ̂ + C z (C C' = covariance, z standard normal) draws from it.
 */

/** Minus the Hessian of `logLik` at `at`, by central second differences with step `h`. */
export function observedInformation(
  logLik: (v: readonly number[]) => number,
  at: readonly number[],
  h = 1e-3,
): number[][] {
  const n = at.length;
  const shifted = (i: number, di: number, j: number, dj: number) => {
    const v = [...at];
    v[i]! += di;
    v[j]! += dj;
    return logLik(v);
  };
  const f0 = logLik(at);
  const info = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    info[i]![i] = -(shifted(i, h, i, 0) - 2 * f0 + shifted(i, -h, i, 0)) / (h * h);
    for (let j = 0; j < i; j++) {
      const d =
        (shifted(i, h, j, h) - shifted(i, h, j, -h) - shifted(i, -h, j, h) + shifted(i, -h, j, -h)) /
        (4 * h * h);
      info[i]![j] = -d;
      info[j]![i] = -d;
    }
  }
  return info;
}

/** Lower Cholesky factor of a symmetric positive definite matrix, or null when it is not. */
export function cholesky(a: readonly (readonly number[])[]): number[][] | null {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  return l;
}

/** The inverse of a symmetric positive definite matrix from its Cholesky factor. */
export function inverseFromCholesky(l: readonly (readonly number[])[]): number[][] {
  const n = l.length;
  // L⁻¹ by forward substitution, then A⁻¹ = L⁻ᵀ L⁻¹.
  const li = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    li[j]![j] = 1 / l[j]![j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s += l[i]![k]! * li[k]![j]!;
      li[i]![j] = -s / l[i]![i]!;
    }
  }
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++) s += li[k]![i]! * li[k]![j]!;
      return s;
    }),
  );
}

/**
 * A sampler of the estimates' asymptotic normal on the log scale, or null when the information is not
 * positive definite (a flat direction: the data do not pin the parameters down, so no interval).
 */
export function estimateSampler(
  logLik: (v: readonly number[]) => number,
  at: readonly number[],
): ((normal: () => number) => number[]) | null {
  const info = cholesky(observedInformation(logLik, at));
  if (!info) return null;
  const c = cholesky(inverseFromCholesky(info));
  if (!c) return null;
  return (normal) => {
    const z = at.map(() => normal());
    return at.map((v, i) => v + c[i]!.reduce((s, cij, j) => s + cij * z[j]!, 0));
  };
}
