/**
 * The trust numbers in the HTML report, end to end (issue 10): the whale fixture (one buyer makes
 * source A pay back; B's buyers all pay their share) analysed and rendered in English and Russian.
 * One verdict per source, with its reason and mature cohorts; intervals in the by-source table and
 * the KPI cards; the backtest and the trust CSVs in the methods; never "ROMI not measurable … worth
 * scaling". The same page without trust numbers (API without intervals=1) shows no interval.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../src/analyze.ts";
import { FIGURES } from "../src/charts/registry.ts";
import type { Lang } from "../src/i18n/index.ts";
import { presentationOf } from "../src/presentation.ts";
import { renderReportHtml } from "../src/report/html/index.ts";
import { EMPTY_TABLES } from "./charts-fixture.ts";
import { freshEngine, tempDir, writeLines } from "./helpers/temp.ts";
import { present } from "./presentation-fixture.ts";

/** Source A: 60 buyers of 1.00 and one of 200.00; B: 50 buyers of 3.00; spend 100 each. */
function whaleFiles() {
  const visits = ["Device,End Ts,Source Id,Start Ts,Uid"];
  const orders = ["Buy Ts,Revenue,Uid"];
  const add = (uid: string, source: string, revenue: string) => {
    visits.push(`desktop,2017-06-10 10:05:00,${source},2017-06-10 10:00:00,${uid}`);
    orders.push(`2017-06-10 10:03:00,${revenue},${uid}`);
  };
  for (let i = 0; i < 60; i++) add(`1${String(i).padStart(4, "0")}`, "A", "1.00");
  add("19999", "A", "200.00");
  for (let i = 0; i < 50; i++) add(`2${String(i).padStart(4, "0")}`, "B", "3.00");
  visits.push("desktop,2017-11-30 10:05:00,B,2017-11-30 10:00:00,30000");
  const dir = tempDir();
  return {
    visits: { path: writeLines(dir, "visits.csv", visits) },
    orders: { path: writeLines(dir, "orders.csv", orders) },
    costs: {
      path: writeLines(dir, "costs.csv", [
        "source_id,dt,costs",
        "A,2017-06-10,100.00",
        "B,2017-06-10,100.00",
      ]),
    },
  };
}

/** What a reader sees, tags stripped. */
const visible = (page: string) =>
  page
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<svg[\s\S]*?<\/svg>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;|\u00a0/g, " ")
    .replace(/\s+/g, " ");

/** The `<li data-finding="…">` items of the verdict section, by id. */
function findings(page: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of page.matchAll(/<li data-finding="([^"]+)"><p>([\s\S]*?)<\/p>/g)) out.set(m[1]!, m[2]!);
  return out;
}

describe("the report with trust numbers (whale fixture)", async () => {
  const files = whaleFiles();
  const pages = {} as Record<Lang, string>;
  const analyses = {} as Record<Lang, Awaited<ReturnType<typeof analyze>>>;
  for (const lang of ["en", "ru"] as const) {
    // Whole months, as in the real exports (see the report's note on a window starting mid-month).
    analyses[lang] = await analyze(await freshEngine(), files, {
      horizon: 3,
      from: "2017-06-01",
      to: "2017-12-01",
      lang,
    });
    pages[lang] = renderReportHtml(presentationOf(analyses[lang], lang), { figures: [] });
  }

  it("one verdict per source: the whale's source is watch with the reason, in both languages", () => {
    for (const lang of ["en", "ru"] as const) {
      const ids = [...findings(pages[lang]).keys()].filter((id) => id.startsWith("source-"));
      assert.deepEqual(ids.sort(), ["source-A-watch", "source-B-scale"], lang);
    }
    const en = findings(pages.en);
    assert.match(en.get("source-A-watch")!, /^Source A: watch — .*one customer decides it/);
    assert.match(en.get("source-A-watch")!, /0\.60 without its largest customer/);
    assert.match(en.get("source-B-scale")!, /^Source B: scale\..*rests on 4 mature cohorts\.$/);
    const ru = findings(pages.ru);
    assert.match(ru.get("source-A-watch")!, /^Источник A пока стоит наблюдать: .*всё решает один покупатель/);
    assert.match(
      ru.get("source-B-scale")!,
      /^Источник B стоит масштабировать: .*Вывод опирается на 4 зрелые когорты\.$/,
    );
    // The verdict in metrics.json is the one on the page.
    assert.equal(analyses.en.verdicts.find((v) => v.source === "A")!.text, en.get("source-A-watch"));
  });

  it("every source verdict and the overall line state the mature cohorts they rest on", () => {
    for (const [lang, word] of [
      ["en", /mature cohort/],
      ["ru", /зрел/],
    ] as const) {
      const f = findings(pages[lang]);
      for (const id of ["source-A-watch", "source-B-scale", "overall-romi"])
        assert.match(f.get(id)!, word, id);
    }
  });

  it("never 'ROMI not measurable … worth scaling', in English or Russian", () => {
    for (const lang of ["en", "ru"] as const) {
      const text = visible(pages[lang]);
      assert.doesNotMatch(text, /not measurable[^.;]*(worth scaling|scale up)/i, lang);
      assert.doesNotMatch(text, /не рассчитывается[^.;]*(наращивать|масштабировать)/i, lang);
    }
  });

  it("intervals in the by-source table and the KPI cards, the top buyer's share beside them", () => {
    const sources = /<section id="sources"[\s\S]*?<\/section>/.exec(pages.en)![0];
    const a = analyses.en.metrics.trust!.intervals.bySource.find((s) => s.source === "A")!;
    assert.ok(a.romiH.low !== null && a.romiH.high !== null);
    const romiA = `[${a.romiH.low.toFixed(2)}–${a.romiH.high.toFixed(2)}]`;
    assert.ok(sources.includes(`<span class="ci" data-ci="romi_h">${romiA}</span>`), romiA);
    for (const kind of ["ltv_h", "cac", "romi_h"]) assert.match(sources, new RegExp(`data-ci="${kind}"`));
    assert.match(sources, /Top buyer&#39;s share|Top buyer's share/);
    assert.match(visible(sources), /76\.9%/, "A's top buyer brings 200 of 260");
    const kpis = /<section id="kpis"[\s\S]*?<\/section>/.exec(pages.en)![0];
    assert.match(kpis, /<p class="ci" data-ci="romi_h">90 % interval \[/);
    assert.match(
      /<section id="sources"[\s\S]*?<\/section>/.exec(pages.ru)![0],
      /Доля крупнейшего покупателя/,
    );
  });

  it("the methods quote the backtest computed on this data and link the trust CSVs", () => {
    const methods = /<section id="methods"[\s\S]*?<\/section>/.exec(pages.en)![0];
    for (const name of ["by_source", "ltv_forecast", "romi_forecast", "payback_forecast"])
      assert.ok(methods.includes(`href="tables/${name}.csv"`), name);
    assert.match(methods, /Backtest of the LTV forecast/);
    assert.match(methods, /Budget verdicts: scale only when the whole ROMI interval/);
    assert.match(/<section id="methods"[\s\S]*?<\/section>/.exec(pages.ru)![0], /Проверка прогноза LTV/);
  });

  it("without trust numbers the page shows no interval and no trust methods, and does not break", () => {
    const { trust: _trust, ...bare } = analyses.en.metrics;
    const page = renderReportHtml(presentationOf({ ...analyses.en, metrics: bare }, "en"), { figures: [] });
    assert.doesNotMatch(page, /data-ci=/);
    assert.doesNotMatch(page, /Backtest of the LTV forecast/);
  });

  it("the ROMI, LTV and CAC figures draw whiskers only where there is an interval", () => {
    const p = presentationOf(analyses.en, "en");
    const { trust: _trust, ...bare } = analyses.en.metrics;
    const q = presentationOf({ ...analyses.en, metrics: bare }, "en");
    for (const name of ["romi-by-source", "ltv-by-source", "cac-by-source"] as const) {
      const spec = FIGURES[name](p);
      const withCi = JSON.stringify(spec);
      assert.match(withCi, /"x2":\{"field":"high"\}/, name);
      // The subtitle may wrap into several lines (an array): read it as one text.
      const title = spec.title as { subtitle?: string | string[] } | undefined;
      assert.match([title?.subtitle ?? []].flat().join(" "), /whiskers: 90 % interval/, name);
      assert.doesNotMatch(JSON.stringify(FIGURES[name](q)), /"x2":\{"field":"high"\}/, name);
    }
  });
});

describe("LTV curves with the forecast continuation", () => {
  const ltv = [
    { cohort: "2018-01", lifetime: 0, cohort_size: 50, revenue: 250, ltv: 5 },
    { cohort: "2018-01", lifetime: 1, cohort_size: 50, revenue: 300, ltv: 6 },
    { cohort: "2018-01", lifetime: 2, cohort_size: 50, revenue: 325, ltv: 6.5 },
    { cohort: "2018-02", lifetime: 0, cohort_size: 40, revenue: 200, ltv: 5 },
  ];
  const tables = { ...EMPTY_TABLES, ltv };
  const forecast = {
    model: "power" as const,
    ltv: [
      ...ltv.map((r) => ({ ...r, ltv_low: null, ltv_high: null, observed: true })),
      {
        cohort: "2018-02",
        lifetime: 1,
        cohort_size: 40,
        ltv: 6,
        ltv_low: 5.5,
        ltv_high: 6.6,
        observed: false,
      },
      {
        cohort: "2018-02",
        lifetime: 2,
        cohort_size: 40,
        ltv: 6.4,
        ltv_low: 5.7,
        ltv_high: 7.2,
        observed: false,
      },
    ],
    romi: [],
    payback: [],
  };

  it("draws the forecast dashed with its band, from the last measured month, under a 'forecast' key", () => {
    for (const [lang, word] of [
      ["en", "forecast"],
      ["ru", "прогноз"],
    ] as const) {
      const spec = FIGURES["ltv-curves"](present(tables, { lang, horizon: 3, trust: { forecast } }));
      const json = JSON.stringify(spec);
      assert.ok(json.includes(`"text":{"value":"${word}"}`), `${lang}: no "${word}" key`);
      assert.match(json, /"strokeDash":\[5,3\]/);
      assert.match(json, /"y2":\{"field":"high"\}/);
      // The dashed piece of 2018-02 starts at its measured month 1 and runs to month 3.
      const layer = (
        spec as { layer: { data?: { values?: { cohort: string; month: number }[] } }[] }
      ).layer.find((l) => l.data?.values?.some((v) => v.cohort === "2018-02" && v.month === 3));
      assert.deepEqual(
        layer?.data?.values?.filter((v) => v.cohort === "2018-02").map((v) => v.month),
        [1, 2, 3],
      );
    }
    const plain = JSON.stringify(FIGURES["ltv-curves"](present(tables, { lang: "en", horizon: 3 })));
    assert.doesNotMatch(plain, /"value":"forecast"|"y2":\{"field":"high"\}/);
  });
});
