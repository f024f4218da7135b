/**
 * The audit's anomalies in time (src/ingest/anomalies.ts), on minimal generated files: a pile-up of
 * sessions on one timestamp, days far from the rolling median of sessions and of spend, days without
 * any session; and the cases just under each threshold, which must stay quiet.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import {
  anomalyWarnings,
  MIN_MEDIAN_SESSIONS,
  PILEUP_MIN_SESSIONS,
  UNUSUAL_FACTOR,
} from "../src/ingest/anomalies.ts";
import { ingest, type QualityWarning } from "../src/ingest/index.ts";
import { normalizeOptions } from "../src/metrics/options.ts";
import { runContext } from "../src/presentation.ts";
import { freshEngine, tempDir, writeLines } from "./helpers/temp.ts";

const dir = tempDir();
const VISITS_HEADER = "Device,End Ts,Source Id,Start Ts,Uid";

/** `YYYY-MM-DD` of day `i` (0-based) of January 2018 onwards. */
const dayOf = (i: number) => new Date(Date.UTC(2018, 0, 1 + i)).toISOString().slice(0, 10);

/** Sessions per day: `perDay(i)` sessions on day i, each at its own minute, plus `extra` lines. */
function visitsFile(name: string, days: number, perDay: (i: number) => number, extra: string[] = []) {
  const lines = [VISITS_HEADER];
  let user = 1;
  for (let i = 0; i < days; i++) {
    for (let k = 0; k < perDay(i); k++) {
      const hh = String(Math.floor(k / 60) % 24).padStart(2, "0");
      const mm = String(k % 60).padStart(2, "0");
      lines.push(`desktop,${dayOf(i)} ${hh}:${mm}:30,1,${dayOf(i)} ${hh}:${mm}:00,${user++}`);
    }
  }
  return writeLines(dir, name, [...lines, ...extra]);
}

async function warningsOf(sources: Parameters<typeof ingest>[1]): Promise<QualityWarning[]> {
  const engine = await freshEngine();
  return (await ingest(engine, sources)).warnings;
}

const find = (ws: QualityWarning[], code: string, table = "visits") =>
  ws.find((w) => w.code === code && w.table === table);

describe("time pile-ups", () => {
  it("1,200 sessions at one instant are a pile-up, named with their timestamp", async () => {
    const bulk = Array.from(
      { length: 1200 },
      (_, k) => `desktop,2018-01-10 03:00:00,1,2018-01-10 03:00:00,${900000 + k}`,
    );
    const ws = await warningsOf({ visits: { path: visitsFile("pile.csv", 30, () => 40, bulk) } });
    const pile = find(ws, "time_pileup");
    assert.ok(pile, "time_pileup reported");
    assert.equal(pile.count, 1200);
    assert.deepEqual(pile.examples, ["2018-01-10 03:00:00 × 1200"]);
    assert.match(pile.message, /^1,200 sessions piled up on single timestamps/);
    // The same day is also 31x its neighbours' median: both are true, both are said.
    assert.deepEqual(find(ws, "unusual_days")?.examples, ["2018-01-10: 1240 (median 40)"]);
  });

  it("just under the threshold: no pile-up", async () => {
    const n = PILEUP_MIN_SESSIONS - 1;
    const bulk = Array.from(
      { length: n },
      (_, k) => `desktop,2018-01-10 03:00:00,1,2018-01-10 03:00:00,${9e5 + k}`,
    );
    const ws = await warningsOf({ visits: { path: visitsFile("nopile.csv", 30, () => 40, bulk) } });
    assert.equal(find(ws, "time_pileup"), undefined);
  });
});

describe("spikes and dips in daily sessions", () => {
  it("days at 5x and at a fifth of the rolling median are flagged; 3.75x and 0.5x are not", async () => {
    const perDay = (i: number) => ({ 4: 6, 8: 150, 12: 20, 19: 250 })[i] ?? 40;
    const ws = await warningsOf({ visits: { path: visitsFile("spikes.csv", 30, perDay) } });
    const unusual = find(ws, "unusual_days");
    assert.ok(unusual, "unusual_days reported");
    assert.equal(unusual.count, 2);
    assert.deepEqual(unusual.examples, ["2018-01-05: 6 (median 40)", "2018-01-20: 250 (median 40)"]);
    assert.equal(find(ws, "session_gaps"), undefined);
  });

  it("exactly the factor counts, just inside it does not", async () => {
    const at = (n: number) => (i: number) => (i === 15 ? n : 40);
    const on = await warningsOf({ visits: { path: visitsFile("at.csv", 30, at(40 * UNUSUAL_FACTOR)) } });
    assert.equal(find(on, "unusual_days")?.count, 1);
    const under = await warningsOf({
      visits: { path: visitsFile("under.csv", 30, at(40 * UNUSUAL_FACTOR - 1)) },
    });
    assert.equal(find(under, "unusual_days"), undefined);
  });
});

describe("days without sessions", () => {
  it("an empty day inside the span is a gap, named with the median around it", async () => {
    const perDay = (i: number) => (i === 14 || i === 15 ? 0 : 40);
    const ws = await warningsOf({ visits: { path: visitsFile("gap.csv", 30, perDay) } });
    const gaps = find(ws, "session_gaps");
    assert.ok(gaps, "session_gaps reported");
    assert.equal(gaps.count, 2);
    assert.deepEqual(gaps.examples, ["2018-01-15 (median 40)", "2018-01-16 (median 40)"]);
    assert.equal(find(ws, "unusual_days"), undefined, "an empty day is a gap, not also a dip");
  });

  it("sparse data (a median under 30 sessions a day) has no gaps and no spikes to speak of", async () => {
    const n = MIN_MEDIAN_SESSIONS - 1;
    const perDay = (i: number) => (i === 14 ? 0 : i === 20 ? n * 10 : n);
    const ws = await warningsOf({ visits: { path: visitsFile("sparse.csv", 30, perDay) } });
    assert.equal(find(ws, "session_gaps"), undefined);
    assert.equal(find(ws, "unusual_days"), undefined);
  });
});

describe("spikes and dips in daily spend", () => {
  /** Two sources at 10 a day each; `override` sets a day's rows (or drops them). */
  function costsFile(name: string, override: Record<number, string[]>) {
    const lines = ["source_id,dt,costs"];
    for (let i = 0; i < 30; i++) lines.push(...(override[i] ?? [`1,${dayOf(i)},10`, `2,${dayOf(i)},10`]));
    return writeLines(dir, name, lines);
  }

  it("a day at 10x and a day at a tenth are flagged; a day with a source missing is not", async () => {
    const costs = costsFile("costs.csv", {
      11: [`1,${dayOf(11)},190`, `2,${dayOf(11)},10`],
      24: [`1,${dayOf(24)},1`, `2,${dayOf(24)},1`],
      5: [`1,${dayOf(5)},10`, `2,${dayOf(5)},0`],
      17: [`1,${dayOf(17)},1`],
    });
    const ws = await warningsOf({ costs: { path: costs } });
    const unusual = find(ws, "unusual_days", "costs");
    assert.ok(unusual, "unusual_days for costs reported");
    assert.equal(unusual.count, 2);
    assert.deepEqual(unusual.examples, [
      "2018-01-12: 200.00 (median 20.00)",
      "2018-01-25: 2.00 (median 20.00)",
    ]);
    // 2018-01-18 lacks source 2: that is missing_cost_days' to say, not a dip.
    assert.equal(find(ws, "missing_cost_days", "costs")?.count, 1);
  });
});

describe("the generator's ordinary sample", () => {
  it("is not flagged: Black Friday (about 3x) stays under the threshold", async () => {
    const { generateSample } = await import("../src/generate/index.ts");
    const out = `${dir}/sample`;
    await generateSample({ out, users: 60_000, seed: 1 });
    const ws = await warningsOf({
      visits: { path: `${out}/visits_log_us.csv` },
      costs: { path: `${out}/costs_us.csv` },
    });
    const codes = ws.map((w) => w.code);
    for (const code of ["time_pileup", "unusual_days", "session_gaps"])
      assert.ok(!codes.includes(code as QualityWarning["code"]), `${code} not raised: ${codes.join(", ")}`);
  });
});

/** The real Afisha exports: beside the main tree, or beside a worktree under /work/wt. */
const AFISHA = ["../../shared/data/afisha/", "../../../shared/data/afisha/"]
  .map((rel) => new URL(rel, import.meta.url).pathname)
  .find((dir) => existsSync(`${dir}costs_us.csv`));

describe("the real Afisha costs", { skip: !AFISHA && "shared/data/afisha not present" }, () => {
  it("flag 2018-03-30, the day before the outage, and nothing else", async () => {
    const ws = await warningsOf({
      orders: { path: `${AFISHA}orders_log_us.csv` },
      costs: { path: `${AFISHA}costs_us.csv` },
    });
    const unusual = find(ws, "unusual_days", "costs");
    assert.deepEqual(unusual?.examples, ["2018-03-30: 106.35 (median 927.57)"]);
    // 2018-03-31 has one source of seven: it is missing_cost_days, not a dip as well.
    assert.equal(
      ws.filter((w) => ["time_pileup", "session_gaps", "unusual_days"].includes(w.code)).length,
      1,
    );
  });
});

it("no window (a table wholly rejected): nothing to look at, no error", async () => {
  const engine = await freshEngine();
  const present = { visits: true, orders: false, costs: true };
  assert.deepEqual(await anomalyWarnings(engine, present, { from: "?", to: "?", basis: "options" }), []);
});

describe("the report's data-quality section speaks of them in the reader's language", () => {
  it("en and ru rows with translated examples", async () => {
    const { qualityBody } = await import("../src/report/html/data-quality.ts");
    const warning = (code: QualityWarning["code"], table: "visits" | "costs", example: string) => ({
      code,
      table,
      count: 1,
      message: "English audit text",
      examples: [example],
    });
    const report = {
      window: { from: "2018-01-01", to: "2018-02-01", basis: "visits" as const },
      files: [],
      warnings: [
        warning("time_pileup", "visits", "2018-01-10 03:00:00 × 1200"),
        warning("unusual_days", "visits", "2018-01-20: 250 (median 40)"),
        warning("unusual_days", "costs", "2018-01-12: 200.00 (median 20.00)"),
        warning("session_gaps", "visits", "2018-01-15 (median 40)"),
      ],
      quarantine: { rows: 0, path: null },
    };
    const view = (lang: "en" | "ru") =>
      runContext(normalizeOptions({ from: "2018-01-01", to: "2018-02-01" }), lang);
    const en = String(qualityBody(view("en"), report));
    assert.match(en, /Sessions piled up on single timestamps/);
    assert.match(en, /Days whose sessions are 5 times or more/);
    assert.match(en, /Days whose spend is 5 times or more/);
    assert.match(
      en,
      /Days without any session inside the data&#39;s span|Days without any session inside the data's span/,
    );
    const ru = String(qualityBody(view("ru"), report));
    assert.match(ru, /Сессии, скопившиеся на одной отметке времени/);
    assert.match(ru, /Дни, когда сессий в 5 раз больше/);
    assert.match(ru, /Дни, когда расходы в 5 раз больше/);
    assert.match(ru, /Дни без единой сессии/);
    assert.match(ru, /2018-01-15 \(медиана 40\)/);
    assert.doesNotMatch(ru, /English audit text|median/);
  });
});
