import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { ingest } from "../src/ingest/index.ts";
import { freshEngine, tempDir, writeLines } from "./helpers/temp.ts";

const dir = tempDir();
const MAX = "18446744073709551615"; // 2^64 - 1
const MAX_MINUS_1 = "18446744073709551614"; // differs only in the last digit
const OVER_2_63 = "9223372036854775809";

/** The same three visits, in every layout the ingest accepts. */
const ROWS = [
  ["desktop", "2018-01-01 10:05:00", "1", "2018-01-01 10:00:00", MAX],
  ["touch", "2018-01-01 11:00:00", "2", "2018-01-01 10:30:00", MAX_MINUS_1],
  ["touch", "2018-01-02 09:01:00", "3", "2018-01-02 09:00:00", OVER_2_63],
];
const EXPECTED = [
  {
    user_id: MAX,
    device: "desktop",
    source_id: "1",
    start_ts: "2018-01-01 10:00:00",
    end_ts: "2018-01-01 10:05:00",
  },
  {
    user_id: MAX_MINUS_1,
    device: "touch",
    source_id: "2",
    start_ts: "2018-01-01 10:30:00",
    end_ts: "2018-01-01 11:00:00",
  },
  {
    user_id: OVER_2_63,
    device: "touch",
    source_id: "3",
    start_ts: "2018-01-02 09:00:00",
    end_ts: "2018-01-02 09:01:00",
  },
];
const HEADER = ["Device", "End Ts", "Source Id", "Start Ts", "Uid"];

function csv(delimiter: string, quoteAll = false): string[] {
  const cell = (v: string) => (quoteAll ? `"${v}"` : v);
  return [HEADER, ...ROWS].map((r) => r.map(cell).join(delimiter));
}

async function loadVisits(path: string, columns?: Record<string, string>) {
  const engine = await freshEngine();
  await ingest(engine, { visits: { path, ...(columns ? { columns } : {}) } });
  return engine.all(
    `SELECT user_id, device, source_id, strftime(start_ts, '%Y-%m-%d %H:%M:%S') AS start_ts,
            strftime(end_ts, '%Y-%m-%d %H:%M:%S') AS end_ts FROM visits ORDER BY start_ts`,
  );
}

describe("every accepted file format gives the same canonical rows, ids exact", () => {
  const cases: [string, () => string][] = [
    ["comma CSV", () => writeLines(dir, "comma.csv", csv(","))],
    ["semicolon CSV", () => writeLines(dir, "semi.csv", csv(";"))],
    ["tab-separated", () => writeLines(dir, "tab.tsv", csv("\t"))],
    ["quoted fields, CRLF", () => writeLines(dir, "quoted.csv", csv(",", true), "\r\n")],
    [
      "UTF-8 BOM",
      () => {
        const path = join(dir, "bom.csv");
        writeFileSync(path, `\ufeff${csv(",").join("\n")}\n`);
        return path;
      },
    ],
    [
      "gzip CSV",
      () => {
        const path = join(dir, "visits.csv.gz");
        writeFileSync(path, gzipSync(`${csv(",").join("\n")}\n`));
        return path;
      },
    ],
    [
      "NDJSON with ids as numbers and as strings",
      () =>
        writeLines(
          dir,
          "visits.ndjson",
          ROWS.map((r, i) => {
            const uid = i === 0 ? r[4] : `"${r[4]}"`; // 2^64-1 as a bare JSON number must survive too
            return `{"Device":"${r[0]}","End Ts":"${r[1]}","Source Id":${r[2]},"Start Ts":"${r[3]}","Uid":${uid}}`;
          }),
        ),
    ],
  ];
  for (const [name, make] of cases) {
    it(name, async () => assert.deepEqual(await loadVisits(make()), EXPECTED));
  }

  it("Parquet with UBIGINT ids and TIMESTAMP columns", async () => {
    const engine = await freshEngine();
    const path = join(dir, "visits.parquet");
    const values = ROWS.map(
      (r) => `('${r[0]}', TIMESTAMP '${r[1]}', ${r[2]}, TIMESTAMP '${r[3]}', ${r[4]}::UBIGINT)`,
    ).join(", ");
    await engine.run(
      `COPY (SELECT * FROM (VALUES ${values}) v("Device", "End Ts", "Source Id", "Start Ts", "Uid")) TO '${path}' (FORMAT parquet)`,
    );
    assert.deepEqual(await loadVisits(path), EXPECTED);
  });

  it("Parquet with ids stored as DOUBLE is refused: they are already inexact", async () => {
    const engine = await freshEngine();
    const path = join(dir, "double-ids.parquet");
    await engine.run(
      `COPY (SELECT 1.0::DOUBLE AS uid, TIMESTAMP '2018-01-01 10:00' AS ts, 1.5 AS revenue) TO '${path}' (FORMAT parquet)`,
    );
    await assert.rejects(ingest(engine, { orders: { path } }), /column "uid" holds ids as DOUBLE/);
  });
});

describe("ids are opaque strings", () => {
  it("20-digit ids differing in the last digit, leading zeros and letters stay distinct users", async () => {
    const path = writeLines(dir, "ids.csv", [
      "Buy Ts,Revenue,Uid",
      `2018-01-01 10:00:00,1.00,${MAX}`,
      `2018-01-01 10:00:00,1.00,${MAX_MINUS_1}`,
      "2018-01-01 10:00:00,1.00,007",
      "2018-01-01 10:00:00,1.00,7",
      "2018-01-01 10:00:00,1.00,user-abc",
    ]);
    const engine = await freshEngine();
    await ingest(engine, { orders: { path } });
    const rows = await engine.all<{ user_id: string }>("SELECT user_id FROM orders ORDER BY user_id");
    assert.deepEqual(
      rows.map((r) => r.user_id),
      ["007", MAX_MINUS_1, MAX, "7", "user-abc"],
    );
  });
});

describe("header variants are recognised, and the mapping can be overridden", () => {
  it("user_id / session_start / session_end / channel / device_type", async () => {
    const lines = [
      "user_id,session_start,session_end,channel,device_type",
      ...ROWS.map((r) => [r[4], r[3], r[1], r[2], r[0]].join(",")),
    ];
    assert.deepEqual(await loadVisits(writeLines(dir, "variant1.csv", lines)), EXPECTED);
  });

  it("User Id / event_time / end_ts / source / platform", async () => {
    const lines = [
      "User Id,event_time,end_ts,source,platform",
      ...ROWS.map((r) => [r[4], r[3], r[1], r[2], r[0]].join(",")),
    ];
    assert.deepEqual(await loadVisits(writeLines(dir, "variant2.csv", lines)), EXPECTED);
  });

  it("orders: uid / event_time / amount; costs: channel / date / spend", async () => {
    const orders = writeLines(dir, "o.csv", ["uid,event_time,amount", `${MAX},2018-01-01 10:00:00,2.50`]);
    const costs = writeLines(dir, "c.csv", ["channel,date,spend", "1,2018-01-01,3.25"]);
    const engine = await freshEngine();
    await ingest(engine, { orders: { path: orders }, costs: { path: costs } });
    assert.deepEqual(await engine.all("SELECT user_id, revenue::VARCHAR AS r FROM orders"), [
      { user_id: MAX, r: "2.500000" },
    ]);
    assert.deepEqual(
      await engine.all("SELECT source_id, date::VARCHAR AS d, costs::VARCHAR AS c FROM costs"),
      [{ source_id: "1", d: "2018-01-01", c: "3.250000" }],
    );
  });

  it("an explicit mapping wins over the recognised names", async () => {
    const lines = [
      "Visitor,Begin,Finish,Src,Kind",
      ...ROWS.map((r) => [r[4], r[3], r[1], r[2], r[0]].join(",")),
    ];
    const path = writeLines(dir, "custom.csv", lines);
    const columns = {
      user_id: "Visitor",
      start_ts: "Begin",
      end_ts: "Finish",
      source_id: "Src",
      device: "Kind",
    };
    assert.deepEqual(await loadVisits(path, columns), EXPECTED);
  });
});

describe("timestamps", () => {
  it("ISO 8601 with T, seconds optional, offsets dropped keeping the wall clock", async () => {
    const path = writeLines(dir, "iso.csv", [
      "Buy Ts,Revenue,Uid",
      "2018-01-01T10:00,1,1",
      "2018-01-01T10:00:30+03:00,1,2",
      "2018-01-01 10:00:00Z,1,3",
      "2018-01-01 10:00:00.250,1,4",
    ]);
    const engine = await freshEngine();
    await ingest(engine, { orders: { path } });
    const rows = await engine.all<{ t: string }>("SELECT ts::VARCHAR AS t FROM orders ORDER BY user_id");
    assert.deepEqual(
      rows.map((r) => r.t),
      ["2018-01-01 10:00:00", "2018-01-01 10:00:30", "2018-01-01 10:00:00", "2018-01-01 10:00:00.25"],
    );
  });

  it("an ambiguous day/month column is a clear error asking for --date-format", async () => {
    const path = writeLines(dir, "dmy.csv", [
      "Buy Ts,Revenue,Uid",
      "03/04/2018 10:00,1,1",
      "05/04/2018 11:00,1,2",
    ]);
    const engine = await freshEngine();
    await assert.rejects(
      ingest(engine, { orders: { path } }),
      (e: Error) =>
        e.name === "InputError" &&
        e.message.includes('column "Buy Ts"') &&
        e.message.includes("ambiguous") &&
        e.message.includes("--date-format"),
    );
  });

  it("--date-format reads it as told", async () => {
    const path = writeLines(dir, "dmy2.csv", ["Buy Ts,Revenue,Uid", "03/04/2018 10:00,1,1"]);
    const engine = await freshEngine();
    await ingest(engine, { orders: { path, datePattern: "%d/%m/%Y %H:%M" } });
    const [row] = await engine.all<{ t: string }>("SELECT ts::VARCHAR AS t FROM orders");
    assert.equal(row?.t, "2018-04-03 10:00:00");
  });
});

describe("fatal problems name the file and what was expected", () => {
  const fatal = async (sources: Parameters<typeof ingest>[1], pattern: RegExp) => {
    const engine = await freshEngine();
    await assert.rejects(
      ingest(engine, sources),
      (e: Error) => e.name === "InputError" && pattern.test(e.message),
    );
  };
  it("missing file", () => fatal({ orders: { path: join(dir, "nope.csv") } }, /nope\.csv: file not found/));
  it("empty file", () => {
    const path = join(dir, "empty.csv");
    writeFileSync(path, "");
    return fatal({ orders: { path } }, /empty\.csv: empty file/);
  });
  it("missing required column", () =>
    fatal(
      { orders: { path: writeLines(dir, "nocol.csv", ["Buy Ts,Uid", "2018-01-01 10:00:00,1"]) } },
      /nocol\.csv: missing required column for revenue .*columns found: Buy Ts, Uid/,
    ));
  it("unknown format", () =>
    fatal({ orders: { path: writeLines(dir, "orders.xlsx", ["x"]) } }, /orders\.xlsx: unreadable format/));
  it("an unknown field in the mapping", () =>
    fatal(
      { orders: { path: writeLines(dir, "o2.csv", ["Buy Ts,Revenue,Uid"]), columns: { price: "Revenue" } } },
      /unknown field price/,
    ));
});
