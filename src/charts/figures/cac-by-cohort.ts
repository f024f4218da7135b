/** CAC per buyer cohort in calendar order; `infinite` / `no_spend` months carry a note, not a bar. */
import { formatNumber, t } from "../../i18n/index.ts";
import { columns } from "../bars.ts";
import { emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { NEUTRAL } from "./conversion-lag.ts";

export function cacByCohort(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency } = ctx;
  if (tables.cac_by_cohort.length === 0) return emptyFigure(ctx, "cacCohort.title");
  // Cohorts are months: kept in calendar order so trends read left to right.
  const rows = [...tables.cac_by_cohort]
    .sort((a, b) => (a.cohort < b.cohort ? -1 : 1))
    .map((r) =>
      typeof r.cac === "number"
        ? { key: r.cohort, value: r.cac, text: formatNumber(lang, r.cac, 2) }
        : {
            key: r.cohort,
            value: null,
            text: t(lang, r.cac === "infinite" ? "cac.infinite" : "cac.noSpend"),
          },
    );
  return columns(ctx, rows, {
    title: t(lang, "cacCohort.title"),
    subtitle: t(lang, "cacCohort.subtitle"),
    valueTitle: t(lang, "cac.axis", { currency }),
    keyTitle: t(lang, "common.buyerCohort"),
    axisFormat: ",.2~f",
    color: NEUTRAL,
  });
}
