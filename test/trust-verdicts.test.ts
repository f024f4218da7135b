/**
 * The verdict rule (src/insights/trust.ts) on its own, and end to end on a whale fixture: one buyer
 * makes a source pay back, so it is "watch" with the reason, while a source whose buyers all pay
 * their share is "scale".
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ingest } from "../src/ingest/index.ts";
import { trustVerdict, trustVerdicts } from "../src/insights/trust.ts";
import { computeMetrics } from "../src/metrics/index.ts";
import { freshEngine, tempDir, writeLines } from "./helpers/temp.ts";

const base = {
  source: "5",
  romi: 1.12,
  level: 0.9,
  basis: "observed" as const,
  matureCohorts: 6,
  matureBuyers: 400,
};
const ctx = { horizon: 6, lang: "en" as const };

describe("verdict rule", () => {
  it("scales only when the whole interval is above 1 and no single buyer decides it", () => {
    const sure = trustVerdict(
      {
        ...base,
        interval: { low: 1.05, high: 1.3 },
        concentration: { romiHWithoutTopBuyer: 1.09, topBuyerShare: 0.02 },
      },
      ctx,
    );
    assert.equal(sure.action, "scale");
    assert.match(
      sure.text,
      /^Source 5: scale\. ROMI at 6 months 1\.12 \(90 % interval 1\.05–1\.30\).*6 mature cohorts\.$/,
    );
    const whale = trustVerdict(
      {
        ...base,
        interval: { low: 1.02, high: 1.4 },
        concentration: { romiHWithoutTopBuyer: 0.76, topBuyerShare: 0.32 },
      },
      ctx,
    );
    assert.equal(whale.action, "watch");
    assert.deepEqual(whale.reasons, ["one_customer"]);
    assert.match(
      whale.text,
      /one customer decides it.*0\.76 without its largest customer \(32 % of its revenue\)/,
    );
  });

  it("cuts only when the whole interval is below the cut line; else watches and says why", () => {
    const low = trustVerdict(
      { ...base, romi: 0.3, interval: { low: 0.25, high: 0.45 }, concentration: null },
      ctx,
    );
    assert.equal(low.action, "cut");
    const wide = trustVerdict(
      { ...base, romi: 0.45, interval: { low: 0.3, high: 0.7 }, concentration: null },
      ctx,
    );
    assert.deepEqual([wide.action, wide.reasons], ["watch", ["wide_interval"]]);
    const middle = trustVerdict(
      { ...base, romi: 0.64, interval: { low: 0.58, high: 0.71 }, concentration: null },
      ctx,
    );
    assert.deepEqual([middle.action, middle.reasons], ["watch", ["below_break_even"]]);
    assert.match(middle.text, /short of break-even but above the cut line \(0\.50\)/);
    const young = trustVerdict(
      {
        ...base,
        basis: "forecast",
        matureCohorts: 0,
        interval: { low: 0.8, high: 1.5 },
        level: 0.8,
        concentration: null,
      },
      ctx,
    );
    assert.deepEqual([young.action, young.reasons], ["watch", ["too_young", "wide_interval"]]);
    assert.match(
      young.text,
      /watch — too young to judge; the interval is wide\. Forecast ROMI at 6 months.*80 % interval.*no cohort is 6 months old yet/,
    );
    // A forecast whose whole interval clears break-even may scale (issue 10), and says it is a forecast.
    const sureYoung = trustVerdict(
      {
        ...base,
        basis: "forecast",
        matureCohorts: 0,
        interval: { low: 1.1, high: 1.5 },
        level: 0.8,
        concentration: null,
      },
      ctx,
    );
    assert.equal(sureYoung.action, "scale");
    assert.match(sureYoung.text, /Forecast ROMI at 6 months/);
    const one = trustVerdict(
      { ...base, matureCohorts: 1, interval: { low: 0.9, high: 1.3 }, concentration: null },
      ctx,
    );
    assert.match(one.text, /rests on 1 mature cohort only/);
    const few = trustVerdict(
      { ...base, matureBuyers: 12, interval: { low: 1.5, high: 2 }, concentration: null },
      ctx,
    );
    assert.deepEqual([few.action, few.reasons], ["watch", ["too_few_buyers"]]);
  });

  it("speaks Russian", () => {
    const v = trustVerdict(
      {
        ...base,
        interval: { low: 1.02, high: 1.4 },
        concentration: { romiHWithoutTopBuyer: 0.76, topBuyerShare: 0.32 },
      },
      { horizon: 6, lang: "ru" },
    );
    assert.match(
      v.text,
      /^Источник 5 пока стоит наблюдать: всё решает один покупатель\. ROMI за 6 мес\. — 1,12 \(интервал 90 %: 1,02–1,40\), без крупнейшего покупателя — 0,76 \(на него приходится 32 % выручки\)\. Вывод опирается на 6 зрелых когорт\.$/,
    );
    const two = trustVerdict(
      { ...base, matureCohorts: 2, interval: { low: 0.9, high: 1.3 }, concentration: null },
      { horizon: 6, lang: "ru" },
    );
    assert.match(two.text, /2 зрелые когорты/);
    const one = trustVerdict(
      { ...base, matureCohorts: 1, interval: { low: 0.9, high: 1.3 }, concentration: null },
      { horizon: 12, lang: "ru" },
    );
    assert.match(one.text, /Вывод опирается лишь на 1 зрелую когорту\.$/);
  });
});

describe("whale fixture end to end", async () => {
  // Source A: 60 buyers of 1.00 and one of 200.00 on spend 100 (ROMI 2.6, 0.6 without the whale).
  // Source B: 50 buyers of 3.00 on spend 100 (ROMI 1.5, every buyer alike).
  const visits = ["Device,End Ts,Source Id,Start Ts,Uid"];
  const orders = ["Buy Ts,Revenue,Uid"];
  const add = (uid: string, source: string, revenue: string | null) => {
    visits.push(`desktop,2017-06-10 10:05:00,${source},2017-06-10 10:00:00,${uid}`);
    if (revenue) orders.push(`2017-06-10 10:03:00,${revenue},${uid}`);
  };
  for (let i = 0; i < 60; i++) add(`1${String(i).padStart(4, "0")}`, "A", "1.00");
  add("19999", "A", "200.00");
  for (let i = 0; i < 50; i++) add(`2${String(i).padStart(4, "0")}`, "B", "3.00");
  visits.push("desktop,2017-11-30 10:05:00,B,2017-11-30 10:00:00,30000");
  const costs = ["source_id,dt,costs", "A,2017-06-10,100.00", "B,2017-06-10,100.00"];
  const dir = tempDir();
  const engine = await freshEngine();
  await ingest(engine, {
    visits: { path: writeLines(dir, "visits.csv", visits) },
    orders: { path: writeLines(dir, "orders.csv", orders) },
    costs: { path: writeLines(dir, "costs.csv", costs) },
  });
  const metrics = await computeMetrics(engine, { horizon: 3 });
  const verdicts = new Map(trustVerdicts(metrics, "en").map((v) => [v.source, v]));

  it("the whale's source is watch because one customer decides it", () => {
    const a = verdicts.get("A")!;
    assert.equal(a.action, "watch");
    assert.ok(a.reasons.includes("one_customer"), a.reasons.join());
    assert.ok(Math.abs(a.romi! - 2.6) < 1e-9 && Math.abs(a.romiWithoutTopBuyer! - 0.6) < 1e-9);
    assert.ok(Math.abs(a.topBuyerShare! - 200 / 260) < 1e-9);
    assert.ok(a.topBuyerDecides);
    assert.ok(a.low! < 1, `low ${a.low}`);
    // The reason is in the sentence a marketer reads, with the ROMI without the whale.
    assert.match(
      a.text,
      /^Source A: watch — .*one customer decides it.*0\.60 without its largest customer \(77 % of its revenue\)/,
    );
  });

  it("the source whose buyers all pay their share is scale", () => {
    const b = verdicts.get("B")!;
    assert.equal(b.action, "scale", b.text);
    assert.ok(b.low! > 1 && b.high! > b.romi! && b.romi! === 1.5);
    assert.equal(b.matureCohorts, 4);
  });

  it("the robust ROMI caps the whale's order at the 99.9th percentile of order value", () => {
    const a = metrics.trust!.concentration.bySource.find((c) => c.source === "A")!;
    // 111 orders: 60 of 1, 50 of 3, one of 200; the 99.9th percentile (linear) is 3 + 0.9 · 0.11 · 197.
    const cap = 3 + (0.999 * 110 - 109) * 197;
    assert.ok(Math.abs(a.romiHRobust! - (60 + cap) / 100) < 1e-6, `${a.romiHRobust}`);
  });
});
