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
export function bundleDashboard(): Promise<string> {
  return bundleForBrowser({ entry: fileURLToPath(ENTRY) });
}

/**
 * Any front-end module (a file, or source text resolved from a directory: the benches' pages) bundled
 * as the dashboard is, with the browser stubs; unminified when a profile should name its functions.
 */
export async function bundleForBrowser(
  input: { entry: string } | { source: string; resolveDir: string },
  { minify = true }: { minify?: boolean } = {},
): Promise<string> {
  const result = await build({
    ...("entry" in input
      ? { entryPoints: [input.entry] }
      : { stdin: { contents: input.source, resolveDir: input.resolveDir, loader: "ts" as const } }),
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify,
    plugins: [browserStubs],
    logLevel: "silent",
  });
  const js = result.outputFiles[0];
  if (!js) throw new Error("dashboard bundle: esbuild produced no output");
  return js.text;
}
