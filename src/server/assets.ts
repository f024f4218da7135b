/**
 * The dashboard's files: the front end bundled into one module (src/web/main.ts with Vega, Vega-Lite,
 * the figure builders and both dictionaries), the page, the report's style sheet plus the dashboard's,
 * and the bundled font. An installed package serves the bundle `npm run build` wrote into dist/web/;
 * running from the sources (no dist), the bundle is built in memory at start.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { REPORT_CSS } from "../report/html/css.ts";

export interface Asset {
  body: Buffer;
  type: string;
}

// dist/server/assets.js -> dist/web/, src/server/assets.ts -> src/web/: the build copies the page and
// the style sheet next to the bundle, so both layouts hold the same files.
const WEB = new URL("../web/", import.meta.url);
const FONTS = new URL("../../assets/fonts/", import.meta.url);
const PREBUILT = new URL("app.js", WEB);

/** The prebuilt bundle, or one built now when running from the sources. */
async function dashboardScript(): Promise<string> {
  if (existsSync(PREBUILT)) return readFile(PREBUILT, "utf8");
  if (!existsSync(new URL("main.ts", WEB))) {
    throw new Error(`the dashboard bundle ${PREBUILT.pathname} is missing: run npm run build`);
  }
  const { bundleDashboard } = await import("./dashboard-bundle.ts");
  return bundleDashboard();
}

/** Every static file by URL path. */
export async function loadAssets(): Promise<Map<string, Asset>> {
  const [html, css, js, regular, bold] = await Promise.all([
    readFile(new URL("index.html", WEB)),
    readFile(new URL("dashboard.css", WEB), "utf8"),
    dashboardScript(),
    readFile(new URL("LiberationSans-Regular.ttf", FONTS)),
    readFile(new URL("LiberationSans-Bold.ttf", FONTS)),
  ]);
  const fontFaces = `@font-face { font-family: "Liberation Sans"; src: url(/fonts/regular.ttf); }
@font-face { font-family: "Liberation Sans"; font-weight: bold; src: url(/fonts/bold.ttf); }\n`;
  const assets = new Map<string, Asset>([
    ["/", { body: html, type: "text/html; charset=utf-8" }],
    ["/app.js", { body: Buffer.from(js), type: "text/javascript; charset=utf-8" }],
    ["/app.css", { body: Buffer.from(fontFaces + REPORT_CSS + css), type: "text/css; charset=utf-8" }],
    ["/fonts/regular.ttf", { body: regular, type: "font/ttf" }],
    ["/fonts/bold.ttf", { body: bold, type: "font/ttf" }],
  ]);
  assets.set("/index.html", assets.get("/")!);
  return assets;
}
