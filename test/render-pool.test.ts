/**
 * Figures rendered on worker threads are the figures rendered in-process, byte for byte, whatever
 * thread draws them; SVG-only renders write no PNG; a failing spec fails its figure with Vega's message.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { FIGURE_NAMES, FIGURES, renderAllFigures, renderPng, renderSvg } from "../src/charts/index.ts";
import { RenderPool } from "../src/charts/render-pool.ts";
import { makeExtras, makeTables } from "./charts-fixture.ts";
import { tempDir } from "./helpers/temp.ts";
import { present } from "./presentation-fixture.ts";

const P = present(makeTables(), { lang: "ru", currency: "USD", extras: makeExtras() });

describe("figures on worker threads", () => {
  test("every SVG is byte-identical to the in-process render, on one thread or three", async () => {
    const inline = new Map<string, string>();
    for (const name of FIGURE_NAMES) inline.set(name, await renderSvg(FIGURES[name](P)));
    for (const threads of [1, 3]) {
      const dir = tempDir();
      const out = await renderAllFigures(P, dir, false, { threads });
      assert.deepEqual(
        out.map((f) => f.name),
        FIGURE_NAMES,
      );
      for (const f of out) {
        assert.equal(f.markup, inline.get(f.name), `${f.name} on ${threads} thread(s)`);
        assert.equal(readFileSync(f.svg, "utf8"), f.markup);
        assert.equal(f.png, null);
        assert.ok(!existsSync(join(dir, "figures", `${f.name}.png`)));
      }
    }
  });

  test("PNGs when asked are the in-process PNGs", async () => {
    const dir = tempDir();
    const progress: number[] = [];
    const out = await renderAllFigures(P, dir, { scale: 1 }, { onFigure: (done) => progress.push(done) });
    assert.deepEqual(
      progress,
      FIGURE_NAMES.map((_, i) => i + 1),
    );
    for (const f of out.slice(0, 3)) {
      assert.ok(readFileSync(f.png!).equals(renderPng(f.markup, { scale: 1 })), f.name);
    }
  });

  test("a spec Vega cannot draw fails that render with the reason, and the pool goes on", async () => {
    const pool = new RenderPool(1);
    try {
      const bad = { mark: "point", encoding: { x: { field: "a", type: "no-such-type" } } };
      await assert.rejects(pool.render(bad as never, false), /vega-lite|Invalid|type/i);
      const ok = await pool.render(FIGURES.activity(P), false);
      assert.ok(ok.svg.startsWith("<svg"));
    } finally {
      await pool.close();
    }
  });
});
