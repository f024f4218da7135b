/**
 * English texts of figures (and, later, reports). This file defines the keys: `ru.ts` must have
 * exactly the same ones, which the `Messages` type enforces. `{name}` marks a parameter of `t()`.
 */
export const en = {
  "common.noData": "No data for this figure",
  "common.month": "Month",
  "common.date": "Date",
  "common.users": "Users",
  "common.source": "Source",
  "common.device": "Device",
  "common.buyerCohort": "Buyer cohort (month of first order)",
  "common.visitCohortMonth": "Cohort (month of first visit)",
  "common.visitCohortWeek": "Cohort (week of first visit)",
  "common.lifetimeMonths": "Lifetime, months since the cohort month",
  "common.lifetimeWeeks": "Lifetime, weeks since the cohort week",
  "common.context": "{attribution} attribution · horizon {horizon} months",
  "common.notObserved": "blank: not yet observed",
  "source.unattributed": "unattributed",
  "attribution.first-touch": "first-touch",
  "attribution.last-touch": "last-touch",
  "attribution.linear": "linear",
  "device.desktop": "desktop",
  "device.touch": "touch",
  "device.mobile": "mobile",
  "device.tablet": "tablet",

  "activity.title": "Active users: DAU, WAU, MAU",
  "activity.subtitle":
    "Distinct users with a session in the day, week or month; dashed line: mean over complete periods",
  "activity.dau": "DAU, users per day",
  "activity.wau": "WAU, users per week",
  "activity.mau": "MAU, users per month",
  "activity.mean": "mean {value}",
  "activity.partial": "partial period (not in the mean)",
  "activity.complete": "complete period",

  "retention.title": "Retention by cohort",
  "retention.subtitle": "Share of the cohort's users with a session in each period of its lifetime",
  "retention.legend": "Retention, %",

  "lag.title": "Time from first visit to first purchase",
  "lag.subtitle": "Share of buyers by whole days from their first session to their first order",
  "lag.axisBucket": "Days from first visit to first order",
  "lag.axisShare": "Share of buyers, %",
  "lag.bucket.0d": "same day",
  "lag.bucket.1d": "next day",
  "lag.bucket.2-7d": "2–7 days",
  "lag.bucket.8-30d": "8–30 days",
  "lag.bucket.31+d": "over 30 days",
  "lagBySource.title": "Time to first purchase by source",
  "lagBySource.subtitle": "Share of the source's buyers by days to first order; sorted by same-day share",
  "lagBySource.legend": "Time to first order",

  "purchases.title": "Purchases per month",
  "purchases.subtitle": "Orders placed in each calendar month by buyers of every cohort",
  "purchases.axis": "Orders",

  "ltvHeatmap.title": "LTV by cohort",
  "ltvHeatmap.subtitle": "Cumulative revenue per buyer of the cohort, {currency}",
  "ltv.axis": "LTV, {currency} per buyer",
  "ltv.legend": "LTV, {currency}",
  "ltvCurves.title": "Cumulative LTV by cohort",
  "ltvCurves.subtitle": "One line per buyer cohort; dashed rule: horizon H = {horizon} months",
  "ltvCurves.legend": "Cohort",
  "ltvSource.title": "LTV at {horizon} months by source",
  "ltvDevice.title": "LTV at {horizon} months by device",
  "ltv.noMature": "no cohort old enough",

  "spend.title": "Marketing spend by source",
  "spend.subtitle": "Spend per calendar month, {currency}, stacked by source",
  "spend.axis": "Spend, {currency}",

  "cacSource.title": "Customer acquisition cost (CAC) by source",
  "cacCohort.title": "Customer acquisition cost (CAC) by buyer cohort",
  "cacCohort.subtitle": "Spend in the cohort's month / buyers whose first order is in that month",
  "cac.axis": "CAC, {currency} per buyer",
  "cac.infinite": "∞: spend but no buyers",
  "cac.noSpend": "no spend",

  "romiHeatmap.title": "Cumulative ROMI by cohort",
  "romiHeatmap.subtitle": "LTV / CAC; 1.0 = break-even: blue pays back, red does not yet",
  "romiHeatmap.blank": "blank: not yet observed, or nothing spent in the cohort's month",
  "romiSource.title": "Return on marketing investment (ROMI) at {horizon} months by source",
  "romi.axis": "ROMI, revenue / spend",
  "romi.breakEven": "break-even",
  "romi.noSpend": "no spend",

  "paybackSource.title": "Payback by source",
  "payback.axis": "Payback lifetime, months",
  "payback.notYet": "not yet paid back",
} satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
/** A complete dictionary: every key of `en`, no other. */
export type Messages = Record<MessageKey, string>;
