import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FIGURE_NAMES, FIGURES } from "../src/charts/index.ts";
import { en } from "../src/i18n/en.ts";
import { formatDate, formatMonth, formatNumber, formatPercent, t } from "../src/i18n/index.ts";
import { ru } from "../src/i18n/ru.ts";
import { naturalIdOrder } from "../src/metrics/id-order.ts";
import { EMPTY_TABLES, makeExtras, makeTables } from "./charts-fixture.ts";
import { type FixtureContext, present } from "./presentation-fixture.ts";

const NBSP = "\u00a0";
const RU: FixtureContext = {
  lang: "ru",
  currency: "у.е.",
  horizon: 6,
  attribution: "last-touch",
  extras: makeExtras(),
};

/** Latin words a Russian figure may show: metric abbreviations and the horizon symbol. */
const ALLOWED_LATIN = new Set(["ROMI", "CAC", "LTV", "DAU", "WAU", "MAU", "ASL", "H"]);

/** Every text a reader sees in a spec's titles and axis/legend titles, plus drawn labels and notes. */
function visibleTexts(spec: unknown): string[] {
  const out: string[] = [];
  const take = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(take);
  };
  const walk = (node: unknown, key = "") => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, key);
    } else if (node && typeof node === "object") {
      const n = node as Record<string, unknown>;
      for (const [k, v] of Object.entries(n)) {
        if (k === "title" || k === "subtitle" || (k === "text" && typeof v === "string")) take(v);
        if (k === "values" && key === "data") {
          for (const row of v as Record<string, unknown>[]) {
            for (const f of ["label", "text", "note", "source", "bucket", "kind"]) take(row[f]);
          }
        }
        walk(v, k);
      }
    }
  };
  walk(spec);
  return out;
}

describe("Russian figures", () => {
  for (const [name, tables] of Object.entries({ realistic: makeTables(), empty: EMPTY_TABLES })) {
    test(`no English words in titles, axes, legends or labels (${name})`, () => {
      for (const figure of FIGURE_NAMES) {
        const texts = visibleTexts(FIGURES[figure](present(tables, RU)));
        assert.ok(texts.length > 0, figure);
        for (const text of texts) {
          const latin = (text.match(/[A-Za-z]+/g) ?? []).filter((w) => !ALLOWED_LATIN.has(w));
          assert.deepEqual(latin, [], `${figure}: "${text}"`);
        }
      }
    });
  }

  test("titles come from the dictionary", () => {
    const spec = FIGURES.retention(present(makeTables(), RU)) as { title: { text: string } };
    assert.equal(spec.title.text, "Удержание по когортам");
    const romi = FIGURES["romi-by-source"](present(makeTables(), RU)) as { title: { text: string } };
    assert.equal(romi.title.text, "Окупаемость инвестиций в маркетинг (ROMI) за 6 мес. по источникам");
  });
});

describe("i18n", () => {
  test("both dictionaries have the same keys and the same parameters", () => {
    assert.deepEqual(Object.keys(ru).sort(), Object.keys(en).sort());
    const params = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      assert.deepEqual(params(ru[key]), params(en[key]), key);
    }
  });

  test("t fills parameters and refuses a missing one", () => {
    assert.equal(t("ru", "ltv.axis", { currency: "у.е." }), "LTV, у.е. на покупателя");
    assert.throws(() => t("en", "ltv.axis"), /needs the parameter \{currency\}/);
  });

  test("numbers: ru groups with a non-breaking space and uses a decimal comma", () => {
    assert.equal(formatNumber("ru", 23228.456, 1), `23${NBSP}228,5`);
    assert.equal(formatNumber("en", 23228.456, 1), "23,228.5");
    assert.equal(formatNumber("en", 1234567), "1,234,567");
    assert.equal(formatNumber("ru", -0.004, 2), "0,00");
    assert.equal(formatNumber("en", -1.5, 1), "\u22121.5");
    assert.equal(formatPercent("ru", 0.0463), `4,6${NBSP}%`);
    assert.equal(formatPercent("en", 0.0463), "4.6%");
  });

  test("dates: month names per language", () => {
    assert.equal(formatMonth("ru", "2017-06"), "июн 2017");
    assert.equal(formatMonth("ru", "2018-01", "long"), "январь 2018");
    assert.equal(formatMonth("en", "2017-12", "long"), "December 2017");
    assert.equal(formatDate("ru", "2017-06-01"), "01.06.2017");
    assert.equal(formatDate("en", "2017-06-01"), "2017-06-01");
  });

  test("sources sort naturally", () => {
    const ids = ["10", "2", "unattributed", "1", "9", "b", "a10", "a2"];
    assert.deepEqual([...ids].sort(naturalIdOrder), ["1", "2", "9", "10", "a2", "a10", "b", "unattributed"]);
  });
});
