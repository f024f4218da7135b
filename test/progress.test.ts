/** The terminal progress line: silent off a terminal; on one, steps, scan rates and final totals. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startProgress } from "../src/cli/progress.ts";

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY, write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WriteStream;
  /** What a terminal shows: each line's text after its last carriage return, escapes removed. */
  const lines = () =>
    chunks
      .join("")
      .split("\n")
      .map((l) => l.split("\r").pop()!.replaceAll("\x1b[2K", ""));
  return { stream, chunks, lines };
}

describe("progress", () => {
  test("writes nothing when stderr is not a terminal", () => {
    const out = fakeStream(false);
    const p = startProgress({ scannedRows: () => 5 }, out.stream);
    assert.equal(p.active, false);
    p.step("ingest");
    p.count(1, 2);
    p.end(10);
    assert.deepEqual(out.chunks, []);
  });

  test("one finished line per step, with the rows and rate given at the end", async () => {
    const out = fakeStream(true);
    let rows = 0;
    const p = startProgress({ scannedRows: () => rows }, out.stream);
    assert.equal(p.active, true);
    p.step("ingest");
    rows = 1_500_000;
    await sleep(600);
    const live = out.lines().at(-1)!;
    assert.match(live, /^ {2}ingest +\d+\.\d s {3}scanning 1\.50M rows at [\d.]+[Mk]? rows\/s$/);
    p.end(2_000_000);
    p.step("figures");
    p.count(3, 19);
    p.end();
    const [ingest, figures, rest] = out.lines();
    assert.match(ingest!, /^ {2}ingest +\d+\.\d s {3}2\.00M rows, [\d.]+[Mk]? rows\/s$/);
    assert.match(figures!, /^ {2}figures +\d+\.\d s {3}3\/19$/);
    assert.equal(rest, "");
  });
});
