/**
 * `channelscope serve`, the API: a server on port 0 over a generated sample of 3,000 users. The
 * analysis must be the report's metrics.json, every filter must change what it should (and only
 * that), bad parameters are named in a 400, identical requests share one computation and the cache.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { analyze } from "../src/analyze.ts";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import type { AnalysisDocument } from "../src/server/analysis.ts";
import { wholeDataPlan } from "../src/server/budget-plan.ts";
import {
  auditStoredDatabase,
  describeDataset,
  type RunningServer,
  startServer,
} from "../src/server/index.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

const computed: string[] = [];
let server: RunningServer;
let sources: Record<"visits" | "orders" | "costs", { path: string }>;
let full: AnalysisDocument;

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(path, server.url), { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

async function analysis(query: string): Promise<AnalysisDocument> {
  const r = await get(`/api/analysis${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json() as AnalysisDocument;
}

const summary = (d: AnalysisDocument, metric: string) =>
  d.tables.summary.find((r) => r.metric === metric)?.value;

describe("serve: API", async () => {
  const dir = tempDir();
  await generateSample({ out: dir, users: 3000, seed: 5 });
  sources = {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  };
  const engine = await freshEngine();
  const dataset = await describeDataset(engine, await ingest(engine, sources), "USD");
  // As serve does: the default view's budget plan at start-up (the report's plan, and its sentence).
  dataset.budget = await wholeDataPlan(dataset);
  server = await startServer({
    dataset,
    port: 0,
    dashboard: false,
    hooks: { onCompute: (key) => void computed.push(key) },
  });
  after(() => server.close());
  full = await analysis("");

  test("health answers ok with row counts and security headers", async () => {
    const r = await get("/api/health");
    assert.equal(r.status, 200);
    const body = r.json();
    assert.equal(body.status, "ok");
    assert.ok(body.rows.visits > 3000 && body.rows.orders > 0 && body.rows.costs > 0);
    assert.match(r.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
  });

  test("the analysis is the report's metrics.json document", async () => {
    const engine = await freshEngine();
    const reference = await analyze(engine, sources, {});
    for (const key of ["tables", "data", "activity", "retention", "ltv", "marketing"] as const)
      assert.deepEqual(full[key], reference.metrics[key], key);
    assert.deepEqual(full.bySourceByModel, reference.bySourceByModel);
    // The verdicts rest on the intervals (insights/trust.ts): the report computes them, the API with
    // intervals=1; without them every paid source is "watch — no interval".
    assert.deepEqual((await analysis("?intervals=1")).insights, reference.insights);
    assert.deepEqual(full.budget, reference.budget, "the start-up plan is the report's");
    assert.deepEqual(full.metadata.options, reference.metadata.options);
    assert.deepEqual(full.dataQuality.warnings, reference.dataQuality.warnings);
    assert.deepEqual(full.metadata.filters, { sources: [], devices: [] });
  });

  test("intervals=1 adds the trust numbers as the report has them; by default they are left out", async () => {
    const engine = await freshEngine();
    const reference = await analyze(engine, sources, {});
    const withTrust = await analysis("?intervals=1");
    assert.ok(withTrust.trust && withTrust.trust.intervals.bySource.length > 0, "trust with intervals=1");
    assert.deepEqual(withTrust.trust, reference.metrics.trust);
    assert.deepEqual(withTrust.verdicts, reference.verdicts);
    assert.equal(full.trust, undefined);
    // Without intervals a point estimate never scales or cuts (insights/trust.ts): every paid source is
    // "watch", saying no interval was computed (or that it has too few buyers to judge at all).
    assert.ok(full.verdicts.some((v) => v.reasons.includes("no_interval")));
    for (const v of full.verdicts) {
      assert.equal(v.action, "watch", v.source);
      assert.ok(v.reasons.includes("no_interval") || v.reasons.includes("too_few_buyers"), v.source);
    }
    assert.deepEqual(withTrust.tables, full.tables);
  });

  test("sources: only users acquired through them, and the spend of those sources", async () => {
    const d = await analysis("?sources=3");
    const row3 = full.tables.by_source.find((r) => r.source === "3")!;
    assert.deepEqual(
      d.tables.by_source.map((r) => r.source).filter((s) => s !== "unattributed"),
      ["3"],
    );
    assert.equal(d.data.users, row3.users, "users = the full run's users acquired through 3");
    assert.equal(d.data.costs, row3.costs, "costs = the spend of source 3");
    assert.ok(d.data.costs < full.data.costs);
    const two = await analysis("?sources=4,3");
    assert.deepEqual(two.metadata.filters.sources, ["3", "4"], "sorted, so both orders share a cache entry");
    assert.ok(two.data.users > d.data.users);
  });

  test("devices: only users whose first session was on them; spend stays whole", async () => {
    const d = await analysis("?devices=touch");
    const touch = full.tables.by_device.find((r) => r.device === "touch")!;
    assert.deepEqual(
      d.tables.by_device.map((r) => r.device).filter((x) => x !== "unattributed"),
      ["touch"],
    );
    assert.equal(d.data.users, touch.users);
    assert.equal(d.data.costs, full.data.costs);
  });

  test("attribution changes by-source buyers without a new computation", async () => {
    const before = computed.length;
    const linear = await analysis("?attribution=linear");
    assert.equal(computed.length, before, "all three models were computed with the default request");
    assert.equal(linear.metadata.options.attribution, "linear");
    assert.notDeepEqual(
      linear.tables.by_source.map((r) => r.buyers),
      full.tables.by_source.map((r) => r.buyers),
    );
    assert.deepEqual(linear.bySourceByModel, full.bySourceByModel);
  });

  test("horizon changes LTV at H; grain changes the cohorts; lang changes the words", async () => {
    const h3 = await analysis("?horizon=3");
    assert.equal(h3.metadata.options.horizon, 3);
    assert.notEqual(summary(h3, "ltv_h"), summary(full, "ltv_h"));
    const week = await analysis("?grain=week");
    assert.match(week.tables.retention[0]!.cohort, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(full.tables.retention[0]!.cohort, /^\d{4}-\d{2}$/);
    const ru = await analysis("?lang=ru");
    assert.match(ru.insights.findings[0]!.text, /[а-я]/);
    assert.doesNotMatch(full.insights.findings[0]!.text, /[а-я]/);
  });

  test("from/to change the window and the activity in it", async () => {
    const d = await analysis("?from=2017-09-01&to=2017-12-01");
    assert.equal(d.metadata.options.from, "2017-09-01");
    const days = d.tables.activity_daily.map((r) => r.period);
    assert.equal(days[0], "2017-09-01");
    assert.equal(days.at(-1), "2017-11-30");
    assert.ok(d.data.users < full.data.users && d.data.sessions < full.data.sessions);
  });

  test("a bad parameter is a 400 that names it; all problems are listed", async () => {
    const cases: [string, RegExp][] = [
      ["horizon=abc", /^invalid horizon: "abc"/],
      ["horizon=0", /^invalid horizon/],
      ["grain=day", /^invalid grain: "day"/],
      ["attribution=magic", /^invalid attribution/],
      ["from=2018-02-30", /^invalid from/],
      ["to=tomorrow", /^invalid to/],
      ["from=2018-01-01&to=2017-01-01", /^invalid window/],
      ["sources=99", /^invalid sources: "99"/],
      ["devices=fridge", /^invalid devices: "fridge"/],
      ["lang=de", /^invalid lang/],
      ["margin=2", /^invalid margin/],
      ["colour=red", /^unknown parameter: "colour"/],
      ["horizon=3&horizon=4", /^repeated parameter: horizon/],
      [`sources=${"1,".repeat(1500)}`, /^invalid sources: .*characters|^invalid sources/],
    ];
    for (const [query, expected] of cases) {
      const r = await get(`/api/analysis?${query}`);
      assert.equal(r.status, 400, query);
      const body = r.json();
      assert.equal(body.error, "invalid parameters");
      assert.match(body.problems[0], expected, query);
    }
    const many = (await get("/api/analysis?horizon=x&grain=y&lang=z")).json();
    assert.equal(many.problems.length, 3);
  });

  test("a repeated request comes from the cache: identical bytes, faster", async () => {
    const query = "/api/analysis?from=2017-07-01&sources=1,2";
    let t = performance.now();
    const first = await get(query);
    const cold = performance.now() - t;
    t = performance.now();
    const second = await get(query);
    const warm = performance.now() - t;
    assert.equal(second.text, first.text);
    assert.ok(warm < cold, `cached ${warm.toFixed(1)} ms < computed ${cold.toFixed(1)} ms`);
    const gz = await get(query, { "Accept-Encoding": "gzip" });
    assert.equal(gz.text, first.text, "gzip is transparent");
  });

  test("concurrent identical requests run one computation", async () => {
    const before = computed.length;
    const query = "/api/analysis?from=2017-08-01&devices=desktop";
    const bodies = await Promise.all(Array.from({ length: 8 }, () => get(query)));
    assert.ok(bodies.every((b) => b.status === 200 && b.text === bodies[0]!.text));
    assert.equal(computed.length - before, 1);
    const models = await Promise.all(
      ["first-touch", "last-touch", "linear"].map((m) =>
        get(`/api/analysis?from=2017-08-02&attribution=${m}`),
      ),
    );
    assert.ok(models.every((b) => b.status === 200));
    assert.equal(computed.length - before, 2, "the three models of one filter are one computation");
  });

  test("filters reach SQL only as values: an id with quotes is refused, not run", async () => {
    const r = await get(`/api/analysis?sources=${encodeURIComponent("3') OR 1=1 --")}`);
    assert.equal(r.status, 400);
    assert.match(r.json().problems[0], /^invalid sources/);
  });

  test("--db: a database ingested earlier serves the same analysis without ingesting again", async () => {
    const path = `${tempDir()}/ingested.duckdb`;
    const first = await DuckDbEngine.open({ path });
    const report = await ingest(first, sources);
    await first.close();
    const engine = await DuckDbEngine.open({ path });
    after(() => engine.close());
    const stored = await auditStoredDatabase(engine, path);
    assert.deepEqual(stored.window, report.window);
    assert.deepEqual(stored.warnings, report.warnings);
    assert.deepEqual(
      stored.files.map((f) => [f.table, f.rowsRead, f.rowsLoaded, f.rejected]),
      report.files.map((f) => [f.table, f.rowsRead, f.rowsLoaded, f.rejected]),
    );
    const reused = await startServer({
      dataset: await describeDataset(engine, stored, "USD"),
      port: 0,
      dashboard: false,
    });
    after(() => reused.close());
    const doc = (await (
      await fetch(new URL("/api/analysis?sources=3", reused.url))
    ).json()) as AnalysisDocument;
    const mine = await analysis("?sources=3");
    assert.deepEqual(doc.tables, mine.tables);
    assert.deepEqual(doc.insights, mine.insights);
  });
});
