/**
 * The load benches' filter sequence (bench/load.ts, bench/dashboard-changes.ts): the n-th filter of a
 * sequence that never repeats within a run (sources × devices × horizon × grain × margin), as a query
 * string, so both benches ask the server for the same kind of new filters.
 */
export function filterQuery(n: number, sources: string[], devices: string[]): string {
  const k = n + 1;
  const pick = sources.filter((_, i) => ((k * 2654435761) >>> i) & 1);
  const device = ["", ...devices][k % (devices.length + 1)]!;
  const params = new URLSearchParams();
  if (pick.length > 0 && pick.length < sources.length) params.set("sources", pick.join(","));
  if (device) params.set("devices", device);
  params.set("horizon", String(1 + (k % 12)));
  params.set("grain", k % 2 === 0 ? "month" : "week");
  params.set("margin", (0.5 + (k % 50) / 100).toFixed(2));
  return params.toString();
}
