/** LTV at H months per device, highest first (devices are not sources: one neutral colour). */
import { formatNumber, t } from "../../i18n/index.ts";
import { type BarRow, categoryBars } from "../bars.ts";
import { contextLine, deviceLabel, emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { NEUTRAL } from "./conversion-lag.ts";
import { byValue } from "./ltv-by-source.ts";

export function ltvByDevice(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency, horizon } = ctx;
  if (tables.by_device.length === 0) return emptyFigure(ctx, "ltvDevice.title");
  const rows: BarRow[] = tables.by_device.map((r) => ({
    label: deviceLabel(lang, r.device),
    value: r.ltv_h,
    text: r.ltv_h === null ? t(lang, "ltv.noMature") : formatNumber(lang, r.ltv_h, 2),
    color: NEUTRAL,
  }));
  return categoryBars(ctx, byValue(rows), {
    title: t(lang, "ltvDevice.title", { horizon }),
    subtitle: contextLine(ctx),
    valueTitle: t(lang, "ltv.axis", { currency }),
    categoryTitle: t(lang, "common.device"),
    axisFormat: ",.2~f",
  });
}
