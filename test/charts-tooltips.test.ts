/**
 * What a dashboard reader sees on hover and across filters: every figure's tooltips speak the page's
 * language with units (never a field name such as "value", "label" or "color"), and a source keeps
 * its colour whatever the source filter keeps.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FIGURE_NAMES, FIGURES } from "../src/charts/index.ts";
import type { Tables } from "../src/metrics/tables.ts";
import { dataRows, makeExtras, makeTables } from "./charts-fixture.ts";
import { present } from "./presentation-fixture.ts";

interface Tip {
  field?: string;
  title?: unknown;
}

/** Every `tooltip` encoding in a spec, its layers and panels. */
function tooltips(spec: unknown): Tip[] {
  const out: Tip[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const n = node as Record<string, unknown>;
      const enc = n.encoding as { tooltip?: Tip | Tip[] } | undefined;
      if (enc?.tooltip) out.push(...[enc.tooltip].flat());
      for (const [k, v] of Object.entries(n)) if (k !== "data") walk(v);
    }
  };
  walk(spec);
  return out;
}

/** Latin a Russian tooltip title may carry: metric abbreviations everyone writes in Latin. */
const LATIN_OK = /^(LTV|CAC|ROMI|AOV|DAU|WAU|MAU)\b/;

describe("tooltips", () => {
  for (const lang of ["en", "ru"] as const) {
    test(`every figure's tooltips are titled in ${lang} and read preformatted text`, () => {
      const p = present(makeTables(), { lang, extras: makeExtras() });
      for (const name of FIGURE_NAMES) {
        const spec = FIGURES[name](p);
        assert.doesNotMatch(JSON.stringify(spec), /"content":"encoding"/, `${name}: no raw-field tooltips`);
        const tips = tooltips(spec);
        assert.ok(tips.length > 0, `${name} has tooltips`);
        const rows = dataRows(spec);
        for (const tip of tips) {
          assert.equal(typeof tip.title, "string", `${name}: ${tip.field} has a title`);
          const title = tip.title as string;
          assert.notEqual(title, tip.field, `${name}: the title is not the field name`);
          if (lang === "ru")
            assert.ok(/[а-яё]/i.test(title) || LATIN_OK.test(title), `${name}: "${title}" is Russian`);
          // The value shown is text made for the reader (units, separators), not a raw number.
          const values = rows.map((r) => r[tip.field!]).filter((v) => v !== undefined);
          assert.ok(values.length > 0, `${name}: ${tip.field} is in the data`);
          assert.ok(
            values.every((v) => typeof v === "string"),
            `${name}: ${tip.field} holds formatted text`,
          );
        }
      }
    });
  }

  test("a Russian tooltip writes decimals with a comma", () => {
    const p = present(makeTables(), { lang: "ru", extras: makeExtras() });
    const rows = dataRows(FIGURES["ltv-by-source"](p)).filter((r) => typeof r.value === "number");
    assert.ok(rows.length > 0);
    for (const r of rows) assert.match(String(r.text), /^\d[\d\u00a0 ]*,\d\d/, String(r.text));
  });
});

/** The tables of a run filtered to `sources`, as the API would answer them (other sources absent). */
function filtered(tables: Tables, sources: string[]): Tables {
  const keep = new Set(sources);
  return {
    ...tables,
    by_source: tables.by_source.filter((r) => keep.has(r.source)),
    costs_by_source_month: tables.costs_by_source_month.filter((r) => keep.has(r.source)),
    conversion_lag: tables.conversion_lag.filter((r) => r.dimension !== "source" || keep.has(r.key)),
  };
}

describe("source colours across filters", () => {
  test("source 3 has the same colour unfiltered and with sources=3,4", () => {
    const tables = makeTables();
    const dataset = {
      sources: ["1", "2", "3", "4", "5", "6", "7", "9", "10"],
      devices: ["desktop", "touch"],
    };
    const colourOf = (t: Tables, figure: "romi-by-source" | "ltv-by-source") => {
      const p = present(t, { lang: "en" });
      Object.assign(p.analysis.metadata, dataset);
      const row = dataRows(FIGURES[figure](p)).find((r) => r.id === "3");
      return String(row?.color).slice(0, 7);
    };
    const spendColour = (t: Tables) => {
      const p = present(t, { lang: "en" });
      Object.assign(p.analysis.metadata, dataset);
      const spec = FIGURES["spend-by-source"](p) as {
        encoding: { color: { scale: { domain: string[]; range: string[] } } };
      };
      const { domain, range } = spec.encoding.color.scale;
      return range[domain.indexOf("3")];
    };
    const small = filtered(tables, ["3", "4"]);
    for (const figure of ["romi-by-source", "ltv-by-source"] as const)
      assert.equal(colourOf(small, figure), colourOf(tables, figure), figure);
    assert.equal(spendColour(small), spendColour(tables));
    // Without the dataset's list the filtered run would renumber: the test above must be able to fail.
    const bare = present(small, { lang: "en" });
    bare.analysis.metadata.sources = [];
    const row = dataRows(FIGURES["romi-by-source"](bare)).find((r) => r.id === "3");
    assert.notEqual(String(row?.color).slice(0, 7), colourOf(tables, "romi-by-source"));
  });
});

describe("purchases per month", () => {
  test("first orders are the month's new buyers, repeat orders the rest of the month's orders", () => {
    const tables = makeTables();
    const extras = makeExtras();
    const p = present(tables, { lang: "en", extras });
    const rows = dataRows(FIGURES["purchases-per-month"](p));
    for (const m of extras.aovByMonth!) {
      const mine = rows.filter((r) => r.month === m.month);
      const first = mine.find((r) => r.kind === "first orders")!;
      const repeat = mine.find((r) => r.kind === "repeat orders")!;
      const buyers = tables.ltv.find((r) => r.cohort === m.month && r.lifetime === 0)?.cohort_size ?? 0;
      assert.equal(first.orders, Math.min(buyers, m.orders), m.month);
      assert.equal((first.orders as number) + (repeat.orders as number), m.orders, m.month);
    }
  });
});

describe("AOV by month of the cohort's life", () => {
  test("month 7 is the pooled revenue / orders of every cohort's lifetime 6", () => {
    const tables = makeTables();
    const rows = dataRows(FIGURES["aov-by-lifetime"](present(tables, { lang: "en" })));
    const cells = tables.orders_by_cohort.filter((r) => r.lifetime === 6);
    const expected = cells.reduce((a, r) => a + r.revenue, 0) / cells.reduce((a, r) => a + r.orders, 0);
    const seven = rows.find((r) => r.key === "7")!;
    assert.ok(Math.abs((seven.value as number) - expected) < 1e-3, `${seven.value} vs ${expected}`);
    assert.equal(seven.cohortsText, `${cells.length} cohorts`);
    assert.equal(rows[0]!.key, "1", "month 1 is the month of the first purchase");
  });
});
