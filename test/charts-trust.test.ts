/**
 * The issue-10 figures (src/charts/trust): forecast months are drawn apart from measured ones, the
 * ROMI intervals show every source with spend, and both render in both languages.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderSvg } from "../src/charts/render.ts";
import { ltvForecastFigure } from "../src/charts/trust/ltv-forecast.ts";
import { romiIntervalsFigure } from "../src/charts/trust/romi-intervals.ts";
import { forecastLtv } from "../src/forecast/index.ts";
import { addMonths } from "../src/forecast/months.ts";
import { trustVerdict } from "../src/insights/trust.ts";
import type { LtvRow } from "../src/metrics/tables.ts";

const matrix: LtvRow[] = Array.from({ length: 4 }, (_, i) =>
  Array.from({ length: 4 }, (_, k) => {
    const ltv = (4 + i) * (k + 1) ** (0.3 + 0.02 * i);
    const observed = k < 4 - i;
    return {
      cohort: addMonths("2017-06", i),
      lifetime: k,
      cohort_size: 100,
      revenue: observed ? ltv * 100 : null,
      ltv: observed ? ltv : null,
    };
  }),
).flat();

describe("trust figures", () => {
  it("LTV curves keep measured and forecast months apart, the forecast joined to the last measured point", async () => {
    const rows = forecastLtv(matrix, { maxLifetime: 6 });
    const spec = ltvForecastFigure(rows, { lang: "en", currency: "USD", horizon: 3 }) as {
      data: { values: { cohort: string; lifetime: number; part: string }[] };
    };
    const youngest = spec.data.values.filter((v) => v.cohort === "2017-09");
    assert.deepEqual(
      youngest.map((v) => `${v.lifetime}:${v.part}`),
      ["0:observed", "0:forecast", "1:forecast", "2:forecast", "3:forecast", "4:forecast", "5:forecast"],
    );
    // The subtitle names the forecast's model (the power curve unless told).
    for (const lang of ["en", "ru"] as const) {
      const svg = await renderSvg(ltvForecastFigure(rows, { lang, currency: "USD", horizon: 3 }));
      assert.match(
        svg,
        lang === "en"
          ? /forecast \(power curve, 80 % interval\)/
          : /прогноз \(степенная кривая, интервал 80 %\)/,
      );
      const buyer = await renderSvg(
        ltvForecastFigure(rows, { lang, currency: "USD", horizon: 3, model: "buyer" }),
      );
      assert.match(
        buyer,
        lang === "en" ? /forecast \(buyer-level BG\/BB/ : /прогноз \(модель покупателей BG\/BB/,
      );
    }
  });

  it("ROMI intervals: one point per source, the verdict as its colour", async () => {
    const ctx = { horizon: 6, lang: "en" as const };
    const verdicts = [
      trustVerdict(
        {
          source: "1",
          romi: 1.8,
          interval: { low: 1.6, high: 2 },
          level: 0.9,
          basis: "observed",
          matureCohorts: 6,
          matureBuyers: 500,
          concentration: null,
        },
        ctx,
      ),
      trustVerdict(
        {
          source: "3",
          romi: 0.3,
          interval: { low: 0.25, high: 0.35 },
          level: 0.9,
          basis: "observed",
          matureCohorts: 6,
          matureBuyers: 500,
          concentration: null,
        },
        ctx,
      ),
    ];
    const svg = await renderSvg(romiIntervalsFigure(verdicts, ctx));
    assert.match(svg, /ROMI at 6 months by source, with its interval/);
    assert.match(svg, /90 % bootstrap interval/);
    assert.match(svg, />scale</);
    assert.match(svg, />cut</);
  });
});
