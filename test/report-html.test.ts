import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { FIGURE_NAMES, FIGURES, renderSvg } from "../src/charts/index.ts";
import type { Lang } from "../src/i18n/index.ts";
import { type ReportFigures, renderReportHtml } from "../src/report/html/index.ts";
import { EMPTY_TABLES } from "./charts-fixture.ts";
import { present } from "./presentation-fixture.ts";
import { reportPresentation, reportTables } from "./report-html-fixture.ts";

const NBSP = "\u00a0";
const ORDER = [
  "verdict",
  "kpis",
  "product",
  "sales",
  "marketing",
  "sensitivity",
  "sources",
  "quality",
  "methods",
];

async function realFigures(lang: Lang, tables = reportTables()): Promise<ReportFigures["figures"]> {
  const out: { name: string; svg: string }[] = [];
  for (const name of FIGURE_NAMES)
    out.push({ name, svg: await renderSvg(FIGURES[name](reportPresentation(lang, tables))) });
  return out;
}

const FULL: Partial<Record<Lang, Promise<string>>> = {};
function fullReport(lang: Lang): Promise<string> {
  FULL[lang] ??= realFigures(lang).then((figures) =>
    renderReportHtml(reportPresentation(lang, reportTables()), { figures }),
  );
  return FULL[lang];
}

/** What a reader sees: no style sheet, no markup; `<code>` (file names, ids) is data, not prose. */
function visibleText(doc: string): string {
  return doc
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<code>[\s\S]*?<\/code>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(?:[a-z]+|#\d+);/g, " ");
}

const sectionIds = (doc: string) => [...doc.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);

describe("HTML report", () => {
  test("structure: sections in order, every figure inlined once, KPI cards", async () => {
    const doc = await fullReport("en");
    assert.match(doc, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.deepEqual(sectionIds(doc), ORDER);
    for (const name of FIGURE_NAMES) {
      assert.equal(doc.split(`data-figure="${name}"`).length - 1, 1, `${name} inlined once`);
    }
    assert.equal((doc.match(/<svg\b/g) ?? []).length, FIGURE_NAMES.length);
    for (const text of [
      "Which traffic sources pay off",
      "2017-06-01 – 2018-05-31",
      "228,169",
      "16.0%",
      "10 min 44 s",
    ]) {
      assert.ok(doc.includes(text), `shows ${text}`);
    }
    assert.match(doc, /<p class="label">ROMI at 6 months<\/p><p class="value">0.81<\/p>/);
    assert.match(doc, /<h3>Scale up<\/h3>[\s\S]*<h3>Cut or rework<\/h3>[\s\S]*<h3>Watch<\/h3>/);
    const best = reportTables().by_source.find((r) => r.source === "5")!;
    const finding = doc.slice(doc.indexOf('data-finding="source-5-scale"'));
    assert.ok(
      finding.includes(`<li><b>ROMI at 6 mo</b> ${best.romi_h!.toFixed(2)}</li>`),
      "evidence numbers beside the finding",
    );
    assert.match(doc, /<h3>Too few buyers to judge<\/h3>[\s\S]*<h3>Caveats<\/h3>/);
  });

  test("ids are unique across the inlined figures and every url(#id) resolves", async () => {
    const doc = await fullReport("en");
    const ids = [...doc.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
      "duplicate ids",
    );
    for (const [, ref] of doc.matchAll(/url\(#([^)]+)\)/g))
      assert.ok(ids.includes(ref!), `url(#${ref}) resolves`);
    assert.ok(ids.includes("fig-romi-heatmap-gradient_0"), "heatmap gradients are prefixed per figure");
  });

  test("self-contained: no script, stylesheet link, image or network reference", async () => {
    const doc = await fullReport("ru");
    const urls = [...doc.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    const allowed = new Set(["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"]);
    assert.deepEqual(
      urls.filter((u) => !allowed.has(u)),
      [],
    );
    for (const [, attr] of doc.matchAll(/\s(xmlns(?::\w+)?)="https?:/g)) assert.match(attr!, /^xmlns/);
    assert.doesNotMatch(doc, /<script|<link|<img|<iframe|@import|@font-face|\ssrc=/i);
    for (const [, ref] of doc.matchAll(/url\(([^)]*)\)/g))
      assert.match(ref!, /^#/, "url() only to local ids");
  });

  test("Russian: every word translated, numbers and dates in Russian style", async () => {
    const doc = await fullReport("ru");
    assert.match(doc, /<html lang="ru">/);
    const allowed = new Set(["ROMI", "CAC", "LTV", "DAU", "WAU", "MAU", "ASL", "CSV"]);
    const latin = [...new Set(visibleText(doc).match(/[A-Za-z]{2,}/g) ?? [])].filter((w) => !allowed.has(w));
    assert.deepEqual(latin, [], "English left in the Russian report");
    for (const text of [
      "Какие источники трафика окупаются",
      "01.06.2017 – 31.05.2018",
      `228${NBSP}169`,
      `16,0${NBSP}%`,
      `252${NBSP}057${NBSP}у.е.`,
      "10 мин 44 с",
      "<h2>Выводы</h2>",
      "нет расходов",
      "без источника",
      "сессия заканчивается раньше, чем начинается",
    ]) {
      assert.ok(doc.includes(text), `shows ${JSON.stringify(text)}`);
    }
  });

  test("CAC words, not-observed dashes and their footnote", () => {
    const tables = reportTables({ noBuyers: ["3"] });
    tables.by_source[0]!.ltv_h = null;
    for (const [lang, noSpend, notYet] of [
      ["en", "no spend", "not observed yet"],
      ["ru", "нет расходов", "ещё не наблюдалось"],
    ] as const) {
      const doc = renderReportHtml(reportPresentation(lang, tables), { figures: [] });
      const sources = doc.slice(doc.indexOf('<section id="sources"'), doc.indexOf('<section id="quality"'));
      const row = (s: string) => sources.split("<tr>").find((r) => r.startsWith(`<td>${s}</td>`)) ?? "";
      assert.match(row("3"), /<td class="num">∞<\/td>/, "spend without buyers: ∞");
      assert.ok(row("6").includes(`<td class="num">${noSpend}</td>`), "free source: no spend");
      assert.match(row("1"), /<td class="num">—<\/td>/, "null: dash");
      assert.ok(sources.includes(notYet), "footnote for the dash");
    }
  });

  test("basis of each by-source column, en and ru; a payback the mature cohorts do not bear out is marked", () => {
    const tables = reportTables();
    // Paid back in the first month on all cohorts, yet below break-even on the cohorts observed for
    // the horizon: the reading a marketer must not take at face value.
    const early = tables.by_source.find((r) => r.source === "2")!;
    Object.assign(early, { payback_lifetime: 0, romi_h: 0.89 });
    const late = tables.by_source.find((r) => r.source === "1")!;
    Object.assign(late, { payback_lifetime: 7, romi_h: 0.94 });
    for (const [lang, expected] of [
      [
        "en",
        [
          "What each column rests on",
          "the whole period (2017-06-01 – 2018-05-31)",
          "so LTV / CAC is not the ROMI shown",
          "The 1st month counts every cohort, each later month only the cohorts old enough for it",
          "payback comes from the young cohorts",
          "in the 1st month*",
        ],
      ],
      [
        "ru",
        [
          "На чём стоит каждый столбец",
          "за весь период (01.06.2017 – 31.05.2018)",
          "поэтому LTV / CAC — не тот ROMI, что в таблице",
          "В 1-м месяце считаются все когорты",
          "Окупаемость в первые месяцы дают молодые когорты",
          "в 1-й месяц*",
        ],
      ],
    ] as const) {
      const p = reportPresentation(lang, tables);
      const mature = p.analysis.metrics.ltv.matureCohorts;
      assert.ok(mature.length >= 2, "the fixture has mature cohorts");
      const doc = renderReportHtml(p, { figures: [] });
      const sources = doc.slice(doc.indexOf('<section id="sources"'), doc.indexOf('<section id="quality"'));
      const basis = sources.slice(sources.indexOf("data-basis"));
      for (const text of expected)
        assert.ok(sources.includes(text), `${lang}: shows ${JSON.stringify(text)}`);
      // The cohorts LTV and ROMI rest on, named by their first and last month.
      assert.ok(
        basis.includes(`${mature[0]}`) && basis.includes(`${mature.at(-1)}`),
        `${lang}: cohort range`,
      );
      assert.ok(basis.includes(String(mature.length)), `${lang}: cohort count`);
      const row = (s: string) => sources.split("<tr>").find((r) => r.startsWith(`<td>${s}</td>`)) ?? "";
      // Past the horizon and below 1 at it: consistent, not marked.
      assert.doesNotMatch(row("1"), /\*<\/td>/, `${lang}: a late payback is not marked`);
      assert.match(row("2"), /\*<\/td>/, `${lang}: the early payback is marked`);
    }
    // Without such a row the extra line is not there.
    const consistent = reportTables();
    for (const r of consistent.by_source)
      if (r.payback_lifetime !== null && r.payback_lifetime < 6 && (r.romi_h ?? 1) < 1)
        r.payback_lifetime = null;
    const plain = renderReportHtml(reportPresentation("en", consistent), { figures: [] });
    assert.ok(plain.includes("What each column rests on"));
    assert.ok(!plain.includes("payback comes from the young cohorts"));
  });

  test("a figure drawn for the column and for a phone: all drawings inline, own ids, CSS shows one", () => {
    const drawing = (width: number) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="10"><defs><clipPath id="c"/></defs><text font-size="11px" clip-path="url(#c)">x</text></svg>`;
    const doc = renderReportHtml(reportPresentation("en", reportTables()), {
      figures: [
        { name: "activity", svg: drawing(736), wide: drawing(1036), narrow: drawing(341) },
        { name: "retention", svg: drawing(701), wide: null, narrow: null },
      ],
    });
    const block = (name: string) =>
      /<figure[^>]*>[\s\S]*?<\/figure>/.exec(doc.slice(doc.indexOf(`data-figure="${name}"`) - 60))![0];
    const activity = block("activity");
    assert.match(activity, /^<figure class="fig has-wide has-narrow"/);
    assert.deepEqual(
      [...activity.matchAll(/data-fit="(\w+)"/g)].map((m) => m[1]),
      ["natural", "wide", "narrow"],
    );
    assert.deepEqual(
      [...activity.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]),
      ["fig-activity", "fig-activity-c", "fig-activity-w-c", "fig-activity-n-c"],
    );
    for (const ref of ["fig-activity-c", "fig-activity-w-c", "fig-activity-n-c"])
      assert.ok(activity.includes(`url(#${ref})`), `${ref} referenced by its own drawing`);
    const retention = block("retention");
    assert.match(retention, /^<figure class="fig"/);
    assert.equal((retention.match(/<svg\b/g) ?? []).length, 1, "a figure that does not reflow is drawn once");
    assert.doesNotMatch(retention, /data-fit/);
    // One drawing per width: the phone's up to 780 px, the column's from 1,100 px, the natural between.
    assert.match(
      doc,
      /@media screen and \(max-width: 780px\) \{\s*figure\.has-narrow > svg\[data-fit="narrow"\] \{ display: inline; \}/,
    );
    assert.match(
      doc,
      /@media screen and \(min-width: 1100px\) \{\s*figure\.has-wide > svg\[data-fit="wide"\] \{ display: inline; \}/,
    );
  });

  test("escapes text from data: ids, file names, finding text", () => {
    const evil = `<script>alert("x")</script>&'`;
    const tables = reportTables({ sources: ["1", evil] });
    tables.by_device[0]!.device = `<img src=x onerror=alert(1)>`;
    const input = reportPresentation("en", tables);
    const { analysis } = input;
    analysis.metadata.inputs[0]!.path = `visits<u>.csv`;
    analysis.insights.findings[0]!.text = evil;
    analysis.insights.findings[0]!.id = `"onmouseover="x`;
    analysis.dataQuality.files[0]!.path = `a"><q>.csv`;
    analysis.dataQuality.warnings[0]!.examples = [evil];
    const doc = renderReportHtml(input, { figures: [{ name: "activity", svg: "<svg></svg>" }] });
    assert.doesNotMatch(doc, /<script|<img|<u>|<q>|"onmouseover/);
    assert.ok(doc.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"));
    assert.ok(doc.includes("visits&lt;u&gt;.csv"));
    assert.ok(doc.includes("a&quot;&gt;&lt;q&gt;.csv"));
  });

  test("only the figures given are shown; empty inputs still give a valid page", () => {
    const some = renderReportHtml(reportPresentation("en", reportTables()), {
      figures: [{ name: "activity", svg: "<svg></svg>" }],
    });
    assert.ok(some.includes('data-figure="activity"'));
    assert.doesNotMatch(some, /<h3>Retention<\/h3>|<h3>Spend<\/h3>|data-figure="retention"/);
    assert.deepEqual(
      sectionIds(some),
      ORDER.filter((id) => id !== "marketing"),
    );

    // No data at all: the headline cards and facts show dashes, no figure is invented.
    const empty = renderReportHtml(present(EMPTY_TABLES, { lang: "ru" }), { figures: [] });
    assert.deepEqual(sectionIds(empty), ["verdict", "kpis", "product", "sales", "quality", "methods"]);
    assert.ok(empty.includes("Выводов нет."));
  });

  for (const lang of ["en", "ru"] as const) {
    test(`golden: report-${lang}.html`, () => {
      const tables = reportTables({ months: 3, sources: ["1", "2", "unattributed"], free: ["unattributed"] });
      // Tiny stand-in figures keep the snapshot about the page; one has an id to show the prefixing.
      const figures = [
        { name: "activity", svg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>' },
        {
          name: "romi-heatmap",
          svg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs><linearGradient id="g"/></defs><rect fill="url(#g)"/></svg>',
        },
      ];
      assertGoldenHtml(`report-${lang}`, renderReportHtml(reportPresentation(lang, tables), { figures }));
    });
  }
});

const GOLDEN_DIR = fileURLToPath(new URL("./golden/", import.meta.url));

/** Volatile parts out (a footer timestamp, if any; real figures' bodies), then compare with the golden. */
function assertGoldenHtml(name: string, doc: string): void {
  const actual = doc
    .replace(/<footer>[\s\S]*?<\/footer>/g, "<footer>[generated]</footer>")
    .replace(/(<svg\b[^>]*>)[\s\S]{2000,}?<\/svg>/g, "$1[figure]</svg>");
  mkdirSync(GOLDEN_DIR, { recursive: true });
  const path = `${GOLDEN_DIR}${name}.html`;
  const changed = `${GOLDEN_DIR}${name}-changed.html`;
  if (!existsSync(path) || process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(path, actual);
    rmSync(changed, { force: true });
    return;
  }
  if (readFileSync(path, "utf8") === actual) {
    rmSync(changed, { force: true });
    return;
  }
  writeFileSync(changed, actual);
  assert.fail(`golden ${name}.html differs: see ${changed} (UPDATE_GOLDEN=1 accepts it)`);
}
