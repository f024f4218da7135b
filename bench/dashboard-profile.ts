/**
 * Where the dashboard's time goes after a source click, in headless Chromium on the 0.4M sample (as
 * test/dashboard-latency.test.ts serves it): per click, a timeline of the page's API requests (sent,
 * answered, parsed) and of data-trust-pending, the CPU time of Chromium's processes and of the server
 * (this process) from the click to the intervals drawn (and of the page's renderer's main thread alone), and a CPU profile (Chromium's Profiler
 * through CDP) written to OUT. PROFILE=0 leaves the profiler off (it slows the page down; use it for
 * CPU times); PROFILE_NAMES=1 serves the bundle unminified, so that the profile names functions.
 * Run: node --import tsx bench/dashboard-profile.ts [clicks] [outDir]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { launchChromium } from "../test/helpers/browser.ts";
import { servedSample } from "../test/helpers/sample.ts";

const CLICKS = Number(process.argv[2] ?? 4);
const OUT = process.argv[3] ?? "/tmp/dashboard-profile";
mkdirSync(OUT, { recursive: true });

const { dataset, server } = await servedSample(254_000, 7);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
// PROFILE_NAMES=1: the bundle unminified, so that the profile names functions (slower to parse only).
if (process.env.PROFILE_NAMES) {
  const { bundleForBrowser } = await import("../src/server/dashboard-bundle.ts");
  const { fileURLToPath } = await import("node:url");
  const entry = fileURLToPath(new URL("../src/web/main.ts", import.meta.url));
  const js = await bundleForBrowser({ entry }, { minify: false });
  await page.route("**/app.js", (route) =>
    route.fulfill({ body: js, contentType: "text/javascript; charset=utf-8" }),
  );
}
// Times of every fetch (start, headers, body parsed) and of every trust-pending change, in the page.
// A string, not a function: tsx would add helpers (__name) the page does not have.
await page.addInitScript(`(() => {
  const marks = (window.marks = []);
  const mark = (what) => window.marks.push([what, performance.now()]);
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = String(input);
    const kind = url.includes("intervals=1") ? "intervals" : url.includes("/api/budget") ? "budget" : "point";
    mark(kind + " fetch");
    const response = await original(input, init);
    mark(kind + " headers");
    const json = response.json.bind(response);
    response.json = async () => {
      const text = await response.clone().text();
      mark(kind + " body " + text.length + " chars");
      const body = await json();
      mark(kind + " parsed");
      return body;
    };
    return response;
  };
  document.addEventListener("DOMContentLoaded", () => {
    const root = document.querySelector("#page");
    if (!root) return;
    new MutationObserver(() => mark("pending " + root.hasAttribute("data-trust-pending"))).observe(root, {
      attributes: true,
      attributeFilter: ["data-trust-pending"],
    });
  });
  document.addEventListener("click", () => mark("click"), { capture: true });
})()`);
await page.goto(`${server.url}?page=marketing`);
await page.waitForFunction(
  () => document.querySelector("#page section") && !document.querySelector("#page[data-trust-pending]"),
);
await new Promise((r) => setTimeout(r, 3000));
const cdp = await page.context().newCDPSession(page);
// PROFILE=0: CPU time only (the sampling profiler itself slows the page down).
const profiling = process.env.PROFILE !== "0";
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
/**
 * CPU time (user + system, ms) of every Chromium process (browser, renderer, GPU, network), read from
 * /proc: Chromium's own TaskDuration counts the time its thread waits for a core on a busy machine.
 */
const browserCpu = (): Record<string, number> => {
  const stats = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
          .replace(/^.*\) /, "")
          .split(" ");
        return [
          { pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) },
        ];
      } catch {
        return [];
      }
    });
  const ours = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of stats)
      if (!ours.has(s.pid) && ours.has(s.ppid)) {
        ours.add(s.pid);
        grew = true;
      }
  }
  ours.delete(process.pid);
  const byType: Record<string, number> = {};
  for (const s of stats.filter((x) => ours.has(x.pid))) {
    let type = "browser";
    try {
      type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${s.pid}/cmdline`, "utf8"))?.[1] ?? "browser";
    } catch {}
    byType[type] = (byType[type] ?? 0) + s.ticks * 10;
    // A renderer's main thread (its tid is the process id): where the page's JavaScript, style,
    // layout and paint run, apart from its compositor and raster threads.
    if (type === "renderer") {
      try {
        const fields = readFileSync(`/proc/${s.pid}/task/${s.pid}/stat`, "utf8")
          .replace(/^.*\) /, "")
          .split(" ");
        byType["renderer main"] =
          (byType["renderer main"] ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10;
      } catch {}
    }
  }
  return byType;
};
const minus = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]));
const sum = (a: Record<string, number>) => Object.values(a).reduce((x, y) => x + y, 0);
const totals = { page: 0, server: 0, types: {} as Record<string, number> };
for (const id of dataset.catalog.sources.slice(0, CLICKS)) {
  await page.evaluate(() => {
    (window as unknown as { marks: unknown[] }).marks = [];
  });
  if (profiling) await cdp.send("Profiler.start");
  const busyBefore = browserCpu();
  const cpuBefore = process.cpuUsage();
  await page.locator(`button[data-source="${id}"]`).click();
  await page.waitForURL((url) => (url.searchParams.get("sources") ?? "").split(",").includes(id));
  await page.waitForFunction(() =>
    (window as unknown as { marks: [string, number][] }).marks.some(([m]) => m === "pending false"),
  );
  // The server runs in this process: its CPU time (DuckDB's threads included) for the click.
  const cpu = process.cpuUsage(cpuBefore);
  const byType = minus(browserCpu(), busyBefore);
  const busy = sum(byType) - (byType["renderer main"] ?? 0);
  for (const [k, v] of Object.entries(byType)) totals.types[k] = (totals.types[k] ?? 0) + v;
  const serverMs = (cpu.user + cpu.system) / 1000;
  totals.page += busy;
  totals.server += serverMs;
  if (profiling) {
    const { profile } = await cdp.send("Profiler.stop");
    writeFileSync(`${OUT}/click-${id}.cpuprofile`, JSON.stringify(profile));
  }
  const marks = await page.evaluate(() => (window as unknown as { marks: [string, number][] }).marks);
  const t0 = marks.find(([m]) => m === "click")?.[1] ?? 0;
  process.stdout.write(
    `source ${id}: browser CPU ${Math.round(busy)} ms, server CPU ${Math.round(serverMs)} ms; ${marks.map(([m, t]) => `${m} @${Math.round(t - t0)}`).join(", ")}\n`,
  );
  // Let the budget plan settle before the next click (as the latency test does).
  await new Promise((r) => setTimeout(r, 4000));
}
process.stdout.write(
  `${CLICKS} clicks: browser CPU ${Math.round(totals.page)} ms (${JSON.stringify(totals.types)}), server CPU ${Math.round(totals.server)} ms (click to intervals drawn)\n`,
);
await browser.close();
await server.close();
