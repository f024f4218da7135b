/** Work-arounds for running Vega under a strict Content-Security-Policy (vega-interpreter). */
/**
 * vega-interpreter 2.3 reads `datetime(n)` with one number as the year n (Vega's own code generator
 * gives `new Date(n)`, a timestamp), which puts every date of a fixed time-scale domain at NaN. A
 * timestamp works as a domain value by itself, so single-number `datetime` calls in expressions are
 * replaced by their number. Data values are not touched.
 */
export function timestampsForInterpreter<T>(spec: T): T {
  const fix = (value: unknown, key: string): unknown => {
    if (typeof value === "string")
      return key === "signal" || key === "expr"
        ? value.replace(/\bdatetime\((-?\d+(?:\.\d+)?)\)/g, "$1")
        : value;
    if (Array.isArray(value)) return value.map((v) => fix(v, key));
    if (value && typeof value === "object") {
      if (key === "values") return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fix(v, k)]));
    }
    return value;
  };
  return fix(spec, "") as T;
}
