/**
 * "Sources in numbers" (report and dashboard): the orders and revenue columns by acquisition source
 * add up to the totals row, which is the run's own orders and revenue; the lag column shows each
 * source's mean and median with the buyers measured, the totals row the overall ones.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FIGURES } from "../src/charts/index.ts";
import { formatNumber, type Lang } from "../src/i18n/index.ts";
import { computeMetrics } from "../src/metrics/index.ts";
import { normalizeOptions, readDataBounds } from "../src/metrics/options.ts";
import { runContext } from "../src/presentation.ts";
import { fmtMoney } from "../src/report/html/format.ts";
import { bySourceTable, fmtLagDays, lagBySourceTable } from "../src/report/html/tables.ts";
import { dataRows } from "./charts-fixture.ts";
import { ingestedSample } from "./helpers/sample.ts";
import { present } from "./presentation-fixture.ts";

/** The cells of each body row and of the foot row, as text. */
function cells(html: string): { head: string[]; body: string[][]; foot: string[] } {
  const text = (s: string) =>
    s
      .replace(/<br>/g, " | ")
      .replace(/<[^>]+>/g, "")
      .replace(/&nbsp;/g, " ")
      .trim();
  const row = (tr: string) => [...tr.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => text(m[1]!));
  const part = (tag: string) =>
    /<(thead|tbody|tfoot)>/.test(html) && html.split(`<${tag}>`)[1]?.split(`</${tag}>`)[0];
  const rows = (s: string | false | undefined) =>
    s ? [...s.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => row(m[1]!)) : [];
  return { head: rows(part("thead"))[0]!, body: rows(part("tbody")), foot: rows(part("tfoot"))[0]! };
}

/** A formatted number back (`1,234.5` in English, `1 234,5` in Russian), currency and units dropped. */
function parse(lang: Lang, s: string): number {
  const digits = lang === "ru" ? s.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".") : s.replace(/,/g, "");
  const m = /-?\d+(\.\d+)?/.exec(digits);
  assert.ok(m, `a number in ${JSON.stringify(s)}`);
  return Number(m[0]);
}

describe("Sources in numbers", async () => {
  const { engine } = await ingestedSample(1500, 5);
  const metrics = await computeMetrics(
    engine,
    normalizeOptions({ attribution: "last-touch" }, await readDataBounds(engine)),
  );
  for (const lang of ["en", "ru"] as const) {
    test(`${lang}: orders and revenue columns add up to the totals row, the run's own`, () => {
      const v = runContext(metrics.options, lang);
      const { head, body, foot } = cells(String(bySourceTable(v, metrics.tables.by_source, metrics)));
      const at = (word: RegExp) => head.findIndex((h) => word.test(h));
      const orders = at(lang === "en" ? /^Orders/ : /^Заказы/);
      const revenue = at(lang === "en" ? /^Revenue/ : /^Выручка/);
      assert.ok(orders > 0 && revenue > 0, `columns in ${head.join(" / ")}`);
      const sum = (i: number) => body.reduce((a, r) => a + parse(lang, r[i]!), 0);
      assert.equal(sum(orders), metrics.data.orders, "orders: rows add up to the run's orders");
      assert.equal(parse(lang, foot[orders]!), metrics.data.orders, "orders: the totals row");
      // Money cells are rounded (to whole units from 1,000): the rows add up within half a unit each.
      assert.ok(Math.abs(sum(revenue) - metrics.data.revenue) <= 0.5 * body.length, "revenue adds up");
      assert.equal(foot[revenue], fmtMoney(v, metrics.data.revenue), "revenue: the totals row");
    });

    test(`${lang}: time to the first order by source, with the buyers measured and the overall lag`, () => {
      const v = runContext(metrics.options, lang);
      const { body, foot } = cells(String(lagBySourceTable(v, metrics)));
      const { meanDays, medianDays, buyers } = metrics.conversion.lag;
      assert.deepEqual(foot.slice(1), [
        formatNumber(lang, buyers),
        fmtLagDays(v, meanDays),
        fmtLagDays(v, medianDays),
      ]);
      // On the sample the median buyer orders within the hour: read in minutes, not as "0.0 days".
      assert.ok(medianDays! < 1 / 24, "a median under an hour");
      assert.equal(foot[3], `${Math.round(medianDays! * 1440)} ${lang === "en" ? "min" : "мин"}`);
      assert.equal(
        body.reduce((a, r) => a + parse(lang, r[1]!), 0),
        buyers,
        "the buyers measured per source add up to all measured buyers",
      );
      const measured = metrics.sourceNumbers.filter((r) => r.lagBuyers > 0);
      assert.deepEqual(
        body.map((r) => r[0]),
        measured.map((n) => n.source),
      );
      for (const n of measured) {
        const r = body.find((row) => row[0] === n.source)!;
        assert.deepEqual(r.slice(1), [
          formatNumber(lang, n.lagBuyers),
          fmtLagDays(v, n.lagMeanDays),
          fmtLagDays(v, n.lagMedianDays),
        ]);
      }
    });
  }

  test("the lag-by-source figure writes each source's mean and median beside its bar", () => {
    const p = present(metrics.tables, { lang: "en", extras: { sourceNumbers: metrics.sourceNumbers } });
    const rows = dataRows(FIGURES["conversion-lag-by-source"](p));
    const measured = metrics.sourceNumbers.filter((r) => r.lagBuyers > 0);
    assert.ok(measured.length >= 5, "several sources with measured lags");
    for (const n of measured) {
      const texts = new Set(rows.filter((r) => r.id === n.source).map((r) => r.averageText));
      assert.equal(texts.size, 1, `one text for source ${n.source}`);
      const [text] = [...texts] as string[];
      // Under an hour in whole minutes, under a day in hours, then days (one decimal).
      const read = (days: number) => {
        const min = Math.round(days * 1440);
        if (min < 60) return `${min} min`;
        return days < 1 ? `${(min / 60).toFixed(1)} h` : `${days.toFixed(1)} days`;
      };
      assert.equal(
        text,
        `mean ${read(n.lagMeanDays!)} · median ${read(n.lagMedianDays!)}`,
        `source ${n.source}`,
      );
    }
  });
});
