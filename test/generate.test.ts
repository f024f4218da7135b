import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import { ByteRows } from "../src/generate/byte-rows.ts";
import { moneyText } from "../src/generate/csv-writer.ts";
import { generateSample } from "../src/generate/index.ts";
import { Sfc32 } from "../src/generate/prng.ts";

const root = mkdtempSync(join(tmpdir(), "channelscope-generate-"));
after(() => rmSync(root, { recursive: true, force: true }));

const FILES = ["visits_log_us.csv", "orders_log_us.csv", "costs_us.csv", "truth.json"];
const TWO_POW_63 = "9223372036854775808";

/** Rows of a generated CSV as arrays of fields, and its header line. */
function readCsv(dir: string, file: string): { header: string; rows: string[][] } {
  const [header = "", ...lines] = readFileSync(join(dir, file), "latin1").trimEnd().split("\n");
  return { header, rows: lines.map((l) => l.split(",")) };
}

/** Decimal strings of non-negative integers compared by value, without numbers. */
function decimalGreaterOrEqual(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a >= b;
}

describe("number formatting", () => {
  test("uint64 digits match BigInt for edge and random values", () => {
    const cases: [number, number][] = [
      [0, 0],
      [0, 1],
      [0, 9_999_999],
      [0, 10_000_000],
      [0, 0xffffffff],
      [1, 0],
      [0x1fffff, 0xffffffff],
      [0x7fffffff, 0xffffffff],
      [0x80000000, 0],
      [0xffffffff, 0xffffffff],
    ];
    const rng = new Sfc32(42);
    for (let i = 0; i < 20_000; i++) cases.push([rng.next(), rng.next() >>> (i % 32)]);
    for (let i = 0; i < 64; i++) {
      const v = (1n << BigInt(i)) * 3n; // around powers of two, where carries happen
      const w = BigInt.asUintN(64, v);
      cases.push([Number(w >> 32n), Number(w & 0xffffffffn)]);
    }
    const row = new ByteRows(64);
    for (const [hi, lo] of cases) {
      row.clear();
      row.uint64(hi, lo);
      const text = row.raw.subarray(0, row.length).toString("latin1");
      assert.equal(text, ((BigInt(hi) << 32n) | BigInt(lo)).toString(), `hi=${hi} lo=${lo}`);
    }
  });

  test("money is written like Afisha (17.0, 0.55, 75.2)", () => {
    const expected: [number, string][] = [
      [0, "0.0"],
      [5, "0.05"],
      [55, "0.55"],
      [70, "0.7"],
      [1700, "17.0"],
      [7520, "75.2"],
      [263328, "2633.28"],
      [14132162, "141321.62"],
    ];
    const row = new ByteRows(64);
    for (const [cents, text] of expected) {
      assert.equal(moneyText(cents), text);
      row.clear();
      row.money(cents);
      assert.equal(row.raw.subarray(0, row.length).toString("latin1"), text);
    }
  });
});

describe("generateSample", () => {
  test("same seed gives identical bytes, another seed different ones", async () => {
    const a = join(root, "det-a");
    const b = join(root, "det-b");
    const c = join(root, "det-c");
    await generateSample({ out: a, users: 3000, seed: 7 });
    await generateSample({ out: b, users: 3000, seed: 7 });
    await generateSample({ out: c, users: 3000, seed: 8 });
    for (const f of FILES) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f);
    for (const f of ["visits_log_us.csv", "orders_log_us.csv", "costs_us.csv"]) {
      assert.ok(!readFileSync(join(a, f)).equals(readFileSync(join(c, f))), f);
    }
  });

  test("tiny samples are valid: 50 users fill all three files, 1 user does not crash", async () => {
    for (const users of [1, 50]) {
      const dir = join(root, `tiny-${users}`);
      const summary = await generateSample({ out: dir, users, seed: 3 });
      assert.equal(summary.users, users);
      assert.deepEqual(readdirSync(dir).sort(), [...FILES].sort());
      for (const f of FILES.slice(0, 3))
        assert.ok(readCsv(dir, f).rows.length > 0, `${f} for ${users} users`);
    }
  });

  test("rejects invalid options with all problems at once", async () => {
    await assert.rejects(
      generateSample({ out: join(root, "bad"), users: 0, seed: -1 }),
      /invalid users.*invalid seed/,
    );
  });
});

describe("a 25k-user sample, read back in plain JS", () => {
  const dir = join(root, "calibration");
  let truth: {
    sources: { id: string; userShare: number; conversion: number; costPerUser: number | null }[];
    devices: { device: string; share: number }[];
    oddities: { zeroRevenueOrders: number; sessionsEndingBeforeStart: number };
  };
  let visits: string[][];
  let orders: string[][];
  let costs: string[][];
  let headers: string[];
  /** Per user: first session (start, source, device), by start_ts then the tie rules' order. */
  const firstTouch = new Map<string, { start: string; source: string; device: string }>();

  before(async () => {
    const summary = await generateSample({ out: dir, users: 25_000, seed: 11 });
    assert.equal(summary.users, 25_000);
    truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
    const v = readCsv(dir, "visits_log_us.csv");
    const o = readCsv(dir, "orders_log_us.csv");
    const c = readCsv(dir, "costs_us.csv");
    [visits, orders, costs, headers] = [v.rows, o.rows, c.rows, [v.header, o.header, c.header]];
    assert.equal(visits.length, summary.sessions);
    assert.equal(orders.length, summary.orders);
    for (const [device, , source, start, uid] of visits) {
      const seen = firstTouch.get(uid!);
      if (!seen || start! < seen.start)
        firstTouch.set(uid!, { start: start!, source: source!, device: device! });
    }
  });

  test("headers, ids and timestamps are exactly in Afisha's format", () => {
    assert.deepEqual(headers, [
      "Device,End Ts,Source Id,Start Ts,Uid",
      "Buy Ts,Revenue,Uid",
      "source_id,dt,costs",
    ]);
    const ts = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:00$/;
    for (const [device, end, source, start, uid] of visits) {
      assert.ok(device === "desktop" || device === "touch");
      assert.match(end!, ts);
      assert.match(start!, ts);
      assert.ok(start! >= "2017-06-01" && start! < "2018-06-01", start);
      assert.match(source!, /^([1-9]|10)$/);
      assert.match(uid!, /^(0|[1-9]\d{0,19})$/);
    }
    for (const [ts0, revenue, uid] of orders) {
      assert.match(ts0!, ts);
      assert.match(revenue!, /^\d+\.\d{1,2}$/);
      assert.match(uid!, /^(0|[1-9]\d{0,19})$/);
    }
    for (const [, dt, cost] of costs) {
      assert.match(dt!, /^\d{4}-\d{2}-\d{2}$/);
      assert.match(cost!, /^\d+\.\d{1,2}$/);
    }
    const ids = [...firstTouch.keys()];
    assert.ok(
      ids.some((id) => decimalGreaterOrEqual(id, TWO_POW_63)),
      "some ids beyond 2^63",
    );
    assert.ok(
      ids.some((id) => !decimalGreaterOrEqual(id, TWO_POW_63)),
      "some ids below 2^63",
    );
    assert.equal(firstTouch.size, 25_000, "one id per user");
  });

  test("user shares and conversion per source match truth.json within sampling error", () => {
    const n = firstTouch.size;
    const buyers = new Set(orders.filter(([ts]) => ts! < "2018-06-01").map(([, , uid]) => uid!));
    for (const source of truth.sources) {
      const users = [...firstTouch].filter(([, f]) => f.source === source.id);
      const share = users.length / n;
      const sd = Math.sqrt((source.userShare * (1 - source.userShare)) / n);
      assert.ok(Math.abs(share - source.userShare) <= 4 * sd + 1e-3, `share of ${source.id}: ${share}`);
      if (users.length < 300) continue;
      const rate = users.filter(([uid]) => buyers.has(uid)).length / users.length;
      const sdRate = Math.sqrt((source.conversion * (1 - source.conversion)) / users.length);
      assert.ok(Math.abs(rate - source.conversion) <= 4 * sdRate, `conversion of ${source.id}: ${rate}`);
    }
    const desktop = [...firstTouch.values()].filter((f) => f.device === "desktop").length / n;
    assert.ok(Math.abs(desktop - truth.devices[0]!.share) < 0.015, `desktop share ${desktop}`);
    assert.ok(desktop > 0.7 && desktop < 0.8);
    const perUser = visits.length / n;
    assert.ok(perUser > 1.5 && perUser < 1.7, `sessions per user ${perUser}`);
    const conversion = buyers.size / n;
    assert.ok(conversion > 0.14 && conversion < 0.18, `conversion ${conversion}`);
  });

  test("no cliff on the 1st: sessions on a month's 1st match the last 3 days before it", () => {
    const perDay = new Map<string, number>();
    for (const v of visits) perDay.set(v[3]!.slice(0, 10), (perDay.get(v[3]!.slice(0, 10)) ?? 0) + 1);
    const n = (d: string): number => perDay.get(d)!;
    const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
    const days = [...perDay.keys()].sort();
    const firsts = days.flatMap((d, i) => (d.endsWith("-01") && i > 0 ? [i] : []));
    const ratios = firsts.map((i) => n(days[i]!) / mean(days.slice(i - 3, i).map(n)));
    // Repeats confined to the acquisition month made every month climb and fall on the 1st: mean ratio ~0.7.
    assert.ok(ratios.length === 11 && mean(ratios) >= 0.85 && mean(ratios) <= 1.2, `ratios ${ratios}`);
  });

  test("every buyer's first order is at or after a session", () => {
    const firstOrder = new Map<string, string>();
    for (const [ts, , uid] of orders) {
      const earliest = firstOrder.get(uid!);
      if (earliest === undefined || ts! < earliest) firstOrder.set(uid!, ts!);
    }
    for (const [uid, ts] of firstOrder) {
      const first = firstTouch.get(uid);
      assert.ok(first && first.start <= ts, `buyer ${uid}`);
    }
  });

  test("spend per acquired user recovers the planted cost per user", () => {
    const spend = new Map<string, number>();
    for (const [source, , cost] of costs) spend.set(source!, (spend.get(source!) ?? 0) + Number(cost));
    for (const source of truth.sources) {
      if (source.costPerUser === null) {
        assert.equal(spend.has(source.id), false, `source ${source.id} has no cost rows`);
        continue;
      }
      const users = [...firstTouch.values()].filter((f) => f.source === source.id).length;
      const perUser = spend.get(source.id)! / users;
      // The missing day (1/365 of the spend) and ±10 % daily noise average out to within 3 %.
      assert.ok(Math.abs(perUser / source.costPerUser - 1) < 0.03, `source ${source.id}: ${perUser}`);
    }
  });

  test("Afisha's oddities are planted and counted", () => {
    const zero = orders.filter(([, revenue]) => Number(revenue) === 0).length;
    assert.ok(zero > 0);
    assert.equal(zero, truth.oddities.zeroRevenueOrders);
    const inverted = visits.filter(([, end, , start]) => end! < start!).length;
    assert.ok(inverted >= 1);
    assert.equal(inverted, truth.oddities.sessionsEndingBeforeStart);
    assert.deepEqual(
      orders.filter(([ts]) => ts! >= "2018-06-01").map(([ts]) => ts),
      ["2018-06-01 00:02:00"],
    );
    const onMissingDay = costs.filter(([, dt]) => dt === "2018-03-31").map(([s]) => s);
    assert.deepEqual(onMissingDay, ["5"]);
    const paying = truth.sources.filter((s) => s.costPerUser !== null).map((s) => s.id);
    for (const id of paying) {
      const days = costs.filter(([s]) => s === id).length;
      assert.equal(days, id === "5" ? 365 : 364, `cost days of source ${id}`);
    }
    // Free sources: 8 brings a few percent of users, 6 and 7 only a handful (maybe none at this size).
    const fromSource = (id: string): number => visits.filter(([, , s]) => s === id).length;
    assert.ok(fromSource("8") > 0.01 * visits.length);
    assert.ok(fromSource("6") + fromSource("7") < 0.002 * visits.length);
  });
});

test("parquet output keeps Uid as VARCHAR and removes the temporary CSVs", async () => {
  const dir = join(root, "parquet");
  const summary = await generateSample({ out: dir, users: 2000, seed: 5, format: "parquet" });
  const names = ["visits_log_us", "orders_log_us", "costs_us"];
  assert.deepEqual(readdirSync(dir).sort(), [...names.map((n) => `${n}.parquet`), "truth.json"].sort());
  assert.ok(!existsSync(join(dir, "visits_log_us.csv")));
  const engine = await DuckDbEngine.open();
  try {
    const file = (name: string): string => join(dir, `${name}.parquet`);
    const types = await engine.all<{ column_name: string; column_type: string }>(
      "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($p))",
      { p: file("visits_log_us") },
    );
    assert.deepEqual(
      types.map((t) => `${t.column_name}:${t.column_type}`),
      ["Device:VARCHAR", "End Ts:TIMESTAMP", "Source Id:VARCHAR", "Start Ts:TIMESTAMP", "Uid:VARCHAR"],
    );
    const [visits] = await engine.all<{ n: number; big: number }>(
      "SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE Uid::UBIGINT >= $limit::UBIGINT)::INTEGER AS big " +
        "FROM read_parquet($p)",
      { p: file("visits_log_us"), limit: TWO_POW_63 },
    );
    assert.equal(visits!.n, summary.sessions);
    assert.ok(visits!.big > 0);
    const [orders] = await engine.all<{ n: number; t: string }>(
      "SELECT count(*)::INTEGER AS n, any_value(typeof(Revenue)) AS t FROM read_parquet($p)",
      { p: file("orders_log_us") },
    );
    assert.equal(orders!.n, summary.orders);
    assert.equal(orders!.t, "DECIMAL(18,2)");
  } finally {
    await engine.close();
  }
});
