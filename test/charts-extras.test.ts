/**
 * The figures of issue 4: sessions per day, session length, conversion lag by cohort, AOV by month.
 * What they draw (checked on the spec's inline data) and how they behave without their data.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { movingAverage } from "../src/charts/figures/sessions-per-day.ts";
import { compileSpec, FIGURES, renderSvg } from "../src/charts/index.ts";
import { t } from "../src/i18n/index.ts";
import { LAG_BUCKETS } from "../src/metrics/tables.ts";
import { dataRows, EMPTY_TABLES, makeExtras, makeTables } from "./charts-fixture.ts";
import { assertGolden } from "./charts-golden.ts";
import { type FixtureContext, present } from "./presentation-fixture.ts";

const EN: FixtureContext = {
  lang: "en",
  currency: "USD",
  horizon: 6,
  attribution: "first-touch",
  extras: makeExtras(),
};
const RU: FixtureContext = { ...EN, lang: "ru", currency: "у.е." };
const NO_DATA = [{ note: t("en", "common.noData") }];

/** Every string drawn by a text mark with a constant or field text, from the spec's data. */
const texts = (spec: unknown) =>
  dataRows(spec).flatMap((r) =>
    [r.text, r.note].flat().filter((x): x is string => typeof x === "string" && x !== ""),
  );

describe("sessions per day", () => {
  test("daily sessions, a 7-day average and the busiest day annotated", () => {
    const tables = makeTables();
    const spec = FIGURES["sessions-per-day"](present(tables, EN));
    const days = dataRows(spec).filter((r) => "avg" in r);
    assert.equal(days.length, tables.activity_daily.length);
    const top = Math.max(...tables.activity_daily.map((r) => r.sessions));
    const peak = tables.activity_daily.find((r) => r.sessions === top)!;
    const note = texts(spec).find((s) => s.startsWith("busiest day"));
    assert.equal(note, `busiest day: ${peak.period}, ${top.toLocaleString("en-US")} sessions`);
    assert.ok(
      days.every((d) => typeof d.avg === "number"),
      "a year of days: the average is everywhere",
    );
    const ru = texts(FIGURES["sessions-per-day"](present(tables, RU))).find((s) => s.startsWith("самый"))!;
    assert.ok(ru.includes(`${peak.period.slice(8, 10)}.${peak.period.slice(5, 7)}.`), ru);
  });

  test("the average leaves partial days out and needs four complete days", () => {
    const day = (d: number, sessions: number, partial = false) => ({
      period: `2018-01-${String(d).padStart(2, "0")}`,
      users: sessions,
      sessions,
      partial,
    });
    const avg = movingAverage([
      day(1, 10, true),
      day(2, 100),
      day(3, 100),
      day(4, 100),
      day(5, 100),
      day(6, 40),
    ]);
    assert.deepEqual(avg, [null, 100, 88, 88, 88, 85]);
    assert.deepEqual(movingAverage([day(1, 5), day(2, 5), day(3, 5)]), [null, null, null]);
  });

  test("partial days get the partial marker; empty tables give the placeholder", () => {
    const tables = makeTables({ months: 1 });
    tables.activity_daily[0]!.partial = true;
    const spec = FIGURES["sessions-per-day"](present(tables, EN));
    assert.ok(dataRows(spec).some((r) => r.partial === true && r.kind === t("en", "activity.partial")));
    assert.deepEqual(dataRows(FIGURES["sessions-per-day"](present(EMPTY_TABLES, EN))), NO_DATA);
  });
});

describe("session length", () => {
  test("61 bins in minutes, the open one set apart, mean/median/mode labelled per language", () => {
    const spec = FIGURES["session-length"](present(makeTables(), EN));
    const bins = dataRows(spec).filter((r) => "sessions" in r);
    assert.equal(bins.length, 61);
    const { binText, sessionsText, ...bin } = bins[1]!;
    assert.deepEqual(bin, { from: 1, to: 2, sessions: bins[1]!.sessions, open: false });
    assert.equal(binText, "1–2 min");
    assert.equal(sessionsText, (bins[1]!.sessions as number).toLocaleString("en-US"));
    assert.equal(bins[60]!.open, true);
    assert.ok((bins[60]!.from as number) > 60, "the 60+ bin does not touch the last minute");
    assert.deepEqual(
      dataRows(spec).filter((r) => "at" in r),
      [
        { at: 1, text: "mode 1 min" },
        { at: 5, text: "median 5 min" },
        { at: 10.727, text: "mean (ASL) 10.7 min" },
      ],
    );
    assert.ok(texts(FIGURES["session-length"](present(makeTables(), RU))).includes("среднее (ASL) 10,7 мин"));
  });

  test("without extras, or without sessions, the placeholder", () => {
    const bare = { ...EN, extras: undefined };
    assert.deepEqual(dataRows(FIGURES["session-length"](present(makeTables(), bare))), NO_DATA);
    const zero = makeExtras().sessionHistogram!.map((b) => ({ ...b, sessions: 0 }));
    const spec = FIGURES["session-length"](
      present(makeTables(), { ...EN, extras: { sessionHistogram: zero } }),
    );
    assert.deepEqual(dataRows(spec), NO_DATA);
  });

  test("without the statistics the histogram is drawn without rules", async () => {
    const ctx = { ...EN, extras: { sessionHistogram: makeExtras().sessionHistogram } };
    const spec = FIGURES["session-length"](present(makeTables(), ctx));
    assert.equal(dataRows(spec).filter((r) => "at" in r).length, 0);
    assert.deepEqual(compileSpec(spec).warnings, []);
    await renderSvg(spec);
  });
});

describe("conversion lag by cohort", () => {
  test("one 100 % bar per cohort in calendar order, buckets in lag order", () => {
    const tables = makeTables();
    const segs = dataRows(FIGURES["conversion-lag-by-cohort"](present(tables, EN))).filter((r) => "x0" in r);
    const cohorts = [...new Set(segs.map((s) => s.cohort as string))];
    assert.deepEqual(cohorts, [...cohorts].sort());
    assert.equal(cohorts.length, 12);
    for (const c of cohorts) {
      const mine = segs.filter((s) => s.cohort === c);
      assert.deepEqual(
        mine.map((s) => s.bucket),
        LAG_BUCKETS.map((b) => t("en", `lag.bucket.${b}`)),
      );
      assert.ok(Math.abs((mine[4]!.x1 as number) - 1) < 1e-3, `${c} sums to 100 %`);
    }
  });

  test("weekly cohorts get thinner rows and stay a readable height", async () => {
    const tables = makeTables();
    const weekly = Array.from({ length: 53 }, (_, i) =>
      new Date(Date.UTC(2017, 5, 5) + i * 7 * 86_400_000).toISOString().slice(0, 10),
    );
    tables.conversion_lag = weekly.flatMap((key) =>
      LAG_BUCKETS.map((bucket, i) => ({
        dimension: "cohort" as const,
        key,
        bucket,
        buyers: 10,
        share: [0.5, 0.1, 0.2, 0.1, 0.1][i]!,
      })),
    );
    const spec = FIGURES["conversion-lag-by-cohort"](present(tables, RU));
    const svg = await renderSvg(spec);
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    assert.ok(height <= 820, `height ${height}`);
    assert.ok(svg.includes(t("ru", "common.visitCohortWeek")));
  });

  test("no cohort rows: the placeholder", () => {
    const tables = makeTables();
    tables.conversion_lag = tables.conversion_lag.filter((r) => r.dimension !== "cohort");
    assert.deepEqual(dataRows(FIGURES["conversion-lag-by-cohort"](present(tables, EN))), NO_DATA);
  });
});

describe("AOV by month", () => {
  test("a column per month, the window's AOV (revenue / orders) as the reference line", () => {
    const months = EN.extras!.aovByMonth!;
    const spec = FIGURES["aov-by-month"](present(makeTables(), EN));
    const cols = dataRows(spec).filter((r) => "key" in r);
    assert.deepEqual(
      cols.map((c) => c.key),
      months.map((m) => m.month),
    );
    const mean = months.reduce((a, m) => a + m.revenue, 0) / months.reduce((a, m) => a + m.orders, 0);
    const rule = dataRows(spec).find((r) => "mean" in r)!;
    assert.ok(Math.abs((rule.mean as number) - mean) < 1e-4);
    assert.deepEqual(rule.text, ["whole period", mean.toFixed(2)]);
    const ru = FIGURES["aov-by-month"](present(makeTables(), RU)) as { layer: { encoding?: unknown }[] };
    assert.ok(JSON.stringify(ru).includes("Средний чек, у.е."), "currency on the axis");
  });

  test("a month without orders is a note, a partial month is lighter", () => {
    const tables = makeTables({ months: 3 });
    tables.activity_monthly[2]!.partial = true;
    const extras = makeExtras({ months: 3 });
    extras.aovByMonth = extras.aovByMonth!.map((m, i) =>
      i === 1 ? { ...m, orders: 0, revenue: 0, aov: null } : m,
    );
    const cols = dataRows(FIGURES["aov-by-month"](present(tables, { ...EN, extras }))).filter(
      (r) => "key" in r,
    );
    assert.equal(cols[1]!.value, null);
    assert.equal(cols[1]!.note, t("en", "aovMonth.noOrders"));
    assert.notEqual(cols[2]!.fill, cols[0]!.fill);
  });

  test("without extras or orders: the placeholder", () => {
    assert.deepEqual(
      dataRows(FIGURES["aov-by-month"](present(makeTables(), { ...EN, extras: {} }))),
      NO_DATA,
    );
    const none = makeExtras().aovByMonth!.map((m) => ({ ...m, orders: 0, revenue: 0, aov: null }));
    assert.deepEqual(
      dataRows(FIGURES["aov-by-month"](present(makeTables(), { ...EN, extras: { aovByMonth: none } }))),
      NO_DATA,
    );
  });

  test("golden specs", () => {
    assertGolden("session-length-ru", FIGURES["session-length"](present(makeTables(), RU)));
    assertGolden(
      "aov-by-month-en",
      FIGURES["aov-by-month"](
        present(makeTables({ months: 3 }), { ...EN, extras: makeExtras({ months: 3 }) }),
      ),
    );
  });
});
