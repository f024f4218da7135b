/**
 * Trust numbers on top of a point slice (metrics/slice-trust.ts, issue 10): adding them to a cached
 * point slice gives exactly what one slice with trust gives; a window's trust tables are built only
 * when a slice asks for trust; the server's intervals=1 request reuses the point numbers of the
 * intervals=0 request for the same filter; and the in-memory bootstrap sums (metrics/trust-memory.ts)
 * turn exact decimal sums into the doubles DuckDB's CAST gives.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import type { Engine } from "../src/engine/engine.ts";
import { generateSample } from "../src/generate/index.ts";
import { Sfc32 } from "../src/generate/prng.ts";
import { ingest } from "../src/ingest/index.ts";
import { trustVerdicts } from "../src/insights/trust.ts";
import { attributedLifetimes } from "../src/metrics/buyer-memory.ts";
import { buildCube, sliceCube, sliceTrust } from "../src/metrics/cube.ts";
import { decimalUnits, toDouble } from "../src/metrics/exact-parts.ts";
import { BucketAccumulator } from "../src/metrics/trust-memory.ts";
import { analysisDocument } from "../src/server/analysis.ts";
import { AnalysisService } from "../src/server/analysis-service.ts";
import { describeDataset } from "../src/server/dataset.ts";
import { parseAnalysisQuery } from "../src/server/params.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

const FILTERS = [
  { sources: [], devices: [] },
  { sources: ["1", "4", "5"], devices: [] },
  { sources: [], devices: ["touch"] },
];

describe("trust on top of a point slice", async () => {
  const dir = tempDir();
  await generateSample({ out: dir, users: 2000, seed: 17 });
  const sources = {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  };
  const engine = await freshEngine();
  const quality = await ingest(engine, sources);

  it("sliceTrust(point) equals sliceCube with trust, for every filter and model", async () => {
    const cube = await buildCube(engine);
    for (const filter of FILTERS)
      for (const horizon of [2, 6]) {
        const point = await sliceCube(cube, { horizon }, filter, engine, { trust: false });
        assert.equal(point["first-touch"].trust, undefined);
        const before = JSON.stringify(point);
        const added = await sliceTrust(cube, point, { horizon }, filter);
        const whole = await sliceCube(cube, { horizon }, filter);
        assert.deepEqual(added, whole, `${JSON.stringify(filter)} H=${horizon}`);
        assert.ok(whole.linear.trust && whole.linear.trust.intervals.bySource.length > 0);
        assert.equal(JSON.stringify(point), before, "the cached point slice is not changed");
      }
  });

  it("a window's trust tables are built by the first slice that asks for trust", async () => {
    const cube = await buildCube(engine);
    await sliceCube(cube, { from: "2017-07-01" }, FILTERS[0], engine, { trust: false });
    const entry = [...cube.windows.values()][0]!;
    assert.equal(entry.trust, undefined);
    await assert.rejects(engine.all(`SELECT count(*) AS n FROM ${entry.tables.bucketRevenue}`));
    await sliceCube(cube, { from: "2017-07-01" }, FILTERS[1], engine, { trust: true });
    const memory = await entry.trust!;
    const [row] = await engine.all(
      `SELECT CAST(count(*) AS INTEGER) AS n FROM ${entry.tables.bucketRevenue}`,
    );
    const rows = memory.revenue.reduce((n, g) => n + g.sums.buckets.length, 0);
    assert.equal(rows, Number(row!.n), "every row of the bucket table is in memory");
    assert.ok(rows > 0);
    // The buyers' revenue for every horizon: one row per buyer and lifetime, attributed and all-source.
    const count = async (table: string) =>
      Number((await engine.all(`SELECT CAST(count(*) AS INTEGER) AS n FROM ${table}`))[0]!.n);
    const { attributed, all } = memory.concentration;
    assert.equal(
      attributed.lifetime.length,
      await count(attributedLifetimes({ ...cube.tables, ...entry.tables })),
    );
    assert.equal(all.lifetime.length, await count(entry.tables.lifetimes));
    assert.ok(all.lifetime.length > 0);
  });

  it("a trust slice sends no statement to the engine once its window's trust memory is loaded", async () => {
    const cube = await buildCube(engine);
    const first = await sliceCube(cube, { horizon: 4 }, FILTERS[1], engine, { trust: false });
    await sliceTrust(cube, first, { horizon: 4 }, FILTERS[1]);
    const statements: string[] = [];
    const seen = (sql: string) => {
      statements.push(sql);
    };
    const counted: Engine = {
      name: engine.name,
      dialect: engine.dialect,
      version: () => engine.version(),
      run: (sql, params) => {
        seen(sql);
        return engine.run(sql, params);
      },
      all: (sql, params) => {
        seen(sql);
        return engine.all(sql, params);
      },
      createTemp: (name, select, params) => {
        seen(select);
        return engine.createTemp(name, select, params);
      },
      dropTemp: (name) => engine.dropTemp(name),
      close: async () => undefined,
    };
    for (const [i, filter] of FILTERS.entries()) {
      // A new horizon for every filter: the buyers' revenue in memory serves each.
      const horizon = 2 + i;
      const point = await sliceCube(cube, { horizon }, filter, engine, { trust: false });
      const trust = await sliceTrust(cube, point, { horizon }, filter, counted, { budgetInput: false });
      assert.ok(trust.linear.trust!.concentration.bySource.length > 0);
    }
    assert.deepEqual(statements, []);
  });

  it("the server's intervals=1 request adds trust to the intervals=0 request's point numbers", async () => {
    const dataset = await describeDataset(engine, quality, "USD");
    const computed: string[] = [];
    const service = new AnalysisService(dataset, {}, { onCompute: (key) => void computed.push(key) });
    const request = (query: string) => parseAnalysisQuery(new URLSearchParams(query), dataset.catalog);
    const point = await service.models(request("sources=1,4"));
    assert.equal(computed.length, 1);
    const withTrust = await service.models(request("sources=1,4&intervals=1"));
    assert.equal(computed.length, 2, "one more computation: the trust numbers only");
    // The trust results are the request's model's (the others only carry what their verdicts read).
    assert.deepEqual(JSON.parse(computed[1]!).slice(-2), [true, "first-touch"]);
    for (const model of ["first-touch", "last-touch", "linear"] as const) {
      assert.equal(withTrust[model].tables, point[model].tables, "the point tables are the cached ones");
      assert.ok(withTrust[model].trust);
    }
    // Cold: the point numbers, then the trust numbers; the point ones then serve intervals=0.
    await service.models(request("devices=touch&intervals=1"));
    assert.equal(computed.length, 4);
    await service.models(request("devices=touch"));
    assert.equal(computed.length, 4, "intervals=0 found the point numbers intervals=1 computed");
    // And the document equals the one-call slice's.
    const direct = await sliceCube(
      dataset.cube,
      request("sources=1,4").options,
      {
        sources: ["1", "4"],
        devices: [],
      },
      engine,
      { trust: true, budgetInput: false },
    );
    // The request's model: everything, as the one-call slice has it.
    assert.deepEqual(withTrust["first-touch"], direct["first-touch"]);
    for (const model of ["last-touch", "linear"] as const) {
      const partial = withTrust[model].trust!;
      const full = direct[model].trust!;
      // The others: what their verdicts read, equal to the full numbers; the rest left out, and said so.
      assert.equal(partial.extent, "verdicts");
      assert.equal(full.extent, undefined);
      assert.deepEqual(
        partial.intervals.bySource.map((r) => [r.source, r.romiH]),
        full.intervals.bySource.map((r) => [r.source, r.romiH]),
      );
      assert.ok(partial.intervals.bySource.every((r) => r.ltvH.low === null && r.cac.low === null));
      assert.deepEqual(partial.intervals.romiBySourceLifetime, []);
      assert.ok(full.intervals.romiBySourceLifetime.length > 0);
      assert.deepEqual(partial.concentration, full.concentration);
      assert.deepEqual(partial.forecast, full.forecast);
      assert.deepEqual(trustVerdicts(withTrust[model], "en"), trustVerdicts(direct[model], "en"));
    }
    // So the document, whose other models feed only the sensitivity line, is the one-call slice's.
    const req = request("sources=1,4&intervals=1");
    assert.equal(
      JSON.stringify(analysisDocument(dataset, req, withTrust)),
      JSON.stringify(analysisDocument(dataset, req, direct)),
    );
    // Another model on screen: its own trust computation, on the same cached point numbers.
    const linear = await service.models(request("sources=1,4&intervals=1&attribution=linear"));
    assert.equal(computed.length, 5, "one more trust computation, no point one");
    assert.deepEqual(linear.linear, direct.linear);
    assert.equal(linear["first-touch"].trust!.extent, "verdicts");
    await service.stop();
  });
});

describe("exact bootstrap sums in memory", () => {
  it("decimal text to 1e-12 counts", () => {
    assert.equal(decimalUnits("12.5"), 12_500_000_000_000n);
    assert.equal(decimalUnits("-0.000000000001"), -1n);
    assert.equal(decimalUnits("7"), 7_000_000_000_000n);
    assert.equal(decimalUnits("3.100000000000"), 3_100_000_000_000n);
    assert.throws(() => decimalUnits("1e5"), /not a decimal/);
    assert.throws(() => decimalUnits("0.0000000000001"), /not a decimal/);
  });

  it("sums stay exact past 2^53 counts in the low parts (carried into the high ones)", () => {
    const acc = new BucketAccumulator(2);
    const rows = 2 ** 21 + 7;
    const row = { buckets: Uint8Array.of(1), hi: Float64Array.of(3), lo: Float64Array.of(2 ** 32 - 1) };
    for (let i = 0; i < rows; i++) acc.add(row);
    const exact = BigInt(rows) * (3n * 2n ** 32n + 2n ** 32n - 1n);
    assert.equal(BigInt(acc.hi[1]!) * 2n ** 32n + BigInt(acc.lo[1]!), exact);
    const decimal = `${exact / 10n ** 12n}.${String(exact % 10n ** 12n).padStart(12, "0")}`;
    assert.equal(acc.total(), Number(decimal));
  });

  it("exact sums become the double DuckDB's CAST(DECIMAL(38, 12) AS DOUBLE) gives", async () => {
    const engine = await DuckDbEngine.open({ path: ":memory:", memoryLimit: "500MB", threads: 1 });
    try {
      const rng = new Sfc32(11, 3);
      const groups: string[][] = [];
      for (let g = 0; g < 200; g++) {
        const parts: string[] = [];
        // From cents to ten-digit amounts: sums below and far beyond 2^53 counts of 1e-12.
        const digits = 1 + (g % 11);
        for (let i = 0; i < 1 + (g % 7); i++) {
          const whole = Math.floor(rng.float() * 10 ** digits);
          const frac = String(Math.floor(rng.float() * 1e12)).padStart(12, "0");
          parts.push(`${whole}.${frac}`);
        }
        groups.push(parts);
      }
      const values = groups.flatMap((parts, g) => parts.map((v) => `(${g}, '${v}')`)).join(", ");
      const rows = await engine.all(`SELECT g, CAST(sum(CAST(v AS DECIMAL(38, 12))) AS DOUBLE) AS d
        FROM (VALUES ${values}) t(g, v) GROUP BY g ORDER BY g`);
      let beyond = 0;
      for (const row of rows) {
        const acc = new BucketAccumulator(1);
        for (const v of groups[Number(row.g)]!) {
          const units = decimalUnits(v);
          acc.add({
            buckets: Uint8Array.of(0),
            hi: Float64Array.of(Number(units >> 32n)),
            lo: Float64Array.of(Number(units & 0xffffffffn)),
          });
        }
        if (Math.abs(acc.hi[0]! * 2 ** 32) >= 2 ** 53) beyond++;
        assert.equal(acc.total(), Number(row.d), `group ${row.g}`);
        assert.equal(acc.values()[0], Number(row.d));
        assert.equal(toDouble(acc.hi[0]!, acc.lo[0]!), Number(row.d));
      }
      assert.ok(beyond > 20, `${beyond} sums beyond 2^53 counts`);
    } finally {
      await engine.close();
    }
  });
});
