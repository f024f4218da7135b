/** The engine flags of the CLI: one-line errors with exit status 2, and credentials never printed. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { tempDir, writeLines } from "./helpers/temp.ts";

const BIN = new URL("../bin/channelscope.js", import.meta.url).pathname;
const dir = tempDir();
const costs = writeLines(dir, "costs.csv", ["source_id,dt,costs", "1,2018-01-01,1.00"]);

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, "check", "--costs", costs, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("--engine and --clickhouse-url", () => {
  const cases: [string, string[], RegExp][] = [
    [
      "an unknown engine",
      ["--engine", "postgres"],
      /invalid engine: "postgres" \(expected duckdb, clickhouse or chdb\)/,
    ],
    ["clickhouse without a URL", ["--engine", "clickhouse"], /needs --clickhouse-url http:\/\/host:8123/],
    [
      "a URL that is not http",
      ["--engine", "clickhouse", "--clickhouse-url", "ftp://h"],
      /expected http: or https:/,
    ],
    [
      "credentials in the URL",
      ["--engine", "clickhouse", "--clickhouse-url", "http://u:hunter2@h:8123"],
      /must not hold credentials: set CLICKHOUSE_USER and CLICKHOUSE_PASSWORD/,
    ],
    [
      "a server that does not answer",
      ["--engine", "clickhouse", "--clickhouse-url", "http://127.0.0.1:9"],
      /cannot reach ClickHouse at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/,
    ],
    [
      "a table read in place on DuckDB",
      ["--orders-table", "shop.orders"],
      /need --engine clickhouse or chdb/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: one line, exit status 2`, () => {
      const r = run(args, { CLICKHOUSE_USER: "analyst", CLICKHOUSE_PASSWORD: "hunter2" });
      assert.equal(r.status, 2, r.out);
      assert.match(r.out, message);
      assert.equal(r.out.trim().split("\n").length, 1, r.out);
      assert.ok(!r.out.includes("hunter2"), "the password is never printed");
    });
  }
});

describe("the engine in channelscope.config.json", () => {
  it("is read, and a flag wins over it", () => {
    const config = writeLines(dir, "engine.config.json", [
      JSON.stringify({ engine: "clickhouse", clickhouseUrl: "http://127.0.0.1:9" }),
    ]);
    const fromConfig = run(["--config", config]);
    assert.equal(fromConfig.status, 2, fromConfig.out);
    assert.match(fromConfig.out, /cannot reach ClickHouse at http:\/\/127\.0\.0\.1:9/);
    const flagWins = run(["--config", config, "--engine", "duckdb"]);
    assert.equal(flagWins.status, 0, flagWins.out);
  });
});
