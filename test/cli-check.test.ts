import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir, writeLines } from "./helpers/temp.ts";

const BIN = new URL("../bin/channelscope.js", import.meta.url).pathname;
const dir = tempDir();

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("channelscope check", () => {
  const orders = writeLines(dir, "orders.csv", [
    "Buy Ts,Revenue,Uid",
    "2018-01-01 10:00:00,5.00,1",
    "2018-01-01 10:00:00,-5.00,2",
    "2018-01-02 10:00:00,0,3",
  ]);

  it("prints the report, writes the quarantine and the JSON, exits 0", () => {
    const json = join(dir, "dq.json");
    const r = run("check", "--orders", orders, "--json", json);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /rows read 3, loaded 2, rejected 1/);
    assert.match(r.stdout, /rejected 1: negative revenue \(line 3\)/);
    assert.match(r.stdout, /1 order with revenue 0/);
    const quarantine = readFileSync(join(dir, "quarantine.csv"), "utf8");
    assert.match(quarantine, /^table,file,line,reason,raw\n/);
    assert.match(quarantine, /orders,.*orders\.csv,3,negative_revenue,/);
    const report = JSON.parse(readFileSync(json, "utf8"));
    assert.equal(report.files[0].rejected[0].reason, "negative_revenue");
  });

  const fatal: [string, string[], RegExp][] = [
    [
      "a missing file",
      ["check", "--orders", "missing.csv"],
      /^channelscope: missing\.csv: file not found\n$/,
    ],
    ["an unknown flag", ["check", "--nope"], /^channelscope: check: Unknown option '--nope'/],
    ["no input", ["check"], /^channelscope: no input given/],
    ["an unknown command", ["frobnicate"], /^channelscope: unknown command "frobnicate"/],
    ["a bad --map", ["check", "--orders", orders, "--map", "oops"], /invalid --map: "oops"/],
  ];
  for (const [name, args, message] of fatal) {
    it(`${name}: one line, exit 2, no stack trace`, () => {
      const r = run(...args);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.equal(r.stderr.trim().split("\n").length, 1);
    });
  }

  it("reads inputs and mappings from channelscope.config.json", () => {
    writeLines(dir, "custom.csv", ["Who,When,HowMuch", "1,2018-01-01 10:00:00,2.00"]);
    writeLines(dir, "channelscope.config.json", [
      JSON.stringify({
        orders: { path: "custom.csv", columns: { user_id: "Who", ts: "When", revenue: "HowMuch" } },
      }),
    ]);
    const r = run("check");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /user_id <- "Who", ts <- "When", revenue <- "HowMuch"/);
  });
});
