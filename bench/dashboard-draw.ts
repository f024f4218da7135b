/**
 * How long the dashboard's page takes to draw itself in headless Chromium, apart from the server and
 * the network: the page's own code (src/web/pages.ts, charts.ts) bundled from this checkout, fed
 * analysis documents fetched beforehand from the 0.4M sample (as test/dashboard-latency.test.ts
 * serves it). Per source filter, the point numbers drawn on a fresh scope (every figure), then their
 * intervals on the same scope (the figures the intervals change), as main.ts draws a filter change.
 * Prints the minimum and median over ROUNDS rounds of each: the minimum is the least disturbed by
 * other work on the machine, so two checkouts compare on a busy one.
 * Run: node --import tsx bench/dashboard-draw.ts [rounds] [page] [width]
 */
import { fileURLToPath } from "node:url";
import { bundleForBrowser } from "../src/server/dashboard-bundle.ts";
import { launchChromium } from "../test/helpers/browser.ts";
import { servedSample } from "../test/helpers/sample.ts";

const ROUNDS = Number(process.argv[2] ?? 5);
const PAGE = process.argv[3] ?? "marketing";
const WIDTH = Number(process.argv[4] ?? 1280);
const WEB = fileURLToPath(new URL("../src/web/", import.meta.url));

// The page's drawing, as main.ts drawPage does it, exposed to the bench.
const entry = `
import { analysisOfDocument, presentationOf } from "../presentation.ts";
import { drawCharts } from "./charts.ts";
import { filterNote, pageHtml } from "./pages.ts";
const app = document.getElementById("app");
app.innerHTML = '<main id="page"></main>';
const root = document.getElementById("page");
window.drawOnce = async (doc, page, scope) => {
  const started = performance.now();
  const p = presentationOf(analysisOfDocument(doc), "en");
  root.innerHTML = String(filterNote(p.context, p.analysis.metrics)) + String(pageHtml(page, p));
  await drawCharts(root, p, () => undefined, {}, scope);
  return performance.now() - started;
};
`;
const js = await bundleForBrowser({ source: entry, resolveDir: WEB });

const { dataset, server } = await servedSample(254_000, 7);
const ids = dataset.catalog.sources.slice(0, 6);
const docs: { point: unknown; intervals: unknown }[] = [];
for (const id of ids) {
  const get = async (intervals: boolean) =>
    (await fetch(`${server.url}api/analysis?sources=${id}${intervals ? "&intervals=1" : ""}`)).json();
  docs.push({ point: await get(false), intervals: await get(true) });
}
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
await page.route("**/app.js", (route) =>
  route.fulfill({ body: js, contentType: "text/javascript; charset=utf-8" }),
);
await page.goto(server.url);
await page.waitForFunction(() => "drawOnce" in window);
const point: number[] = [];
const intervals: number[] = [];
let scope = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const doc of docs) {
    scope += 1;
    const draw = (d: unknown) =>
      page.evaluate(
        ([d, p, s]) =>
          (window as unknown as { drawOnce(d: unknown, p: string, s: string): Promise<number> }).drawOnce(
            d,
            p,
            s,
          ),
        [d, PAGE, String(scope)] as const,
      );
    point.push(await draw(doc.point));
    intervals.push(await draw(doc.intervals));
  }
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${Math.round(s[0]!)} ms, median ${Math.round(s[Math.floor(s.length / 2)]!)} ms`;
};
process.stdout.write(
  `${PAGE} at ${WIDTH} px, ${ids.length} source filters x ${ROUNDS} rounds: point numbers drawn ${stats(point)}; their intervals drawn ${stats(intervals)}\n`,
);
await browser.close();
await server.close();
