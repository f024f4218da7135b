#!/usr/bin/env node
// The installed package runs the compiled JavaScript in dist/. A source checkout runs dist too when
// `npm run build` wrote it after the last change to src/; otherwise (never built, or sources edited
// since) it runs the TypeScript through tsx, a development dependency, so a fresh clone needs no build.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const stamp = `${root}dist/build.json`;
const src = `${root}src`;

function distIsCurrent() {
  if (!existsSync(stamp)) return false;
  if (!existsSync(src)) return true;
  const built = statSync(stamp).mtimeMs;
  return readdirSync(src, { recursive: true }).every((f) => statSync(`${src}/${f}`).mtimeMs <= built);
}

if (distIsCurrent()) {
  await import("../dist/cli/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
