/**
 * Bundles the dashboard's front end (src/web/main.ts) with Vega, Vega-Lite, the figure builders and
 * both dictionaries into one ES module: nothing is fetched from a CDN. `npm run build` writes it to
 * dist/web/app.js; running from the sources, the server calls this at start instead. esbuild is a
 * development dependency, so only those two paths import this module.
 */
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const ENTRY = new URL("../web/main.ts", import.meta.url);

/**
 * The figure registry (charts/index.ts) also holds the Node-only SVG/PNG renderer. In the browser only
 * the builders are used, so the renderer and Node built-ins resolve to empty modules.
 */
const browserStubs: Plugin = {
  name: "browser-stubs",
  setup(b) {
    b.onResolve({ filter: /^node:|^@resvg\// }, (args) => ({ path: args.path, namespace: "stub" }));
    b.onResolve({ filter: /\/render(-all|-pool)?\.ts$/ }, (args) =>
      args.importer.endsWith(`charts${sep()}index.ts`) ? { path: args.path, namespace: "stub" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "module.exports = {};", loader: "js" }));
  },
};

function sep(): string {
  return process.platform === "win32" ? "\\" : "/";
}

/** The minified bundle's text; takes a second or two (Vega is large). */
export async function bundleDashboard(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(ENTRY)],
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
