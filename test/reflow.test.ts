/**
 * charts/reflow.ts: a figure redrawn for a width changes its plot width only; marks pinned to the right
 * edge follow it; step-sized plots (heatmaps) and the rest of the spec are left as they are. Every
 * registry figure still compiles and draws after a reflow to a phone's width, and parses to the
 * runtime of its natural width with only its width signal changed (what the dashboard draws from).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse, View } from "vega";
import { compile } from "vega-lite";
import { FIGURE_NAMES, FIGURES } from "../src/charts/index.ts";
import {
  fitToRoom,
  followingEdges,
  PHONE_ROOM,
  phoneLegends,
  plotWidth,
  reflowSpec,
} from "../src/charts/reflow.ts";
import { renderSvg } from "../src/charts/render.ts";
import type { VegaLiteSpec } from "../src/charts/types.ts";
import { atWidth, drawnWidth, shapeOf } from "../src/web/figure-shape.ts";
import { reportPresentation, reportTables } from "./report-html-fixture.ts";

/** Drawn as the report draws (the bundled font's real metrics, as a browser measures). */
const svgWidth = async (spec: VegaLiteSpec) =>
  Number(/<svg[^>]*?\swidth="([\d.]+)"/.exec(await renderSvg(spec))?.[1]);

describe("reflow", () => {
  test("a fixed-width plot gets the new width; a right-edge mark follows it; the rest is unchanged", () => {
    const spec = {
      width: 600,
      height: 100,
      layer: [
        { mark: "bar", encoding: { x: { field: "a" } } },
        { mark: "text", encoding: { x: { value: 600 }, text: { value: "edge" } } },
        { mark: "text", encoding: { x: { value: 30 } } },
      ],
    } as unknown as VegaLiteSpec;
    const out = reflowSpec(spec, -300) as unknown as Record<string, unknown>;
    assert.equal(out.width, 300);
    assert.equal(out.height, 100);
    const layer = out.layer as { encoding: { x: unknown } }[];
    assert.deepEqual(layer[0]!.encoding.x, { field: "a" });
    assert.deepEqual(layer[1]!.encoding.x, { value: "width" });
    assert.deepEqual(layer[2]!.encoding.x, { value: 30 });
    assert.equal((spec as unknown as { width: number }).width, 600, "the input is not changed");
  });

  test("never narrower than the minimum; vertical panels change together; step-sized plots stay", () => {
    const narrow = reflowSpec({ width: 600, mark: "bar" } as unknown as VegaLiteSpec, -1000);
    assert.equal(plotWidth(narrow), 140);
    const panels = reflowSpec(
      {
        vconcat: [
          { width: 600, mark: "bar" },
          { width: 600, mark: "line" },
        ],
      } as unknown as VegaLiteSpec,
      -200,
    ) as unknown as { vconcat: { width: number }[] };
    assert.deepEqual(
      panels.vconcat.map((p) => p.width),
      [400, 400],
    );
    const step = { width: { step: 40 }, mark: "rect" } as unknown as VegaLiteSpec;
    assert.equal(reflowSpec(step, -300), step);
    assert.equal(plotWidth(step), null);
  });

  test("figures drawn for a 390-px phone fit in it, or shrink as far as their labels let them", async () => {
    const p = reportPresentation("ru", reportTables());
    const room = 366; // 390 px less the page's padding
    // Bars by source keep their labels on both sides of the plot (source and buyers, value): at the
    // narrowest plot they are still wider than a phone and scroll sideways (never shrunk).
    const labelled = new Set([
      "conversion-lag-by-source",
      "conversion-lag-by-cohort",
      "ltv-by-source",
      "cac-by-source",
      "romi-by-source",
      "payback-by-source",
      "sessions-per-day",
      "cac-by-cohort",
    ]);
    for (const name of FIGURE_NAMES) {
      const spec = FIGURES[name](p);
      if (plotWidth(spec) === null) continue;
      const natural = await svgWidth(spec);
      // As the dashboard does: one redraw for the room, a second when the axis labels moved.
      const aim = room - 6;
      let delta = aim - natural;
      let fitted = await svgWidth(reflowSpec(spec, delta, room));
      for (let step = 0; step < 2 && fitted > aim; step++) {
        delta -= fitted - aim;
        fitted = await svgWidth(reflowSpec(spec, delta, room));
      }
      assert.ok(fitted < natural, `${name}: narrower (${natural} -> ${fitted} px)`);
      if (!labelled.has(name))
        assert.ok(fitted <= room, `${name}: ${natural} px drawn as ${fitted} px for ${room} px`);
    }
  });
  test("a figure with a plot width parses, at any other width, to its edge-following self's runtime with that width, drawn the same", async () => {
    // What the dashboard relies on to compile and parse each figure once (web/figure-shape.ts): only
    // the width signal's value differs, for every registry figure, with the phone's legends too.
    // (Data sets Vega names itself are numbered by a counter of the parser's: left out.)
    const runtime = (spec: VegaLiteSpec) =>
      JSON.parse(
        JSON.stringify(parse(compile(spec).spec, undefined, { ast: true })).replace(/_:vega:_\d+/g, "_"),
      );
    for (const lang of ["en", "ru"] as const) {
      const p = reportPresentation(lang, reportTables());
      let checked = 0;
      for (const name of FIGURE_NAMES) {
        const natural = FIGURES[name](p);
        if (typeof (natural as { width?: unknown }).width !== "number") continue;
        for (const base of [natural, phoneLegends(natural)]) {
          const once = runtime(followingEdges(base));
          for (const delta of [300, 57, -120]) {
            const resized = reflowSpec(base, delta);
            assert.equal(shapeOf(resized), shapeOf(base), `${lang} ${name}: one shape`);
            const width = (resized as unknown as { width: number }).width;
            assert.deepEqual(runtime(resized), atWidth(once, width), `${lang} ${name} ${delta}`);
          }
        }
        assert.equal(await renderSvg(followingEdges(natural)), await renderSvg(natural), `${lang} ${name}`);
        checked += 1;
      }
      assert.ok(checked >= 15, `${checked} figures with a plot width`);
    }
  });

  test("the width read off a run view is the width of the SVG it draws, for every figure", async () => {
    const p = reportPresentation("en", reportTables());
    for (const name of FIGURE_NAMES) {
      const natural = FIGURES[name](p);
      for (const spec of [natural, phoneLegends(natural), reflowSpec(natural, -150, 366)]) {
        const view = new View(parse(compile(spec).spec), { renderer: "none" });
        await view.runAsync();
        const svg = Number(/<svg[^>]*?\swidth="([\d.]+)"/.exec(await view.toSVG())?.[1]);
        assert.equal(drawnWidth(view), svg, name);
        view.finalize();
      }
    }
  });

  test("fitToRoom: a phone's column gets the legend below and a figure that fits; a wide one a wider plot", async () => {
    const p = reportPresentation("en", reportTables());
    const spend = FIGURES["spend-by-source"](p);
    const natural = await svgWidth(spend);
    const phone = await fitToRoom(spend, 347, svgWidth);
    const legend = (phone.config as { legend?: { orient?: string } }).legend;
    assert.equal(legend?.orient, "bottom", "legend below the plot on a phone");
    assert.ok((await svgWidth(phone)) <= 347, "fits the phone's column");
    assert.ok(plotWidth(phone)! > 200, `the plot keeps the width the legend took: ${plotWidth(phone)} px`);
    const wide = await fitToRoom(spend, 1044, svgWidth);
    const drawn = await svgWidth(wide);
    assert.ok(drawn > natural && drawn <= 1044, `widened to the column: ${natural} -> ${drawn} px`);
    assert.equal(
      (wide.config as { legend?: { orient?: string } }).legend?.orient,
      undefined,
      "legend stays beside",
    );
    assert.ok(1044 > PHONE_ROOM);
    // A heatmap (step-sized) comes back as it is, for either room.
    const heatmap = FIGURES["ltv-heatmap"](p);
    assert.equal(await fitToRoom(heatmap, 347, svgWidth), heatmap);
    assert.equal(await fitToRoom(heatmap, 1044, svgWidth), heatmap);
  });

  test("on a phone a column axis slants its labels instead of dropping some; bar segments too narrow for their share drop it", async () => {
    const p = reportPresentation("en", reportTables());
    const drawnTexts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    const lag = FIGURES["conversion-lag"](p);
    const buckets = ["same day", "next day", "2–7 days", "8–30 days", "over 30 days"];
    const natural = drawnTexts(await renderSvg(lag));
    for (const b of buckets) assert.ok(natural.includes(b), `natural: ${b}`);
    const phone = await fitToRoom(lag, 347, svgWidth);
    assert.ok(plotWidth(phone)! < 350, "narrowed");
    const phoneSvg = await renderSvg(phone);
    for (const b of buckets) assert.ok(drawnTexts(phoneSvg).includes(b), `phone keeps "${b}"`);
    assert.match(phoneSvg, /rotate\(-45\)/, "slanted on a phone");
    assert.doesNotMatch(await renderSvg(lag), /rotate\(-45\)/, "flat where the columns hold them");

    // Segment shares of the lag-by-source bars: written where the segment is at least 40 px wide at
    // the plot's drawn width, so the phone's narrow plot writes fewer of them and none overlap.
    const bySource = FIGURES["conversion-lag-by-source"](p);
    const segments = (bySource as unknown as { data: { values: { x0: number; x1: number; text: string }[] } })
      .data.values;
    // The marks' texts come after the axes (whose last text is the y title "Source") and before the legend.
    const shares = (svg: string) => {
      const texts = drawnTexts(svg);
      return texts
        .slice(texts.indexOf("Source") + 1, texts.indexOf("same day"))
        .filter((t) => /^\d+%$/.test(t)).length;
    };
    const expected = (width: number) => segments.filter((s) => (s.x1 - s.x0) * width >= 40).length;
    const narrow = await fitToRoom(bySource, 347, svgWidth);
    assert.equal(shares(await renderSvg(bySource)), expected(plotWidth(bySource)!));
    assert.equal(shares(await renderSvg(narrow)), expected(plotWidth(narrow)!));
    assert.ok(
      expected(plotWidth(narrow)!) < expected(plotWidth(bySource)!),
      "fewer shares fit the phone's plot",
    );
  });
});
