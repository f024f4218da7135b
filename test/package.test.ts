/**
 * The package as a user gets it: `npm pack` (which builds dist/), then `npm install` of the tarball
 * into an empty directory, then the CLI through npx and the library through a plain `import`, with no
 * tsx, no esbuild and no sources. Slow (an install from the registry), so one test file does it once.
 * The repository's own dist/ is left alone: other test files run bin/ concurrently, so the pack runs
 * in a copy of the sources.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "./helpers/temp.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SOURCES = ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "README.md"];
const SOURCE_DIRS = ["src", "scripts", "bin", "assets"];

const online =
  spawnSync("npm", ["ping", "--fetch-timeout=5000", "--fetch-retries=0"], { encoding: "utf8" }).status === 0;

function sh(cwd: string, command: string, args: string[]) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  assert.equal(r.status, 0, `${command} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe("the packed tarball", { skip: online ? false : "the npm registry is unreachable" }, () => {
  const tmp = tempDir("channelscope-pack-");
  const copy = join(tmp, "source");
  const app = join(tmp, "app");
  mkdirSync(copy);
  mkdirSync(app);
  for (const f of SOURCES) cpSync(join(ROOT, f), join(copy, f));
  for (const d of SOURCE_DIRS) cpSync(join(ROOT, d), join(copy, d), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));

  it("installs into an empty directory and runs from plain Node", async () => {
    const packed = sh(copy, "npm", ["pack", "--silent", "--pack-destination", tmp]).trim().split("\n");
    const tarball = join(tmp, packed[packed.length - 1]!);
    const listing = sh(tmp, "tar", ["-tzf", tarball]);
    assert.match(listing, /package\/dist\/index\.js/);
    assert.match(listing, /package\/dist\/index\.d\.ts/);
    assert.match(listing, /package\/dist\/web\/app\.js/);
    assert.doesNotMatch(listing, /package\/src\//, "the sources are not shipped");

    writeFileSync(join(app, "package.json"), '{ "private": true, "type": "module" }\n');
    sh(app, "npm", ["install", "--no-audit", "--no-fund", tarball]);
    const installed = join(app, "node_modules");
    assert.ok(!existsSync(join(installed, "tsx")), "tsx is a development dependency only");
    assert.ok(!existsSync(join(installed, "esbuild")), "esbuild is a development dependency only");

    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
    assert.equal(sh(app, "npx", ["channelscope", "--version"]).trim(), version);

    const demo = sh(app, "npx", ["channelscope", "demo"]);
    assert.match(demo, /Report: out\/index\.html/);
    const doc = JSON.parse(readFileSync(join(app, "out", "metrics.json"), "utf8"));
    assert.ok(existsSync(join(app, "out", "figures", "romi-by-source.svg")));

    // The library on the sample the demo generated gives the numbers the CLI wrote.
    writeFileSync(
      join(app, "lib.mjs"),
      `import { analyze, DuckDbEngine } from "channelscope";
const engine = await DuckDbEngine.open({ memoryLimit: "1GB" });
const inputs = { visits: { path: "sample/visits_log_us.csv" }, orders: { path: "sample/orders_log_us.csv" },
  costs: { path: "sample/costs_us.csv" } };
const a = await analyze(engine, inputs, {});
console.log(JSON.stringify({ ltvH: a.metrics.ltv.ltvH, buyers: a.metrics.data.buyers }));
await engine.close();\n`,
    );
    const lib = JSON.parse(sh(app, process.execPath, ["lib.mjs"]));
    assert.equal(lib.ltvH, doc.ltv.ltvH);
    assert.equal(lib.buyers, doc.data.buyers);
    assert.ok(typeof lib.buyers === "number" && lib.buyers > 1000);

    // The types resolve for a TypeScript consumer (strict, NodeNext), and are real: ltvH may be null.
    writeFileSync(
      join(app, "consumer.ts"),
      `import { type Analysis, analyze, DuckDbEngine } from "channelscope";
export async function ltv(path: string): Promise<number | null> {
  const engine = await DuckDbEngine.open({});
  const a: Analysis = await analyze(engine, { visits: { path }, orders: { path }, costs: { path } }, {});
  return a.metrics.ltv.ltvH;
}\n`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          target: "es2022",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ["consumer.ts"],
      }),
    );
    sh(app, process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."]);

    // The dashboard is served from the prebuilt bundle (no esbuild in this install).
    const served = await serveOnce(app);
    assert.equal(served.status, 200);
    assert.ok(served.bytes > 100_000, `app.js is ${served.bytes} bytes`);
  });
});

/** Starts `channelscope serve` on a free port, fetches /app.js, stops the server. */
async function serveOnce(cwd: string): Promise<{ status: number; bytes: number }> {
  const child = spawn(
    process.execPath,
    [
      join(cwd, "node_modules", "channelscope", "bin", "channelscope.js"),
      "serve",
      "--visits",
      "sample/visits_log_us.csv",
      "--orders",
      "sample/orders_log_us.csv",
      "--costs",
      "sample/costs_us.csv",
      "--port",
      "0",
    ],
    { cwd, stdio: ["ignore", "pipe", "pipe"] },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d;
        const m = /http:\/\/\S+/.exec(out);
        if (m) resolve(m[0].replace(/\/$/, ""));
      });
      child.stderr.on("data", (d: Buffer) => {
        err += d;
      });
      child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    const res = await fetch(`${url}/app.js`);
    return { status: res.status, bytes: (await res.arrayBuffer()).byteLength };
  } finally {
    child.kill("SIGTERM");
  }
}
