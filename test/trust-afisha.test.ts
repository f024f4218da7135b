/**
 * Concentration and the robust LTV on the real Afisha orders, against the naive reference
 * (test/naive/robust.ts) fed straight from the raw file. The 2017-09 cohort's largest buyer is the
 * issue's "most promising cohort is one customer".
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ingest } from "../src/ingest/index.ts";
import { computeMetrics } from "../src/metrics/index.ts";
import { freshEngine } from "./helpers/temp.ts";
import { naiveRobust } from "./naive/robust.ts";

const AFISHA =
  process.env.CHANNELSCOPE_AFISHA ?? new URL("../../shared/data/afisha/", import.meta.url).pathname;
const ORDERS = `${AFISHA.replace(/\/?$/, "/")}orders_log_us.csv`;
const WINDOW = { from: "2017-06-01", to: "2018-06-01" };

describe("concentration on the real Afisha orders", {
  skip: !existsSync(ORDERS) && "no ../shared",
}, async () => {
  const engine = await freshEngine();
  await ingest(engine, { orders: { path: ORDERS } }, WINDOW);
  const metrics = await computeMetrics(engine, { ...WINDOW, horizon: 6 });
  const raw = readFileSync(ORDERS, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","))
    .map(([ts, revenue, uid]) => ({ user_id: uid!, ts: ts!, revenue: revenue! }));
  const naive = naiveRobust(raw, WINDOW, 6);
  // Orders only: no sessions, so every buyer is unattributed, one group.
  const all = metrics.trust!.concentration.bySource.find((c) => c.source === "unattributed")!;

  it("robust LTV at 6 months (orders capped at the 99.9th percentile) matches the reference", () => {
    assert.ok(naive.orderCap > 100 && naive.orderCap < 300, `cap ${naive.orderCap}`);
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.abs(b);
    assert.ok(close(all.revenue, naive.revenueH), `${all.revenue} vs ${naive.revenueH}`);
    assert.ok(close(all.ltvHRobust!, naive.cappedRevenueH / naive.matureBuyers), `${all.ltvHRobust}`);
    assert.ok(all.ltvHRobust! < metrics.ltv.ltvH!);
    assert.ok(close(all.topBuyerShare!, naive.topBuyerShare));
  });

  it("finds the one customer behind the 2017-09 cohort", () => {
    for (const row of metrics.trust!.concentration.byCohort) {
      assert.ok(
        Math.abs(row.topBuyerShare! - naive.topBuyerShareByCohort.get(row.cohort)!) < 1e-9,
        row.cohort,
      );
    }
    const sept = metrics.trust!.concentration.byCohort.find((c) => c.cohort === "2017-09")!;
    assert.ok(sept.topBuyerShare! > 0.3, `2017-09 top buyer share ${sept.topBuyerShare}`);
  });

  it("the LTV at 6 months of each mature cohort has a 90 % interval around it", () => {
    const byCohort = metrics.trust!.intervals.byCohort;
    assert.deepEqual(
      byCohort.map((c) => c.cohort),
      ["2017-06", "2017-07", "2017-08", "2017-09", "2017-10", "2017-11", "2017-12"],
    );
    for (const c of byCohort) {
      const ltv = metrics.tables.ltv.find((r) => r.cohort === c.cohort && r.lifetime === 5)!.ltv!;
      assert.ok(c.ltv.low! < ltv && ltv < c.ltv.high!, `${c.cohort}: ${c.ltv.low} ${ltv} ${c.ltv.high}`);
    }
    // The whale cohort is the widest: leaving its one customer out is a real possibility.
    const width = (c: (typeof byCohort)[number]) => c.ltv.high! / c.ltv.low!;
    const sept = byCohort.find((c) => c.cohort === "2017-09")!;
    assert.ok(byCohort.every((c) => c === sept || width(c) < width(sept)));
  });
});
