/**
 * Outputs that would overwrite inputs (issue 12, case 11) and user problems that were reported as
 * internal errors (case 12): each is one line on stderr, exit status 2, before any computation.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir, writeLines } from "./helpers/temp.ts";

const BIN = new URL("../bin/channelscope.js", import.meta.url).pathname;
const dir = tempDir();

function run(args: string[], as?: { uid: number; gid: number }) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: "utf8",
    ...(as ? as : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** One line on stderr matching `message`, exit 2, no stack trace, no "please report it". */
function assertUserError(r: ReturnType<typeof run>, message: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, message);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|please report|\n\s+at /);
}

const orders = writeLines(dir, "orders.csv", [
  "Buy Ts,Revenue,Uid",
  "2018-01-01 10:00:00,5.00,1",
  "2018-01-01 10:00:00,-5.00,2",
]);
const ordersBytes = readFileSync(orders, "utf8");
const visits = writeLines(dir, "visits.csv", [
  "Device,End Ts,Source Id,Start Ts,Uid",
  "desktop,2018-01-01 10:05:00,1,2018-01-01 10:00:00,1",
]);
const costs = writeLines(dir, "costs.csv", ["source_id,dt,costs", "1,2018-01-01,1.00"]);
const inputs = ["--visits", visits, "--orders", orders, "--costs", costs];

describe("case 11: outputs never overwrite inputs", () => {
  it("check --quarantine naming an input is refused, and the input is untouched", () => {
    assertUserError(
      run(["check", "--orders", orders, "--quarantine", orders]),
      /--quarantine .*orders\.csv is the same file as --orders .*orders\.csv: refusing to overwrite it/,
    );
    assert.equal(readFileSync(orders, "utf8"), ordersBytes);
  });

  it("check --json naming an input is refused", () => {
    assertUserError(
      run(["check", "--orders", orders, "--json", orders]),
      /--json .* is the same file as --orders/,
    );
    assert.equal(readFileSync(orders, "utf8"), ordersBytes);
  });

  it("the default quarantine (./quarantine.csv) over an input named quarantine.csv is refused", () => {
    const input = writeLines(dir, "quarantine.csv", readFileSync(orders, "utf8").trimEnd().split("\n"));
    assertUserError(
      run(["check", "--orders", "quarantine.csv"]),
      /--quarantine quarantine\.csv is the same file/,
    );
    assert.equal(readFileSync(input, "utf8"), ordersBytes);
  });

  it("report --out over a directory holding an input is refused", () => {
    assertUserError(run(["report", ...inputs, "--out", "."]), /cannot be the current directory/);
    const r = run([
      "report",
      "--visits",
      visits,
      "--orders",
      join(dir, "quarantine.csv"),
      "--costs",
      costs,
      "--out",
      dir,
    ]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(readFileSync(join(dir, "quarantine.csv"), "utf8"), ordersBytes);
  });

  it("--db naming an input is refused", () => {
    assertUserError(
      run(["check", "--orders", orders, "--db", orders]),
      /--db .* is the same file as --orders/,
    );
    assert.equal(readFileSync(orders, "utf8"), ordersBytes);
  });
});

describe("case 12: user problems are one line and exit 2", () => {
  it("a missing --out parent directory is found before the computation", () => {
    assertUserError(
      run(["report", ...inputs, "--out", join(dir, "no", "such", "out")]),
      /directory .* does not exist/,
    );
  });

  it("a --json or --quarantine in a missing directory is found before the computation", () => {
    assertUserError(
      run(["check", "--orders", orders, "--json", join(dir, "no", "dq.json")]),
      /--json .*does not exist/,
    );
    assertUserError(
      run(["check", "--orders", orders, "--quarantine", join(dir, "no", "q.csv")]),
      /--quarantine .*does not exist/,
    );
  });

  it("check --from with an impossible date, and --from after --to", () => {
    assertUserError(run(["check", "--orders", orders, "--from", "2018-13-01"]), /invalid from: "2018-13-01"/);
    assertUserError(
      run(["check", "--orders", orders, "--from", "2018-02-01", "--to", "2018-01-01"]),
      /invalid window: from 2018-02-01 is not before to 2018-01-01/,
    );
  });

  it("wrong types in the config file name the key", () => {
    writeFileSync(join(dir, "types.json"), JSON.stringify({ orders: 5 }));
    assertUserError(run(["check", "--config", "types.json"]), /types\.json: "orders" must be a file path/);
    writeFileSync(join(dir, "cols.json"), JSON.stringify({ orders: { path: "orders.csv", columns: "Uid" } }));
    assertUserError(run(["check", "--config", "cols.json"]), /"orders\.columns" must be an object/);
    writeFileSync(join(dir, "from.json"), JSON.stringify({ orders: "orders.csv", from: 20180101 }));
    assertUserError(run(["check", "--config", "from.json"]), /"from" must be a string \(got a number\)/);
  });

  it("an unknown config key is an error with a suggestion", () => {
    writeFileSync(join(dir, "typo.json"), JSON.stringify({ orders: "orders.csv", horizn: 6 }));
    assertUserError(
      run(["check", "--config", "typo.json"]),
      /unknown key "horizn" \(did you mean "horizon"\?\)/,
    );
  });

  it("--db pointing at a file that is not a database", () => {
    const notDb = writeLines(dir, "notes.txt", ["hello"]);
    assertUserError(
      run(["check", "--orders", orders, "--db", notDb]),
      /--db .*notes\.txt: cannot open it as a DuckDB database/,
    );
  });

  it("an unreadable input file (EACCES)", (t) => {
    const locked = writeLines(dir, "locked.csv", ["Buy Ts,Revenue,Uid", "2018-01-01 10:00:00,5.00,1"]);
    chmodSync(locked, 0o000);
    // Root reads any file: run the command as nobody to see the permission check.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    if (asNobody) chmodSync(dir, 0o755);
    const r = run(["check", "--orders", locked], asNobody);
    if (r.status === 2 && /node_modules|Cannot find/.test(r.stderr))
      return t.skip("nobody cannot run node here");
    assertUserError(r, /locked\.csv: permission denied/);
  });
});
