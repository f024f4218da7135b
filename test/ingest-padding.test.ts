/**
 * Trimming is skipped where no value can be padded (issue 14): the line scan must see every way a CSV
 * value can begin or end with whitespace, or a padded id would stay padded and split a user in two.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ingest } from "../src/ingest/index.ts";
import { scanCsvLines } from "../src/ingest/line-scan.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

const dir = tempDir();
const HEADER = "Buy Ts,Revenue,Uid\n";
const ROW = "2018-01-01 10:00:00,1.00,7\n";

function file(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, HEADER + body);
  return path;
}

describe("the line scan's padding verdict", () => {
  const cases: [string, string, string][] = [
    ["no space next to a boundary (spaces inside a timestamp do not count)", ROW + ROW, "none"],
    ["a space after a delimiter", `${ROW}2018-01-01 10:00:00, 1.00,8\n`, "spaces"],
    ["a space before a delimiter", `${ROW}2018-01-01 10:00:00 ,1.00,8\n`, "spaces"],
    ["a space at a line's start", `${ROW} 2018-01-01 10:00:00,1.00,8\n`, "spaces"],
    ["a space at a line's end", `${ROW}2018-01-01 10:00:00,1.00,8 \n`, "spaces"],
    ["a space before CRLF", `${ROW}2018-01-01 10:00:00,1.00,8 \r\n`, "spaces"],
    ["a space at the end of a last line without a line break", `${ROW}2018-01-01 10:00:00,1.00,8 `, "spaces"],
    ["a space inside quotes", `${ROW}2018-01-01 10:00:00,1.00," 8"\n`, "spaces"],
    ["a space before a closing quote", `${ROW}2018-01-01 10:00:00,1.00,"8 "\n`, "spaces"],
    [
      "non-ASCII text (Unicode spaces are several bytes)",
      `${ROW}2018-01-01 10:00:00,1.00,8\u2003\n`,
      "spaces",
    ],
    ["a tab anywhere", `${ROW}2018-01-01 10:00:00,1.00,8\t\n`, "tabs"],
    ["a no-break space", `${ROW}2018-01-01 10:00:00,1.00,8\u00a0\n`, "tabs"],
  ];
  cases.forEach(([name, body, padding], i) => {
    it(name, async () => assert.equal((await scanCsvLines(file(`p${i}.csv`, body))).padding, padding));
  });
});

describe("values are trimmed whenever they may be padded", () => {
  it("a padded id on a last line without a line break is the same user", async () => {
    const engine = await freshEngine();
    await ingest(engine, { orders: { path: file("last.csv", `${ROW}2018-01-02 10:00:00,2.00,7 `) } });
    assert.deepEqual(await engine.all("SELECT DISTINCT user_id FROM orders"), [{ user_id: "7" }]);
  });

  it("a clean file is read without trimming and gives the same rows", async () => {
    const engine = await freshEngine();
    await ingest(engine, { orders: { path: file("clean.csv", `${ROW}2018-01-02 10:00:00,2.50,8\n`) } });
    assert.deepEqual(await engine.all("SELECT user_id, revenue::VARCHAR AS r FROM orders ORDER BY user_id"), [
      { user_id: "7", r: "1.000000" },
      { user_id: "8", r: "2.500000" },
    ]);
  });
});
