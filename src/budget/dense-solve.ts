/*
 * A small dense solver for the normal equations of the response-curve regressions (20-30 columns).
 * X'WX is symmetric positive definite whenever the design has full column rank, so a Cholesky
 * factorisation is both the cheapest and the most stable choice; a pivot that is not clearly positive
 * means the design is rank deficient, which the caller must hear about instead of getting noise.
 */

/** A square matrix stored row-major in a Float64Array of n*n. */
export interface SquareMatrix {
  n: number;
  a: Float64Array;
}

export class SingularMatrixError extends Error {
  constructor(readonly column: number) {
    super(
      `the regression design is rank deficient at column ${column} (a column is a combination of others)`,
    );
  }
}

/** Lower-triangular L with A = L L' (in a new array); throws SingularMatrixError when A is not SPD. */
export function cholesky(m: SquareMatrix): SquareMatrix {
  const { n, a } = m;
  const l = new Float64Array(n * n);
  // A pivot below this share of the column's own scale is rounding noise, not information.
  const tolerance = 1e-12;
  for (let j = 0; j < n; j++) {
    let diag = a[j * n + j]!;
    for (let k = 0; k < j; k++) diag -= l[j * n + k]! ** 2;
    if (!(diag > tolerance * Math.max(1, Math.abs(a[j * n + j]!)))) throw new SingularMatrixError(j);
    const ljj = Math.sqrt(diag);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return { n, a: l };
}

/** Solves L L' x = b for x, given the factor from cholesky(). */
export function choleskySolve(factor: SquareMatrix, b: Float64Array): Float64Array {
  const { n, a: l } = factor;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** The inverse of A from its Cholesky factor (column by column); used for coefficient covariances. */
export function choleskyInverse(factor: SquareMatrix): SquareMatrix {
  const { n } = factor;
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(factor, e);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i]!;
  }
  return { n, a: inv };
}
