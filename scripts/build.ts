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

const web = new URL("web/", dist);
mkdirSync(web, { recursive: true });
writeFileSync(new URL("app.js", web), await bundleDashboard());
for (const file of ["index.html", "dashboard.css"]) {
  copyFileSync(new URL(`src/web/${file}`, root), new URL(file, web));
}
writeFileSync(new URL("build.json", dist), `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`);
console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
