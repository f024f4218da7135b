import assert from "node:assert/strict";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ingest } from "../src/ingest/index.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

const dir = tempDir();

/** 300k rows: big enough that DuckDB reads the file in parallel chunks. */
async function bigCsv(rows: number, bad: Map<number, string>): Promise<string> {
  const path = join(dir, "big.csv");
  const out = createWriteStream(path);
  out.write("Buy Ts,Revenue,Uid\n");
  let chunk = "";
  for (let line = 2; line <= rows + 1; line++) {
    chunk += bad.get(line) ?? `2018-01-01 10:00:00,1.00,${line}\n`;
    if (chunk.length > 1 << 20) {
      out.write(chunk);
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise((resolve) => out.end(resolve));
  return path;
}

describe("line numbers stay right in a large file read in parallel", () => {
  it("reports the exact lines of faults spread across the file, after a malformed line", async () => {
    const bad = new Map([
      [17, "2018-01-01 10:00:00,1.00,17,extra\n"], // malformed: shifts every later row by one
      [150_001, "2018-01-01 10:00:00,oops,150001\n"],
      [299_990, "2018-01-01 10:00:00,-2,299990\n"],
    ]);
    const path = await bigCsv(300_000, bad);
    const engine = await freshEngine();
    const report = await ingest(engine, { orders: { path } });
    const rejected = Object.fromEntries(report.files[0]!.rejected.map((r) => [r.reason, r.exampleLines]));
    assert.deepEqual(rejected, { malformed_line: [17], bad_revenue: [150_001], negative_revenue: [299_990] });
    const [row] = await engine.all<{ n: number }>("SELECT count(*)::INT AS n FROM orders");
    assert.equal(row?.n, 300_000 - 3);
    // Each good row's id is its own line number: the quarantine's raw values must match its line.
    const q = await engine.all<{ line: number; raw: string }>(
      "SELECT line::INT AS line, raw FROM quarantine WHERE reason <> 'malformed_line'",
    );
    for (const r of q) assert.equal(JSON.parse(r.raw).Uid, String(r.line));
  });
});
