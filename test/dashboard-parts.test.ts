/**
 * The dashboard's pure parts, without a browser: days typed in the page's language, period presets
 * and the period compared with, the cohort-grain control only where it applies, the note beside the
 * filters (acquisition filter, device filter withholding spend numbers, a clamped window), the change
 * on the KPI cards, and evidence chips that list sources as words.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { t } from "../src/i18n/index.ts";
import { kpiCards } from "../src/report/html/kpi.ts";
import { evidenceValue } from "../src/report/html/verdict.ts";
import type { FilterChoices } from "../src/server/filter-choices.ts";
import { retentionTable } from "../src/web/cohort-tables.ts";
import { filtersHtml } from "../src/web/controls.ts";
import { filterNote } from "../src/web/pages.ts";
import { parseDay, presetWindow, previousWindow, readState } from "../src/web/state.ts";
import { makeTables } from "./charts-fixture.ts";
import { metricsOf, present } from "./presentation-fixture.ts";

const CHOICES: FilterChoices = {
  sources: ["1", "2", "3"],
  devices: ["desktop", "touch"],
  window: { from: "2017-06-01", to: "2018-06-01" },
  currency: "USD",
  attributions: ["first-touch", "last-touch", "linear"],
  grains: ["month", "week"],
  langs: ["en", "ru"],
  horizon: { min: 1, max: 36 },
  defaults: { attribution: "first-touch", horizon: 6, grain: "month", margin: 1 },
};

const visible = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

describe("days in the page's language", () => {
  test("Russian and ISO days read back; impossible days are refused", () => {
    assert.equal(parseDay("31.05.2018"), "2018-05-31");
    assert.equal(parseDay("1.6.2017"), "2017-06-01");
    assert.equal(parseDay("2018-05-31"), "2018-05-31");
    assert.equal(parseDay("31.02.2018"), null);
    assert.equal(parseDay("06/01/2017"), null);
  });

  test("the date fields show the page's format, never the browser's", () => {
    const ru = String(filtersHtml(readState("?lang=ru"), CHOICES));
    assert.match(ru, /name="from" value="01\.06\.2017"/);
    assert.match(ru, /name="last" value="31\.05\.2018"/);
    assert.doesNotMatch(ru, /type="date"/);
    const en = String(filtersHtml(readState(""), CHOICES));
    assert.match(en, /name="from" value="2017-06-01"/);
  });
});

describe("presets and the period compared with", () => {
  test("last 30/90 days, month and quarter end with the data", () => {
    const [from, to] = ["2017-06-01", "2018-06-01"];
    assert.deepEqual(presetWindow("30d", from, to), { from: "2018-05-02", to });
    assert.deepEqual(presetWindow("90d", from, to), { from: "2018-03-03", to });
    assert.deepEqual(presetWindow("month", from, to), { from: "2018-05-01", to });
    assert.deepEqual(presetWindow("quarter", from, to), { from: "2018-03-01", to });
    assert.deepEqual(
      presetWindow("quarter", "2018-04-15", to),
      { from: "2018-04-15", to },
      "never before the data",
    );
  });

  test("the previous period has the same length and ends where the period starts", () => {
    assert.deepEqual(previousWindow("2018-05-02", "2018-06-01"), { from: "2018-04-02", to: "2018-05-02" });
  });

  test("a KPI card states the change against the previous period", () => {
    const now = metricsOf(makeTables(), { lang: "en" });
    const before = structuredClone(now);
    before.data.users = now.data.users / 1.1;
    const html = String(kpiCards({ ...now.options, lang: "en" }, now, { metrics: before, days: 30 }));
    assert.ok(html.includes("▲ +10.0% vs the previous 30 days"), html.slice(0, 400));
  });
});

describe("filters", () => {
  test("the cohort-grain control is shown only on the pages it changes", () => {
    for (const page of ["overview", "marketing", "quality"])
      assert.doesNotMatch(String(filtersHtml(readState(`?page=${page}`), CHOICES)), /name="grain"/, page);
    for (const page of ["product", "sales"])
      assert.match(String(filtersHtml(readState(`?page=${page}`), CHOICES)), /name="grain"/, page);
  });

  test("the note says what the filter keeps, why CAC and ROMI are withheld, and a clamped window", () => {
    const p = present(makeTables(), { lang: "ru" });
    const m = p.analysis.metrics;
    // As the metrics layer sorts them (strings); the note counts them as a reader does.
    m.filter = { sources: ["10", "3", "4"], devices: ["touch"] };
    m.marketing.withheld = "spend_not_split_by_device";
    m.window = { ...m.window, requested: { from: "2017-06-01", to: "2018-09-01" }, clamped: true };
    const note = visible(String(filterNote(p.context, m)));
    assert.ok(note.includes("один из источников 3, 4, 10"), note);
    assert.ok(note.includes(t("ru", "dash.note.deviceCosts")), note);
    assert.ok(note.includes("сокращён до 01.06.2017 – 31.05.2018"), note);
    assert.ok(note.includes(t("ru", "dash.note.how")), "the window semantics are folded under the note");
    const unfiltered = present(makeTables(), { lang: "en" });
    const plain = visible(String(filterNote(unfiltered.context, unfiltered.analysis.metrics)));
    assert.equal(plain, `${t("en", "dash.note.how")} ${t("en", "dash.note.window")}`);
  });

  test("withheld CAC and ROMI cards say why instead of showing numbers", () => {
    const m = metricsOf(makeTables(), { lang: "en" });
    m.marketing.withheld = "spend_not_split_by_device";
    m.marketing.cac = "not_applicable";
    m.marketing.romiH = null;
    const html = String(kpiCards({ ...m.options, lang: "en" }, m));
    assert.equal(html.split(t("en", "cac.notApplicable")).length - 1, 2, "CAC and ROMI cards");
  });
});

describe("evidence chips", () => {
  test("a list of sources reads as words, not as a decimal number", () => {
    const v = { ...metricsOf(makeTables(), { lang: "ru" }).options, lang: "ru" as const };
    const chip = evidenceValue(v, { metric: "scale_sources", value: "9,10,4", unit: "text" });
    assert.equal(chip, "9, 10 и 4");
  });
});

describe("cohort tables", () => {
  test("retention as numbers: a row per cohort with its size, months from 1, unobserved as a dash", () => {
    const tables = makeTables({ months: 3 });
    const m = metricsOf(tables, { lang: "en" });
    const html = String(retentionTable({ ...m.options, lang: "en" }, m));
    const rows = html.split("<tr>").slice(2);
    assert.equal(rows.length, 3, "three cohorts");
    const first = tables.retention.find((r) => r.cohort === "2017-06" && r.lifetime === 1)!;
    assert.ok(rows[0]!.includes(first.cohort_size.toLocaleString("en-US")), "cohort size");
    assert.ok(rows[0]!.includes(`${(first.retention! * 100).toFixed(1)}%`), "month 2 retention");
    assert.match(html, /<th class="num" scope="col">1<\/th>/, "month 1 is the cohort month");
    assert.ok(
      rows[2]!.includes('<td class="num">—</td>'),
      "the youngest cohort's later months are unobserved",
    );
  });
});
