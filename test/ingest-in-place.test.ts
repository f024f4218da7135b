/**
 * Parquet read in place (issue 14, `inPlace` / `--parquet-in-place`): the canonical tables are views
 * over the file, only the rejected rows and the exact repeats are stored. Everything must be what the
 * copying load gives: the data-quality report, the quarantine, every canonical row and every metric.
 */
import assert from "node:assert/strict";
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyze, metricsDocument } from "../src/analyze.ts";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import type { Engine } from "../src/engine/engine.ts";
import { generateSample } from "../src/generate/index.ts";
import { assertInPlaceUnchanged, type IngestSources, ingest } from "../src/ingest/index.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

const dir = tempDir();
const MAX = "18446744073709551615"; // 2^64 - 1: must stay a string, never a DOUBLE

/** Writes `rows` (SQL tuples, in file order) to a Parquet file with the given column types. */
async function parquet(name: string, columns: Record<string, string>, rows: string[]): Promise<string> {
  const engine = await freshEngine();
  const path = join(dir, name);
  const names = Object.keys(columns);
  const casts = names.map((c, i) => `CAST(col${i} AS ${columns[c]}) AS "${c}"`).join(", ");
  const tuples = rows.map((r, i) => `(${i}, ${r})`).join(",\n");
  const cols = ["k", ...names.map((_, i) => `col${i}`)].join(", ");
  await engine.run(
    `COPY (SELECT ${casts} FROM (VALUES ${tuples}) v(${cols}) ORDER BY k) TO '${path}' (FORMAT parquet)`,
  );
  return path;
}

const VISIT_TYPES = {
  Uid: "VARCHAR",
  Device: "VARCHAR",
  "Source Id": "VARCHAR",
  "Start Ts": "TIMESTAMP",
  "End Ts": "TIMESTAMP",
};
const visit = (uid: string, device: string, source: string, start: string, end: string) =>
  `${uid}, ${device}, ${source}, ${start}, ${end}`;
const ts = (t: string) => `'2018-01-${t}'`;

/** Faults and repeats at known lines (line = record number from 1), then plain rows. */
const VISITS = [
  /* 1 */ visit(`'${MAX}'`, "'desktop'", "'1'", ts("01 10:00:00"), ts("01 10:05:00")),
  /* 2 */ visit(`'${MAX}'`, "'desktop'", "'1'", ts("01 10:00:00"), ts("01 10:05:00")), // repeat of 1
  /* 3 */ visit(`'${MAX}'`, "'desktop'", "'1'", ts("01 10:00:00"), ts("01 10:05:00")), // repeat of 1
  /* 4 */ visit(`'${MAX}'`, "'desktop'", "'1'", ts("01 10:00:00"), ts("01 10:07:00")), // same key, other end
  /* 5 */ visit("NULL", "'touch'", "'2'", ts("02 10:00:00"), ts("02 10:01:00")),
  /* 6 */ visit("''", "'touch'", "'2'", ts("02 10:00:00"), ts("02 10:01:00")),
  /* 7 */ visit("'   '", "'touch'", "'2'", ts("02 10:00:00"), ts("02 10:01:00")),
  /* 8 */ visit("' 42 '", "'touch'", "'2'", ts("03 10:00:00"), ts("03 10:01:00")), // trimmed: 42
  /* 9 */ visit("'42'", "'touch'", "'2'", ts("03 10:00:00"), ts("03 10:01:00")), // repeat of 8 once trimmed
  /* 10 */ visit("'43'", "NULL", "'2'", ts("03 11:00:00"), ts("03 11:01:00")),
  /* 11 */ visit("'44'", "'touch'", "'3'", "NULL", ts("03 11:01:00")),
  /* 12 */ visit("'45'", "'touch'", "'3'", ts("04 11:00:00"), ts("04 10:00:00")), // ends before it starts
  /* 13 */ visit("'46'", "'touch'", "NULL", ts("04 11:00:00"), ts("04 11:05:00")),
  /* 14 */ visit("'18446744073709551614'", "'desktop'", "'3'", ts("05 09:00:00"), ts("05 09:30:00")),
  /* 15 */ visit("'007'", "'desktop'", "'1'", ts("05 09:00:00"), ts("05 09:30:00")),
  /* 16 */ visit("'7'", "'desktop'", "'1'", ts("05 09:00:00"), ts("05 09:30:00")),
  ...Array.from({ length: 120 }, (_, i) =>
    visit(
      `'${1000 + i}'`,
      i % 3 ? "'desktop'" : "'touch'",
      `'${1 + (i % 4)}'`,
      ts(`${10 + (i % 9)} 12:00:00`),
      ts(`${10 + (i % 9)} 12:30:00`),
    ),
  ),
];
const ORDERS = [
  /* 1 */ `'${MAX}', ${ts("01 10:03:00")}, 10.50`,
  /* 2 */ `'${MAX}', ${ts("01 10:03:00")}, 10.50`, // repeat of 1
  /* 3 */ `'${MAX}', ${ts("01 10:03:00")}, 11.50`, // same key, other amount
  /* 4 */ `'42', ${ts("03 10:00:30")}, -1.00`,
  /* 5 */ `'42', ${ts("03 10:00:40")}, NULL`,
  /* 6 */ `'42', NULL, 3.00`,
  /* 7 */ `'42', ${ts("03 10:00:50")}, 0`,
  /* 8 */ `'999', ${ts("04 10:00:00")}, 5.25`, // never seen in visits
  /* 9 */ `'43', ${ts("04 10:00:00")}, 12345678901234.00`, // 10^13: not exact in DECIMAL(18,6) terms
  ...Array.from(
    { length: 40 },
    (_, i) => `'${1000 + i * 3}', ${ts(`${10 + (i % 9)} 12:10:00`)}, ${i + 1}.99`,
  ),
];
const COSTS = [
  /* 1 */ `'1', DATE '2018-01-01', 20.00`,
  /* 2 */ `'1', DATE '2018-01-01', 20.00`, // repeat of 1
  /* 3 */ `'1', DATE '2018-01-01', 5.00`, // same day, other amount: summed, warned
  /* 4 */ `'2', DATE '2018-01-01', -3.00`,
  /* 5 */ `'2', NULL, 3.00`,
  /* 6 */ `NULL, DATE '2018-01-02', 3.00`,
  ...Array.from(
    { length: 18 },
    (_, i) => `'${1 + (i % 4)}', DATE '2018-01-${String(2 + i).padStart(2, "0")}', ${i}.10`,
  ),
];

async function fixture(): Promise<IngestSources> {
  return {
    visits: { path: await parquet("visits.parquet", VISIT_TYPES, VISITS) },
    orders: {
      path: await parquet(
        "orders.parquet",
        { Uid: "VARCHAR", "Buy Ts": "TIMESTAMP", Revenue: "DECIMAL(18,2)" },
        ORDERS,
      ),
    },
    costs: {
      path: await parquet(
        "costs.parquet",
        { source_id: "VARCHAR", dt: "DATE", costs: "DECIMAL(18,2)" },
        COSTS,
      ),
    },
  };
}

const inPlaceOf = (sources: IngestSources): IngestSources =>
  Object.fromEntries(Object.entries(sources).map(([t, s]) => [t, { ...s, inPlace: true }]));

async function tableKinds(engine: Engine): Promise<Record<string, string>> {
  const rows = await engine.all<{ name: string; type: string }>(
    "SELECT table_name AS name, table_type AS type FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.type]));
}

/** Everything ingest leaves for the metrics and the user: canonical rows and the quarantine. */
async function contents(engine: Engine) {
  return {
    visits: await engine.all(
      "SELECT user_id, device, source_id, start_ts::VARCHAR AS s, end_ts::VARCHAR AS e FROM visits ORDER BY ALL",
    ),
    orders: await engine.all(
      "SELECT user_id, ts::VARCHAR AS ts, revenue::VARCHAR AS revenue FROM orders ORDER BY ALL",
    ),
    costs: await engine.all(
      "SELECT source_id, date::VARCHAR AS d, costs::VARCHAR AS c FROM costs ORDER BY ALL",
    ),
    quarantine: await engine.all(
      "SELECT table_name, file, line::VARCHAR AS line, reason, raw FROM quarantine ORDER BY ALL",
    ),
  };
}

describe("Parquet read in place", async () => {
  const sources = await fixture();
  const inPlace = await freshEngine();
  const inPlaceReport = await ingest(inPlace, inPlaceOf(sources));
  const copied = await freshEngine();
  const copiedReport = await ingest(copied, sources);

  it("reads the files in place: views over the files, no copied rows", async () => {
    const kinds = await tableKinds(inPlace);
    for (const t of ["visits", "orders", "costs"]) {
      assert.equal(kinds[t], "VIEW");
      assert.equal(kinds[`ingested_${t}`], undefined, `${t} was copied`);
    }
    assert.equal((await tableKinds(copied)).ingested_visits, "BASE TABLE");
  });

  it("trims a text column on every read only where some kept value needs it", async () => {
    const sql = async (view: string) =>
      (
        await inPlace.all<{ sql: string }>("SELECT sql FROM duckdb_views() WHERE view_name = $view", { view })
      )[0]!.sql;
    // Line 8 of the visits holds ' 42 ' (kept, as 42): their user ids are trimmed; no order id is padded.
    const visits = await sql("visits");
    assert.match(visits, /trim"?\(s\."?Uid"?\)/);
    assert.match(visits, /s\."?Device"? AS device/);
    assert.doesNotMatch(await sql("orders"), /trim\(/);
  });

  it("sets the faults and the repeats aside at their record numbers, each for its reason", () => {
    const reasons = (report: typeof inPlaceReport, table: string) =>
      Object.fromEntries(
        report.files.find((f) => f.table === table)!.rejected.map((r) => [r.reason, r.exampleLines]),
      );
    // Worked out by hand from the fixture above.
    assert.deepEqual(reasons(inPlaceReport, "visits"), {
      duplicate_row: [2, 3, 9],
      missing_user_id: [5, 6, 7],
      missing_device: [10],
      bad_timestamp: [11],
      missing_source_id: [13],
    });
    assert.deepEqual(reasons(inPlaceReport, "orders"), {
      duplicate_row: [2],
      negative_revenue: [4],
      bad_revenue: [5],
      bad_timestamp: [6],
      inexact_amount: [9],
    });
    assert.deepEqual(reasons(inPlaceReport, "costs"), {
      duplicate_row: [2],
      negative_cost: [4],
      bad_date: [5],
      missing_source_id: [6],
    });
    const visits = inPlaceReport.files.find((f) => f.table === "visits")!;
    assert.equal(visits.rowsRead, VISITS.length);
    assert.equal(visits.rowsLoaded, VISITS.length - 9);
  });

  it("gives the copying load's data-quality report, quarantine and canonical rows", async () => {
    assert.deepEqual(inPlaceReport, copiedReport);
    const [a, b] = [await contents(inPlace), await contents(copied)];
    assert.deepEqual(a, b);
    assert.equal(a.quarantine.length, 9 + 5 + 4);
  });

  it("serves the same rows to another connection (the dashboard's requests run on forks)", async () => {
    const fork = await inPlace.fork();
    try {
      const count = "SELECT count(*)::INTEGER AS n FROM visits";
      assert.deepEqual(await fork.all(count), await inPlace.all(count));
      assert.deepEqual(await fork.all(count), [{ n: VISITS.length - 9 }]);
    } finally {
      await fork.close();
    }
  });

  it("keeps ids as exact strings, trimmed, leading zeros and all", async () => {
    const ids = (await inPlace.all<{ user_id: string }>("SELECT DISTINCT user_id FROM visits")).map(
      (r) => r.user_id,
    );
    for (const id of [MAX, "18446744073709551614", "42", "007", "7"]) assert.ok(ids.includes(id), id);
    assert.ok(ids.every((id) => typeof id === "string"));
    const [type] = await inPlace.all<{ t: string }>("SELECT typeof(user_id) AS t FROM visits LIMIT 1");
    assert.equal(type?.t, "VARCHAR");
  });

  it("stops when a file read in place changes after its checks", async () => {
    const engine = await freshEngine();
    await ingest(engine, { costs: { ...sources.costs!, inPlace: true } });
    await assertInPlaceUnchanged(engine);
    utimesSync(sources.costs!.path, new Date("2020-01-01"), new Date("2020-01-01"));
    await assert.rejects(assertInPlaceUnchanged(engine), /costs\.parquet: the file changed while/);
  });

  it("copies into a kept database (--db): it must not depend on the file later", async () => {
    const engine = await DuckDbEngine.open({
      path: join(dir, "kept.duckdb"),
      memoryLimit: "1GB",
      threads: 2,
    });
    try {
      const report = await ingest(engine, { visits: { ...sources.visits!, inPlace: true } });
      assert.equal((await tableKinds(engine)).ingested_visits, "BASE TABLE");
      assert.deepEqual(
        report.files,
        inPlaceReport.files.filter((f) => f.table === "visits"),
      );
    } finally {
      await engine.close();
    }
  });

  it("copies a Parquet file whose ids need converting (UBIGINT ids become text once)", async () => {
    const path = await parquet("ubigint.parquet", { ...VISIT_TYPES, Uid: "UBIGINT" }, [
      visit(MAX, "'desktop'", "'1'", ts("01 10:00:00"), ts("01 10:05:00")),
    ]);
    const engine = await freshEngine();
    await ingest(engine, { visits: { path, inPlace: true } });
    assert.equal((await tableKinds(engine)).ingested_visits, "BASE TABLE");
    assert.deepEqual(await engine.all("SELECT user_id FROM visits"), [{ user_id: MAX }]);
  });
});

describe("Parquet read in place: every metric as the copying load gives it", async () => {
  const out = join(dir, "generated");
  await generateSample({ out, users: 2500, seed: 11, format: "parquet" });
  const sources: IngestSources = {
    visits: { path: join(out, "visits_log_us.parquet") },
    orders: { path: join(out, "orders_log_us.parquet") },
    costs: { path: join(out, "costs_us.parquet") },
  };

  it("metrics.json is byte-identical", async () => {
    const inPlace = await freshEngine();
    const a = JSON.stringify(metricsDocument(await analyze(inPlace, inPlaceOf(sources))));
    assert.equal((await tableKinds(inPlace)).visits, "VIEW");
    const b = JSON.stringify(metricsDocument(await analyze(await freshEngine(), sources)));
    assert.ok(a.length > 10_000);
    assert.equal(a, b);
  });
});
