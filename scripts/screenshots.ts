/**
 * The README's pictures, re-made from the current code on the bundled sample (the one `npm start`
 * generates): `docs/dashboard.png` (the dashboard's overview at 1280 px), `docs/romi-by-source.png`
 * (the report's figure, as `report --png` writes it) and `docs/report-phone.png` (the HTML report's
 * Marketing section on a 390-px phone). With `--look DIR` it also saves the pages one
 * checks by eye before a release: the dashboard's pages and the HTML report at 1280 and 390 px, in
 * English and Russian.
 *
 *   node --import tsx scripts/screenshots.ts [--look /tmp/look]
 *
 * Needs Debian's chromium (test/helpers/browser.ts).
 */
import { execFileSync } from "node:child_process";
import { copyFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { describeDataset, startServer } from "../src/server/index.ts";
import { launchChromium } from "../test/helpers/browser.ts";

const { values } = parseArgs({ options: { look: { type: "string" } } });
const docs = new URL("../docs/", import.meta.url).pathname;
const work = join(tmpdir(), `channelscope-shots-${process.pid}`);
const sample = join(work, "sample");
await generateSample({ out: sample });
const inputs = {
  visits: { path: join(sample, "visits_log_us.csv") },
  orders: { path: join(sample, "orders_log_us.csv") },
  costs: { path: join(sample, "costs_us.csv") },
};

// The report, with PNG figures, in both languages (the Russian one only for the look).
const reports: Record<string, string> = {};
for (const lang of values.look ? (["en", "ru"] as const) : (["en"] as const)) {
  const out = join(work, `out-${lang}`);
  const bin = new URL("../bin/channelscope.js", import.meta.url).pathname;
  const files = ["visits", "orders", "costs"].flatMap((k) => [
    `--${k}`,
    inputs[k as keyof typeof inputs].path,
  ]);
  execFileSync(
    process.execPath,
    [bin, "report", ...files, "--out", out, "--lang", lang, ...(lang === "en" ? ["--png"] : [])],
    {
      stdio: "ignore",
    },
  );
  reports[lang] = join(out, "index.html");
}
await copyFile(join(work, "out-en", "figures", "romi-by-source.png"), join(docs, "romi-by-source.png"));

const engine = await DuckDbEngine.open({ path: ":memory:" });
const dataQuality = await ingest(engine, inputs);
const dataset = await describeDataset(engine, dataQuality, "USD");
const server = await startServer({ dataset, port: 0 });
const browser = await launchChromium();
try {
  const shot = async (url: string, width: number, path: string, fullPage = false) => {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(url);
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(300);
    await page.screenshot({ path, fullPage });
    await page.close();
  };
  await shot(server.url, 1280, join(docs, "dashboard.png"));
  // The report on a phone, at its Marketing section: the figures drawn for a phone's column.
  await shot(`file://${reports.en}#marketing`, 390, join(docs, "report-phone.png"));
  if (values.look) {
    await mkdir(values.look, { recursive: true });
    for (const lang of ["en", "ru"] as const)
      for (const width of [1280, 390]) {
        for (const page of ["overview", "product", "sales", "marketing", "source"]) {
          const query = `?page=${page}&lang=${lang}${page === "source" ? "&sources=3" : ""}`;
          await shot(
            `${server.url}${query}`,
            width,
            join(values.look, `dash-${page}-${lang}-${width}.png`),
            true,
          );
        }
        await shot(`file://${reports[lang]}`, width, join(values.look, `report-${lang}-${width}.png`), true);
      }
  }
} finally {
  await browser.close();
  await server.close();
  await engine.close();
}
console.log(
  `docs/dashboard.png, docs/romi-by-source.png, docs/report-phone.png${values.look ? `, and ${values.look}/*.png` : ""}`,
);
