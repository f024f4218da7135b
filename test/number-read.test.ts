/**
 * The engines' numeric reads (Engine.numberChunks, engine/number-read.ts) on every engine: integers,
 * 64-bit integers and doubles arrive exactly, NULL as NaN, in the SELECT's order across several
 * blocks, and equal the row path's fallback; a decimal split into its whole part and 1e-12 fraction
 * (buyer-memory.ts, `parts`: a near whole number and the exact rest) carries exactly the value the
 * engine's own text of it shows, for
 * scales 6 and 12, negative values and whole parts beyond the fast path of decimalParts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Engine } from "../src/engine/engine.ts";
import { emitTextBlocks, NUMBER_BLOCK, readNumbers } from "../src/engine/number-read.ts";
import { parts } from "../src/metrics/buyer-memory.ts";
import { decimalPartsNear, decimalUnits, MASK32 } from "../src/metrics/exact-parts.ts";
import { ENGINES } from "./helpers/engines.ts";

const ROWS = 20_000;

/** Every column of a numeric read, concatenated over its blocks. */
async function columnsOf(engine: Engine, sql: string, names: string[]): Promise<number[][]> {
  const out = names.map(() => [] as number[]);
  await readNumbers(engine, sql, undefined, names, (cols, rows) => {
    for (let c = 0; c < names.length; c++) for (let i = 0; i < rows; i++) out[c]!.push(cols[c]![i]!);
  });
  return out;
}

/** The engine without its numeric path: readNumbers falls back to row objects. */
function rowsOnly(engine: Engine): Engine {
  return {
    name: engine.name,
    dialect: engine.dialect,
    version: () => engine.version(),
    run: (sql, params) => engine.run(sql, params),
    all: (sql, params) => engine.all(sql, params),
    createTemp: (name, select, params) => engine.createTemp(name, select, params),
    dropTemp: (name) => engine.dropTemp(name),
    close: async () => undefined,
  };
}

for (const kind of ENGINES)
  describe(`${kind.name}: numeric reads`, async () => {
    const engine = await kind.open();
    const series = engine.dialect.integerSeries(String(ROWS));
    const sql = `SELECT CAST(s.i AS INTEGER) AS a, CAST(s.i * 1000003 AS BIGINT) * 1000 AS b,
        CAST(s.i AS DOUBLE) / 8 AS c, CASE WHEN s.i % 7 = 0 THEN NULL ELSE CAST(s.i AS DOUBLE) END AS d,
        CASE WHEN s.i % 5 = 0 THEN NULL ELSE CAST(s.i % 30000 AS SMALLINT) END AS e
      FROM ${series} s ORDER BY a`;

    it("integers, 64-bit integers, doubles and NULLs arrive exactly, in order, across blocks", async () => {
      const [a, b, c, d, e] = await columnsOf(engine, sql, ["a", "b", "c", "d", "e"]);
      assert.equal(a!.length, ROWS);
      for (let i = 0; i < ROWS; i++) {
        assert.equal(a![i], i);
        assert.equal(b![i], i * 1000003 * 1000);
        assert.equal(c![i], i / 8);
        if (i % 7 === 0) assert.ok(Number.isNaN(d![i]!), `row ${i} NULL`);
        else assert.equal(d![i], i);
        if (i % 5 === 0) assert.ok(Number.isNaN(e![i]!), `row ${i} NULL`);
        else assert.equal(e![i], i % 30000);
      }
      assert.ok(b![ROWS - 1]! > 2 ** 32, "64-bit values were read");
    });

    it("equals the row path's fallback", async () => {
      const names = ["a", "b", "c", "d", "e"];
      assert.deepEqual(await columnsOf(rowsOnly(engine), sql, names), await columnsOf(engine, sql, names));
    });

    it("refuses columns other than those named, and text", async () => {
      await assert.rejects(columnsOf(engine, sql, ["a", "b", "d", "c"]), /columns/);
      await assert.rejects(columnsOf(engine, `SELECT 'x' AS a FROM ${series} s`, ["a"]), /not a number/);
    });

    for (const scale of [6, 12])
      it(`DECIMAL(38, ${scale}) split into a near whole number and the rest is exact`, async () => {
        // Whole parts up to ±5e10 (beyond decimalParts' double path at 2^25), every fraction digit used.
        const text = `CAST(s.i * 7919 % 100000000000 - 50000000000 AS VARCHAR) || '.' ||
          lpad(CAST(s.i * 104729 * 9973 % ${10 ** scale} AS VARCHAR), ${scale}, '0')`;
        const values = `(SELECT CAST(${text} AS DECIMAL(38, ${scale})) AS x, s.i AS i FROM ${series} s)`;
        const [w, f] = await columnsOf(engine, `SELECT ${parts("v.x", "x")} FROM ${values} v ORDER BY v.i`, [
          "x_w",
          "x_f",
        ]);
        const texts = await engine.all(`SELECT CAST(v.x AS VARCHAR) AS t FROM ${values} v ORDER BY v.i`);
        assert.equal(texts.length, ROWS);
        let negative = 0;
        for (let i = 0; i < ROWS; i++) {
          const units = decimalUnits(String(texts[i]!.t));
          if (units < 0n) negative += 1;
          assert.deepEqual(
            decimalPartsNear(w![i]!, f![i]!),
            [Number(units >> 32n), Number(units & MASK32)],
            String(texts[i]!.t),
          );
        }
        assert.ok(negative > ROWS / 4, `${negative} negative values`);
      });
  });

describe("ClickHouse's text numeric read (emitTextBlocks)", () => {
  const header = "a\tb\nInt64\tNullable(Float64)\n";

  it("reads cells as numberOf does, in blocks, with a turn of the event loop between blocks", async () => {
    const rows = NUMBER_BLOCK * 2 + 5;
    let text = header;
    for (let i = 0; i < rows; i++) text += `${i * 1000003}\t${i % 5 === 0 ? "\\N" : i / 8}\n`;
    text += "9007199254740992\tnan\n-3\t-inf\n";
    const a: number[] = [];
    const b: number[] = [];
    const turns: number[] = [];
    // A counter the event loop advances whenever it gets a turn.
    let turn = 0;
    const ticking = setInterval(() => {
      turn += 1;
    }, 0);
    await emitTextBlocks(text, ["a", "b"], (cols, n) => {
      turns.push(turn);
      for (let i = 0; i < n; i++) {
        a.push(cols[0]![i]!);
        b.push(cols[1]![i]!);
      }
    });
    clearInterval(ticking);
    assert.equal(a.length, rows + 2);
    assert.equal(turns.length, 3, "blocks of NUMBER_BLOCK rows");
    assert.ok(turns[2]! > turns[0]!, "the event loop turned between blocks");
    for (let i = 0; i < rows; i++) {
      assert.equal(a[i], i * 1000003);
      if (i % 5 === 0) assert.ok(Number.isNaN(b[i]!));
      else assert.equal(b[i], i / 8);
    }
    assert.deepEqual([a[rows], a[rows + 1], b[rows + 1]], [2 ** 53, -3, Number.NEGATIVE_INFINITY]);
    assert.ok(Number.isNaN(b[rows]!));
  });

  it("refuses other columns, non-numeric types, text and integers beyond 2^53", async () => {
    const none = () => undefined;
    await assert.rejects(emitTextBlocks(header, ["b", "a"], none), /columns/);
    await assert.rejects(emitTextBlocks("a\nString\nx\n", ["a"], none), /String, not a number/);
    await assert.rejects(emitTextBlocks("a\nDecimal(38, 12)\n1.5\n", ["a"], none), /not a number/);
    await assert.rejects(emitTextBlocks("a\nFloat64\nx\n", ["a"], none), /holds x, not a number/);
    await assert.rejects(emitTextBlocks("a\nInt64\n9007199254740993\n", ["a"], none), /beyond/);
    await assert.rejects(emitTextBlocks("a\tb\nInt64\tInt64\n1\t2", ["a", "b"], none), /cut short/);
    await emitTextBlocks("a\nFloat64\n1e300\n", ["a"], (cols) => assert.equal(cols[0]![0], 1e300));
  });
});
