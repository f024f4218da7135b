/**
 * Issue 12, case 9: a session that ends before it starts is a visit with a bad end time. Its start
 * counts for activity, acquisition, attribution and the conversion lag; only session length leaves
 * it out (and counts it as invalid).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../src/analyze.ts";
import { freshEngine, tempDir, writeLines } from "./helpers/temp.ts";

describe("sessions that end before they start", async () => {
  const dir = tempDir();
  const visits = writeLines(dir, "visits.csv", [
    "Device,End Ts,Source Id,Start Ts,Uid",
    "desktop,2018-01-01 09:50:00,1,2018-01-01 10:00:00,1", // user 1's first visit: ends 10 min early
    "desktop,2018-01-03 10:10:00,2,2018-01-03 10:00:00,1",
    "touch,2018-01-01 10:10:00,2,2018-01-01 10:00:00,2",
  ]);
  const orders = writeLines(dir, "orders.csv", ["Buy Ts,Revenue,Uid", "2018-01-01 12:00:00,10.00,1"]);
  const costs = writeLines(dir, "costs.csv", [
    "source_id,dt,costs",
    "1,2018-01-01,5.00",
    "2,2018-01-01,5.00",
  ]);
  const analysis = await analyze(
    await freshEngine(),
    { visits: { path: visits }, orders: { path: orders }, costs: { path: costs } },
    { horizon: 1 },
  );
  const { metrics, dataQuality } = analysis;
  const summary = Object.fromEntries(metrics.tables.summary.map((r) => [r.metric, r.value]));

  it("is kept as a visit, counted as a warning, not rejected", () => {
    assert.equal(dataQuality.quarantine.rows, 0);
    const w = dataQuality.warnings.find((x) => x.code === "end_before_start");
    assert.equal(w?.count, 1);
    assert.equal(summary.sessions, 3);
    assert.equal(summary.users, 2);
  });

  it("is left out of session length only, and counted there as invalid", () => {
    assert.equal(metrics.sessions.invalid, 1);
    assert.equal(metrics.sessions.meanS, 600); // the two valid sessions last 10 minutes each
  });

  it("acquires its user: the buyer is credited to its source, 2 hours after that first visit", () => {
    const bySource = Object.fromEntries(metrics.tables.by_source.map((r) => [r.source, r.buyers]));
    assert.equal(bySource["1"], 1);
    assert.equal(bySource.unattributed ?? 0, 0);
    const lag = metrics.tables.conversion_lag.find((r) => r.dimension === "all" && r.buyers > 0);
    assert.equal(lag?.bucket, "0d");
  });
});
