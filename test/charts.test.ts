import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  compileSpec,
  FIGURE_NAMES,
  FIGURES,
  renderAllFigures,
  renderPng,
  renderSvg,
  type VegaLiteSpec,
} from "../src/charts/index.ts";
import { t } from "../src/i18n/index.ts";
import type { Tables } from "../src/metrics/tables.ts";
import { dataRows, EMPTY_TABLES, makeExtras, makeTables } from "./charts-fixture.ts";
import { assertGolden } from "./charts-golden.ts";
import { type Extras, type FixtureContext, present } from "./presentation-fixture.ts";

const EN: FixtureContext = { lang: "en", currency: "USD", horizon: 6, attribution: "first-touch" };
const RU: FixtureContext = { lang: "ru", currency: "у.е.", horizon: 6, attribution: "first-touch" };

const CASES: Record<string, Tables> = {
  realistic: makeTables(),
  "one source": makeTables({ sources: ["1"], free: [] }),
  "one month": makeTables({ months: 1 }),
  "no costs": makeTables({ withCosts: false }),
  "source without buyers": makeTables({ noBuyers: ["3"] }),
  empty: EMPTY_TABLES,
  "extras absent": makeTables(),
};

/** The `ctx.extras` of each case (session length, AOV by month); absent for the last two. */
const EXTRAS: Record<string, Extras | undefined> = {
  realistic: makeExtras(),
  "one source": makeExtras(),
  "one month": makeExtras({ months: 1 }),
  "no costs": makeExtras(),
  "source without buyers": makeExtras(),
};
const READS_EXTRAS = ["session-length", "aov-by-month"] as const;
const withExtras = (ctx: FixtureContext, name = "realistic"): FixtureContext => ({
  ...ctx,
  extras: EXTRAS[name],
});

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), "PNG signature");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function titleOf(spec: VegaLiteSpec): string {
  const title = (spec as { title?: { text?: string } }).title;
  assert.ok(title?.text, "figure has a title");
  return title.text;
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

describe("every figure builds and renders", () => {
  for (const [name, tables] of Object.entries(CASES)) {
    for (const base of [EN, RU]) {
      const ctx = withExtras(base, name);
      test(`${name} (${ctx.lang})`, async () => {
        // Without extras only the figures that read them change (to their placeholder).
        const names = name === "extras absent" ? READS_EXTRAS : FIGURE_NAMES;
        for (const figure of names) {
          const spec = FIGURES[figure](present(tables, ctx));
          assert.deepEqual(compileSpec(spec).warnings, [], `${figure}: Vega-Lite warnings`);
          const svg = await renderSvg(spec);
          assert.match(svg, /^<svg[^>]*width="\d+"/, `${figure}: an SVG document`);
          assert.ok(svg.includes(xmlEscape(titleOf(spec))), `${figure}: the title is drawn`);
          // Only the realistic case pays for PNG encoding in both languages; edge cases check English.
          if (name !== "realistic" && ctx.lang === "ru") continue;
          const { width, height } = pngSize(renderPng(svg, { scale: 1 }));
          // About 720 px; narrower only when there is little to show (one month, one cohort).
          assert.ok(width >= 250 && width <= 900, `${figure}: width ${width}`);
          assert.ok(height >= 100 && height <= 1100, `${figure}: height ${height}`);
        }
      });
    }
  }
});

describe("rendering", () => {
  test("the same spec gives the same SVG bytes, also when renders overlap", async () => {
    const specs = FIGURE_NAMES.map((n) => FIGURES[n](present(CASES.realistic!, withExtras(EN))));
    const first = await Promise.all(specs.map((s) => renderSvg(s)));
    const again = await Promise.all([...specs].reverse().map((s) => renderSvg(s)));
    assert.deepEqual(again.reverse(), first);
  });

  test("PNG size follows scale and width", async () => {
    const svg = await renderSvg(FIGURES["cac-by-source"](present(CASES.realistic!, EN)));
    const base = Number(/width="(\d+)"/.exec(svg)![1]);
    assert.equal(pngSize(renderPng(svg, { scale: 1 })).width, base);
    assert.equal(pngSize(renderPng(svg)).width, base * 2);
    assert.equal(pngSize(renderPng(svg, { width: 500 })).width, 500);
  });

  test("renderAllFigures writes an SVG and a PNG per figure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "channelscope-charts-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const out = await renderAllFigures(present(CASES.realistic!, withExtras(RU)), dir, { scale: 1 });
    assert.deepEqual(
      out.map((f) => f.name),
      FIGURE_NAMES,
    );
    for (const f of out) {
      assert.equal(f.svg, join(dir, "figures", `${f.name}.svg`));
      assert.ok(readFileSync(f.svg, "utf8").startsWith("<svg"));
      pngSize(readFileSync(f.png!));
    }
  });
});

describe("figure content", () => {
  test("a source keeps its colour in every figure; unattributed is grey", () => {
    const colours = new Map<string, Set<string>>();
    for (const figure of ["ltv-by-source", "cac-by-source", "romi-by-source", "payback-by-source"] as const) {
      for (const row of dataRows(FIGURES[figure](present(CASES.realistic!, EN)))) {
        // Muted bars (too few buyers) keep the hue: the colour without its alpha is the source's.
        if (typeof row.id === "string" && typeof row.color === "string") {
          const id = row.id === "unattributed" ? row.id : row.id;
          colours.set(id, (colours.get(id) ?? new Set()).add(row.color.slice(0, 7)));
        }
      }
    }
    const spend = FIGURES["spend-by-source"](present(CASES.realistic!, EN)) as {
      encoding: { color: { scale: object } };
    };
    const { domain, range } = spend.encoding.color.scale as { domain: string[]; range: string[] };
    domain.forEach((source, i) => {
      assert.deepEqual([...colours.get(source)!], [range[i]!.slice(0, 7)], `source ${source}`);
    });
    assert.deepEqual([...colours.get("unattributed")!], ["#a0a0a0"]);
    const named = [...colours].filter(([source]) => source !== "unattributed");
    assert.equal(new Set(named.map(([, c]) => [...c][0])).size, named.length, "one colour per source");
  });

  test("CAC: infinite and no spend are written notes, never zero bars", () => {
    const rows = dataRows(FIGURES["cac-by-source"](present(CASES["source without buyers"]!, EN)));
    const three = rows.find((r) => r.id === "3")!;
    assert.equal(three.value, null);
    assert.equal(three.text, t("en", "cac.infinite"));
    assert.equal(three.label, "3 · 0 buyers", "the buyers behind the row are named");
    assert.equal(rows[0]!.id, "3", "infinite CAC leads the list");
    const free = rows.filter((r) => r.text === t("en", "bars.organic")).map((r) => r.id);
    assert.deepEqual(free.sort(), ["6", "7", "unattributed"], "free sources: organic / no spend");
    assert.ok(rows.every((r) => r.value === null || (typeof r.value === "number" && r.value > 0)));
  });

  test("no costs: CAC all 'no spend', ROMI has nothing to draw", () => {
    const cac = dataRows(FIGURES["cac-by-source"](present(CASES["no costs"]!, EN)));
    assert.ok(cac.every((r) => r.value === null && r.text === t("en", "bars.organic")));
    const romi = dataRows(FIGURES["romi-heatmap"](present(CASES["no costs"]!, EN)));
    assert.deepEqual(romi, [{ note: t("en", "common.noData") }]);
  });

  test("bars are sorted by value; unobserved heatmap cells are left out, not zero", () => {
    const ltv = dataRows(FIGURES["ltv-by-source"](present(CASES.realistic!, EN))).map(
      (r) => r.value as number,
    );
    assert.deepEqual(
      ltv,
      [...ltv].sort((a, b) => b - a),
    );
    const cells = dataRows(FIGURES.retention(present(CASES.realistic!, EN)));
    const observed = CASES.realistic!.retention.filter((r) => r.retention !== null).length;
    assert.equal(cells.length, observed);
    assert.ok(cells.every((c) => typeof c.value === "number"));
  });

  test("golden specs", () => {
    assertGolden("retention-en", FIGURES.retention(present(CASES.realistic!, EN)));
    assertGolden("cac-by-source-ru", FIGURES["cac-by-source"](present(CASES["source without buyers"]!, RU)));
    assertGolden("romi-by-source-en", FIGURES["romi-by-source"](present(CASES.realistic!, EN)));
  });
});
