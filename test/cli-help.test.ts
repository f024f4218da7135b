/**
 * The CLI around the commands: every flag the parser accepts is in the command's --help with a
 * description, a mistyped flag gets the nearest known one, a file under the wrong flag is named as
 * what it looks like, and `generate` talks to a person unless asked for JSON.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { backtestFlags } from "../src/cli/backtest-command.ts";
import { checkFlags } from "../src/cli/check-command.ts";
import { demoFlags } from "../src/cli/demo-command.ts";
import { flagDescription } from "../src/cli/flag-help.ts";
import { generateFlags } from "../src/cli/generate-command.ts";
import { reportFlags } from "../src/cli/report-command.ts";
import { serveFlags } from "../src/cli/serve-command.ts";
import { editDistance, nearestName } from "../src/cli/suggest.ts";
import { tempDir, writeLines } from "./helpers/temp.ts";

const BIN = new URL("../bin/channelscope.js", import.meta.url).pathname;
const dir = tempDir();

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The flag tables the parser uses, by command (the same objects src/cli/main.ts passes to parseArgs). */
const COMMAND_FLAGS: Record<string, Record<string, { type: string }>> = {
  report: reportFlags,
  check: checkFlags,
  generate: generateFlags,
  serve: serveFlags,
  demo: demoFlags,
  backtest: backtestFlags,
};

describe("--help lists every flag the parser accepts", () => {
  for (const [command, flags] of Object.entries(COMMAND_FLAGS)) {
    it(`${command} --help`, () => {
      const r = run(command, "--help");
      assert.equal(r.status, 0, r.stderr);
      const listed = r.stdout.slice(r.stdout.indexOf("  Flags:\n"));
      assert.ok(listed.length > 0, "a Flags: block");
      for (const [flag, spec] of Object.entries(flags)) {
        const syntax = spec.type === "boolean" ? `--${flag}` : `--${flag} `;
        const line = listed.split("\n").find((l) => l.trimStart().startsWith(syntax));
        assert.ok(line, `${command} --help lists --${flag}`);
        const text = flagDescription(command, flag);
        assert.ok(text, `--${flag} of ${command} has a description`);
        assert.ok(line.endsWith(text), `--${flag} is shown with its description: ${line}`);
      }
      assert.doesNotMatch(r.stdout, /\(no description\)/);
    });
  }

  it("report's help names the flags it used to omit", () => {
    const r = run("report", "--help");
    for (const flag of ["--map", "--config", "--date-format", "--memory-limit", "--decimal-comma", "--db"])
      assert.match(r.stdout, new RegExp(`\\n    ${flag}\\b`));
  });
});

describe("an unknown flag suggests the nearest known one", () => {
  it("edit distance counts insertions, deletions, substitutions and swaps", () => {
    assert.equal(editDistance("visit", "visits"), 1);
    assert.equal(editDistance("vistis", "visits"), 1);
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("", "abc"), 3);
  });

  it("suggests a near flag, a unique prefix, and nothing for a far guess", () => {
    const known = Object.keys(reportFlags);
    assert.equal(nearestName("visit", known), "visits");
    assert.equal(nearestName("ordrs", known), "orders");
    assert.equal(nearestName("no-figure", known), "no-figures");
    assert.equal(nearestName("Horizon", known), "horizon");
    assert.equal(nearestName("cohort", known), "cohort-grain");
    assert.equal(nearestName("nope", known), undefined);
    assert.equal(nearestName("xyz", known), undefined);
  });

  const cases: [string[], RegExp][] = [
    [
      ["check", "--visit", "v.csv"],
      /^channelscope: check: Unknown option '--visit'\. Did you mean --visits\?\n$/,
    ],
    [["report", "--atribution", "linear"], /Did you mean --attribution\?\n$/],
    [["generate", "--user", "5"], /Did you mean --users\?\n$/],
    [["serve", "--prot", "1"], /Did you mean --port\?\n$/],
    [["check", "--nope"], /^channelscope: check: Unknown option '--nope'\.\n$/],
    [["reprot"], /^channelscope: unknown command "reprot" \(expected .*\)\. Did you mean report\?\n$/],
  ];
  for (const [args, message] of cases) {
    it(args.join(" "), () => {
      const r = run(...args);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    });
  }
});

describe("a file passed as the wrong input says what it looks like", () => {
  const orders = writeLines(dir, "orders_log_us.csv", ["Buy Ts,Revenue,Uid", "2018-01-01 10:00:00,5.00,1"]);
  const costs = writeLines(dir, "costs_us.csv", ["source_id,dt,costs", "1,2018-01-01,2.50"]);
  const visits = writeLines(dir, "visits_log_us.csv", [
    "Device,End Ts,Source Id,Start Ts,Uid",
    "desktop,2018-01-01 10:05:00,1,2018-01-01 10:00:00,1",
  ]);
  const cases: [string, string, RegExp][] = [
    [
      "visits",
      orders,
      /orders_log_us\.csv: given as the visits input, but this looks like the orders export \(columns Buy Ts, Revenue, Uid\): pass it as --orders\n$/,
    ],
    ["orders", costs, /looks like the costs export \(columns source_id, dt, costs\): pass it as --costs\n$/],
    [
      "costs",
      visits,
      /looks like the visits export \(columns Device, End Ts, Source Id, Start Ts, Uid\): pass it as --visits\n$/,
    ],
  ];
  for (const [flag, file, message] of cases) {
    it(`--${flag} ${file.split("/").pop()}`, () => {
      const r = run("check", `--${flag}`, file);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split("\n").length, 1);
    });
  }

  it("a file that fits no table keeps the list of what is missing", () => {
    const other = writeLines(dir, "other.csv", ["Buy Ts,Uid", "2018-01-01 10:00:00,1"]);
    const r = run("check", "--visits", other);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing required column for device/);
    assert.doesNotMatch(r.stderr, /looks like/);
  });

  it("the right file under the right flag loads", () => {
    const r = run("check", "--visits", visits, "--orders", orders, "--costs", costs);
    assert.equal(r.status, 0, r.stderr);
  });
});

describe("generate prints a summary for a person, JSON with --json", () => {
  it("a short summary by default", () => {
    const out = join(dir, "sample-text");
    const r = run("generate", "--out", out, "--users", "200", "--seed", "3");
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Generated 200 users, [\d,]+ sessions, [\d,]+ orders \([\d,]+ buyers\) and [\d,]+ cost rows in \d+\.\d s:\n/,
    );
    for (const f of ["visits_log_us.csv", "orders_log_us.csv", "costs_us.csv", "truth.json"]) {
      assert.ok(r.stdout.includes(`  ${join(out, f)}\n`), `lists ${f}`);
      assert.ok(existsSync(join(out, f)));
    }
    assert.doesNotMatch(r.stdout, /[{}"]/);
  });

  it("the same facts as JSON with --json", () => {
    const out = join(dir, "sample-json");
    const text = run("generate", "--out", join(dir, "sample-text2"), "--users", "200", "--seed", "3");
    const r = run("generate", "--out", out, "--users", "200", "--seed", "3", "--json");
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.users, 200);
    assert.equal(summary.files.length, 4);
    const sessions = summary.sessions.toLocaleString("en-US");
    assert.match(
      text.stdout,
      new RegExp(` ${sessions} sessions, ${summary.orders.toLocaleString("en-US")} orders`),
    );
  });
});
