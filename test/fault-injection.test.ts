/**
 * Fault injection (issue 12): a report killed mid-way, a full disk, an injected write failure, and
 * truncated or corrupt inputs. In every case the previous report survives whole and the user gets
 * one line, never a stack trace.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { generateSample } from "../src/generate/index.ts";
import { replaceDirectory } from "../src/report/report-dir.ts";
import { tempDir } from "./helpers/temp.ts";

const BIN = new URL("../bin/channelscope.js", import.meta.url).pathname;
const dir = tempDir();
const sample = join(dir, "sample");
const inputs = () => [
  "--visits",
  join(sample, "visits_log_us.csv"),
  "--orders",
  join(sample, "orders_log_us.csv"),
  "--costs",
  join(sample, "costs_us.csv"),
];

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `root` with a digest of its bytes: a report compared before and after. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[path.slice(root.length)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(root);
  return out;
}

/** Fills the file system of `mount` up to `spare` free bytes. */
function fillUp(mount: string, name: string, spare: number): void {
  const df = spawnSync("df", ["--output=avail", "-B1", mount], { encoding: "utf8" });
  const free = Number(df.stdout.split("\n")[1]);
  try {
    writeFileSync(join(mount, name), Buffer.alloc(Math.max(0, free - spare)));
  } catch {
    // ENOSPC on the last block: full is what we want
  }
}

const leftovers = (parent: string) =>
  readdirSync(parent).filter((e) => e.includes(".partial-") || e.includes(".previous-"));

before(async () => {
  await generateSample({ out: sample, users: 3000, seed: 5 });
});

describe("a report interrupted mid-way leaves the previous report intact", () => {
  const out = join(dir, "report");

  it("SIGKILL while writing: the previous report is unchanged, the next run tidies up", async () => {
    const first = run(["report", ...inputs(), "--out", out]);
    assert.equal(first.status, 0, first.stderr);
    const previous = snapshot(out);
    assert.ok(previous["/index.html"] && previous["/metrics.json"]);

    const child = spawn(process.execPath, [BIN, "report", ...inputs(), "--out", out], {
      cwd: dir,
      stdio: "ignore",
    });
    const partial = join(dir, `.report.partial-${child.pid}`);
    // Kill as soon as the new report has started to be written (metrics.json is in, figures are not).
    const killedWhileWriting = await new Promise<boolean>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(join(partial, "metrics.json"))) {
          clearInterval(poll);
          child.kill("SIGKILL");
          resolve(true);
        }
      }, 2);
      child.once("exit", () => {
        clearInterval(poll);
        resolve(false);
      });
    });
    assert.ok(killedWhileWriting, "the run ended before it could be killed mid-write");
    await new Promise((resolve) => child.once("close", resolve));
    assert.deepEqual(snapshot(out), previous);
    for (const name of Object.keys(previous)) assert.ok(statSync(join(out, name)).size > 0, name);

    const again = run(["report", ...inputs(), "--out", out, "--no-figures"]);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(leftovers(dir), []);
    // A run without figures replaces the whole report: no stale page or figures beside new numbers.
    assert.equal(existsSync(join(out, "index.html")), false);
    assert.equal(existsSync(join(out, "figures")), false);
  });

  it("SIGINT while writing: exit 130, the partial report is removed, the previous one stays", async () => {
    const previous = snapshot(out);
    const child = spawn(process.execPath, [BIN, "report", ...inputs(), "--out", out], {
      cwd: dir,
      stdio: "ignore",
    });
    const partial = join(dir, `.report.partial-${child.pid}`);
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(join(partial, "metrics.json"))) {
          clearInterval(poll);
          child.kill("SIGINT");
        }
      }, 2);
      child.once("close", (c) => {
        clearInterval(poll);
        resolve(c);
      });
    });
    assert.equal(code, 130);
    assert.deepEqual(snapshot(out), previous);
    assert.deepEqual(leftovers(dir), []);
  });
});

describe("a write that fails leaves the previous report intact", () => {
  it("an injected failure while writing: nothing of the new report reaches --out", async () => {
    const out = join(dir, "injected");
    mkdirSync(out);
    writeFileSync(join(out, "metrics.json"), "old\n");
    await assert.rejects(
      replaceDirectory(out, async (work) => {
        writeFileSync(join(work, "metrics.json"), "new, half written");
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      }),
      /ENOSPC/,
    );
    assert.equal(readFileSync(join(out, "metrics.json"), "utf8"), "old\n");
    assert.deepEqual(leftovers(dir), []);
  });

  it("a directory holding anything but a report is never swapped (nor its files lost)", async () => {
    const home = join(dir, "home");
    mkdirSync(home);
    writeFileSync(join(home, "thesis.docx"), "precious");
    await assert.rejects(
      replaceDirectory(home, async () => undefined),
      /holds files that are not part of a report \(thesis\.docx\)/,
    );
    assert.equal(readFileSync(join(home, "thesis.docx"), "utf8"), "precious");
  });

  describe("a full disk (a small tmpfs; needs root)", () => {
    const mount = join(dir, "tiny");
    let mounted = false;
    before(() => {
      mkdirSync(mount, { recursive: true });
      mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mount]).status === 0;
    });
    after(() => {
      if (mounted) spawnSync("umount", [mount]);
    });

    it("report on a full disk: one line, exit 2, the previous report unchanged", (t) => {
      if (!mounted) return t.skip("cannot mount a tmpfs here (not root)");
      const out = join(mount, "report");
      const first = run(["report", ...inputs(), "--out", out, "--no-figures"]);
      assert.equal(first.status, 0, first.stderr);
      const previous = snapshot(out);
      fillUp(mount, "filler", 64 * 1024); // room for less than one more report
      const r = run(["report", ...inputs(), "--out", out, "--no-figures"]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /no space left/i);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.deepEqual(snapshot(out), previous);
      assert.deepEqual(leftovers(mount), []);
    });

    it("check --json on a full disk keeps the earlier JSON whole", (t) => {
      if (!mounted) return t.skip("cannot mount a tmpfs here (not root)");
      const json = join(mount, "dq.json");
      writeFileSync(json, '{"earlier": true}\n');
      fillUp(mount, "filler-2", 0);
      const r = run(["check", ...inputs(), "--json", json, "--quarantine", join(dir, "q.csv")]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /no space left/i);
      assert.equal(readFileSync(json, "utf8"), '{"earlier": true}\n');
    });
  });
});

describe("truncated and corrupt inputs are one-line errors", () => {
  const visitsCsv = () => readFileSync(join(sample, "visits_log_us.csv"));

  it("a .csv.gz cut short", () => {
    const gz = gzipSync(visitsCsv());
    const path = join(dir, "cut.csv.gz");
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = run(["check", "--visits", path]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /cut\.csv\.gz: the gzip stream ends early/);
  });

  it("a .csv.gz with corrupt bytes", () => {
    const gz = gzipSync(visitsCsv());
    gz.fill(0x55, 1000, 1200);
    const path = join(dir, "corrupt.csv.gz");
    writeFileSync(path, gz);
    const r = run(["check", "--visits", path]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /corrupt\.csv\.gz: (corrupt gzip data|the gzip stream ends early)/);
  });

  it("a CSV cut in the middle of its last row: that row is malformed, the rest loads", () => {
    const bytes = visitsCsv();
    const path = join(dir, "cut.csv");
    writeFileSync(path, bytes.subarray(0, bytes.length - 30));
    const lines = bytes
      .subarray(0, bytes.length - 30)
      .toString("utf8")
      .split("\n").length;
    const r = run(["check", "--visits", path, "--quarantine", join(dir, "cut-q.csv")]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`rows read ${(lines - 1).toLocaleString("en-US")},`));
    assert.match(r.stdout, /malformed line .*\(line \d+\)/);
  });

  it("a Parquet file cut short or overwritten with junk", () => {
    const parquet = join(dir, "good.parquet");
    const made = run(["generate", "--out", join(dir, "pq"), "--users", "300", "--format", "parquet"]);
    assert.equal(made.status, 0, made.stderr);
    const bytes = readFileSync(join(dir, "pq", "visits_log_us.parquet"));
    writeFileSync(parquet, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const cut = run(["check", "--visits", parquet]);
    assert.equal(cut.status, 2, cut.stderr);
    assert.match(cut.stderr, /good\.parquet: unreadable file/);
    const junk = join(dir, "junk.parquet");
    writeFileSync(junk, Buffer.alloc(4096, 7));
    const bad = run(["check", "--visits", junk]);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /junk\.parquet: unreadable file/);
  });
});
