/** Conversion lag, all buyers: share of buyers per bucket of days from first visit to first order. */
import { formatPercent, type Lang, type MessageKey, t } from "../../i18n/index.ts";
import { LAG_BUCKETS, type LagBucket } from "../../metrics/tables.ts";
import { columns } from "../bars.ts";
import { emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

export const NEUTRAL = "#5b6b7f";

export function bucketLabel(lang: Lang, bucket: LagBucket): string {
  return t(lang, `lag.bucket.${bucket}` as MessageKey);
}

export function conversionLag(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  const all = tables.conversion_lag.filter((r) => r.dimension === "all");
  if (all.length === 0) return emptyFigure(ctx, "lag.title");
  // Buckets keep their natural order (same day → over 30 days): sorting them by share would hide the
  // shape of the distribution.
  const rows = LAG_BUCKETS.map((bucket) => {
    const share = all.find((r) => r.bucket === bucket)?.share ?? 0;
    return { key: bucketLabel(lang, bucket), value: share, text: formatPercent(lang, share, 1) };
  });
  return columns(ctx, rows, {
    title: t(lang, "lag.title"),
    subtitle: t(lang, "lag.subtitle"),
    valueTitle: t(lang, "lag.axisShare"),
    keyTitle: t(lang, "lag.axisBucket"),
    axisFormat: ".0%",
    color: NEUTRAL,
    labelWidth: 110,
  });
}
