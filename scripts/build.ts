/**
 * `npm run build` (also run by `npm pack`): the package as it is installed. tsc compiles src/ into
 * dist/ (JS + .d.ts, `.ts` import specifiers rewritten to `.js`), esbuild bundles the dashboard into
 * dist/web/app.js next to its page and style sheet, and dist/build.json is written last: bin/ runs dist
 * only when that stamp exists and is newer than every source file, so a half-built or stale dist is
 * never run.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { bundleDashboard } from "../src/server/dashboard-bundle.ts";

const root = new URL("../", import.meta.url);
const dist = new URL("dist/", root);
const path = (u: URL) => u.pathname;

const started = performance.now();
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "-p", path(new URL("tsconfig.build.json", root))], {
  stdio: "inherit",
});
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

// The figure thread (charts/render-worker.js) bundled in place with Vega and Vega-Lite: each report
// starts one per core, and resolving and linking Vega's ~30 packages module by module cost each of
// them ~0.15 s of CPU of its ~0.25 s start (a report at 0.4M: ~0.3 s of its ~9 s), while DuckDB
// ingests beside them. The same code runs; only the loading differs. resvg is a native module and
// stays outside. The file stays where tsc wrote it, so render.js's paths (the fonts) still resolve.
const renderWorker = path(new URL("charts/render-worker.js", dist));
await build({
  entryPoints: [renderWorker],
  outfile: renderWorker,
  allowOverwrite: true,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["@resvg/resvg-js"],
  logLevel: "warning",
});

const web = new URL("web/", dist);
mkdirSync(web, { recursive: true });
writeFileSync(new URL("app.js", web), await bundleDashboard());
for (const file of ["index.html", "dashboard.css"]) {
  copyFileSync(new URL(`src/web/${file}`, root), new URL(file, web));
}
writeFileSync(new URL("build.json", dist), `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`);
console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
