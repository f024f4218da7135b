/**
 * Geometric adstock normalised to the spend's level: A(d) = (1 - decay) s(d) + decay A(d-1), started
 * at A(0) = s(0), so a constant spend gives A = s and scaling every day's spend by k scales A by k
 * (which is why a curve in log A is also a curve in monthly spend). `decay` = share of a day's effect
 * that carries into the next day. A day without a cost row (null) is carried by the mean of its
 * neighbours' spend for the recursion only; the fit leaves that day out.
 */
export function geometricAdstock(spend: readonly (number | null)[], decay: number): Float64Array {
  if (!(decay >= 0 && decay < 1)) throw new Error(`adstock decay must be in [0, 1), got ${decay}`);
  const n = spend.length;
  const filled = new Float64Array(n);
  for (let d = 0; d < n; d++) filled[d] = spend[d] ?? neighbourMean(spend, d);
  const out = new Float64Array(n);
  for (let d = 0; d < n; d++) out[d] = d === 0 ? filled[0]! : (1 - decay) * filled[d]! + decay * out[d - 1]!;
  return out;
}

function neighbourMean(spend: readonly (number | null)[], d: number): number {
  const around = [spend[d - 1], spend[d + 1]].filter((s): s is number => typeof s === "number");
  return around.length > 0 ? around.reduce((a, b) => a + b, 0) / around.length : 0;
}
