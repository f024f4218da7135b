import { logGamma } from "./log-gamma.ts";

/** P(X ≤ x) for X ~ chi-square with `df` degrees of freedom: the regularised lower gamma P(df/2, x/2). */
export function chiSquareCdf(x: number, df: number): number {
  if (x <= 0) return 0;
  return lowerGammaRegularised(df / 2, x / 2);
}

/** Series for x < a + 1, Lentz's continued fraction of the upper tail otherwise (Numerical Recipes §6.2). */
function lowerGammaRegularised(a: number, x: number): number {
  const lead = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return sum * Math.exp(lead);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return 1 - Math.exp(lead) * h;
}
