/**
 * The dashboard's files, built in memory when the server starts: src/web/main.ts bundled by esbuild
 * with Vega, Vega-Lite, the figure builders and both dictionaries (nothing generated is committed and
 * nothing is fetched from a CDN), the report's style sheet plus the dashboard's, and the bundled font.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { REPORT_CSS } from "../report/html/css.ts";

export interface Asset {
  body: Buffer;
  type: string;
}

const WEB = new URL("../web/", import.meta.url);
const FONTS = new URL("../../assets/fonts/", import.meta.url);

/**
 * The figure registry (charts/index.ts) also holds the Node-only SVG/PNG renderer. In the browser only
 * the builders are used, so the renderer and Node built-ins resolve to empty modules.
 */
const browserStubs: Plugin = {
  name: "browser-stubs",
  setup(b) {
    b.onResolve({ filter: /^node:|^@resvg\// }, (args) => ({ path: args.path, namespace: "stub" }));
    b.onResolve({ filter: /\/render\.ts$/ }, (args) =>
      args.importer.endsWith(`charts${sep()}index.ts`) ? { path: args.path, namespace: "stub" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "module.exports = {};", loader: "js" }));
  },
};

function sep(): string {
  return process.platform === "win32" ? "\\" : "/";
}

/** Bundles the front end; takes a second or two (Vega is large), so the server does it once. */
export async function bundleDashboard(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("main.ts", WEB))],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    plugins: [browserStubs],
    logLevel: "silent",
  });
  const js = result.outputFiles[0];
  if (!js) throw new Error("dashboard bundle: esbuild produced no output");
  return js.text;
}

/** Every static file by URL path. */
export async function loadAssets(): Promise<Map<string, Asset>> {
  const [html, css, js, regular, bold] = await Promise.all([
    readFile(new URL("index.html", WEB)),
    readFile(new URL("dashboard.css", WEB), "utf8"),
    bundleDashboard(),
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
