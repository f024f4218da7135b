import type { Lang } from "./index.ts";

/*
 * The budget plan's texts in both languages, kept in their own module while the main dictionaries
 * are being reorganised; `{name}` placeholders are filled by budgetText.
 */

const en = {
  "budget.section": "Budget plan",
  "budget.move":
    "Move {amount} {currency}/month from {from} to {to}: {buyers} new buyers a month, {revenue} {currency} of {horizon}-month revenue (90 %: {low} to {high}), at margin {margin}.",
  "budget.moveBudget":
    "Spend {budget} {currency}/month instead of {budgetNow}: {buyers} new buyers a month, a gain of {gain} {currency} after ad cost at margin {margin} (90 %: {low} to {high}).",
  "budget.noMove":
    "The data cannot support moving budget between sources: {why} (margin {margin}, {horizon}-month revenue).",
  "budget.why.no_source_differs": "no source's return at the margin differs clearly from the others'",
  "budget.why.marginal_returns_not_different": "the sources' returns at the margin are not clearly different",
  "budget.why.gain_interval_includes_zero": "the gain's 90 % interval includes zero",
  "budget.why.gain_interval_below_zero": "it would lose money: the gain's 90 % interval lies below zero",
  "budget.noMoveBudget":
    "The data do not support spending {budget} {currency}/month instead of {budgetNow}: {why} (margin {margin}, {horizon}-month revenue).",
  "budget.why.fewer_than_two_sources": "fewer than two sources have enough daily data",
  "budget.caveat":
    "Attribution is not incrementality: the curves relate spend to the new buyers {attribution} credits to a source, not to buyers the spend caused. Test a move (a holdout or a staged change) before trusting it.",
  "budget.method":
    "Per source, a {family} regression of daily new buyers on log adstocked spend (decay {decay}, chosen by likelihood over 0, 0.25, 0.5, 0.75 for all sources) with month effects, a trend within each month and weekday effects: seasonal demand moves every source's spend together, so only day-to-day variation within months identifies the curve. Intervals: {replicates} week-block bootstrap replicates. Bounds ±{bounds} of today's spend; amounts are per month, averaged over the window.",
  "budget.col.source": "Source",
  "budget.col.spend": "Spend now → proposed",
  "budget.col.mcac": "Marginal CAC now → after",
  "budget.col.elasticity": "Elasticity [90 %]",
  "budget.col.buyers": "Δ buyers / month [90 %]",
  "budget.col.revenue": "Δ {horizon}-month revenue [90 %]",
  "budget.margin": "Margin in use: {margin} (value of a buyer = margin × {horizon}-month revenue).",
  "budget.value.forecast":
    "The value of a new buyer is their {horizon}-month revenue: observed for mature buyer cohorts, forecast for young ones ({share} of the buyers valued; src/forecast). The forecast's own uncertainty is not in the intervals.",
  "budget.value.mature":
    "The value of a new buyer is the observed {horizon}-month revenue of mature buyer cohorts (no forecast available).",
  "budget.none.spend_not_split_by_device":
    "No budget plan for a device filter: spend has no device, so it cannot be set against one device's buyers.",
  "budget.none.no_paid_source": "No budget plan: no source in this view has spend in the window.",
  "budget.none.no_model":
    "No budget plan: no source has enough daily data in the window to fit a response curve ({list}).",
  "budget.basis":
    "Fitted on {window}, {attribution}, {horizon}-month revenue, margin {margin}; sources {sources}.",
  "budget.basis.filtered":
    "The plan moves budget among the chosen sources only; each source's curve uses all buyers credited to it, not only the users the filter keeps.",
  "budget.loading": "Fitting the budget plan for this view (a few seconds)…",
  "budget.failed": "The budget plan could not be computed: {message}",
  "budget.skipped": "Not modelled: {list}.",
  "budget.skip.too_few_days": "source {source} (fewer than 60 days with spend)",
  "budget.skip.too_few_buyers": "source {source} (fewer than 50 new buyers)",
  "budget.skip.no_revenue_per_buyer":
    "source {source} (no mature cohort or forecast for its revenue per buyer)",
  "budget.and": "and",
  "budget.from.one": "source {ids}",
  "budget.from.many": "sources {ids}",
  "budget.to.one": "source {ids}",
  "budget.to.many": "sources {ids}",
  "budget.held": "0 (held)",
  "budget.notRecommended":
    "The data does not support this move, so the recommendation is to keep today's split: the table shows only the allocation the curves would pick and how uncertain its gain is.",
  "budget.family.poisson": "Poisson",
  "budget.family.negative-binomial": "negative-binomial",
  "budget.figure.facet": "Source {id}",
  "budget.figure.title": "Response curves: new buyers a month against spend a month",
  "budget.figure.subtitle": "Fitted curve per source; ● today, ◆ proposed. {currency} per month.",
  "budget.figure.spend": "Spend per month ({currency})",
  "budget.figure.buyers": "New buyers per month",
  "budget.whatif.title": "What if: spend per source",
  "budget.whatif.total":
    "Total spend {spend} {currency}/month ({change} against today); expected new buyers {buyers} a month ({buyersChange}); change in {horizon}-month revenue {revenue} {currency}; gain after ad cost at margin {margin}: {gain}.",
  "budget.whatif.margin": "Margin",
  "budget.whatif.slider": "Spend per month",
  "budget.whatif.spend": "Scenario",
  "budget.whatif.today": "Today",
  "budget.figure.whatif": "▲ your scenario.",
  "budget.whatif.reset": "Back to today",
  "budget.whatif.proposed": "Proposed plan",
  "budget.whatif.note":
    "Point estimates from the fitted curves (no intervals); far from today's spend the curves are extrapolation.",
} as const;

export type BudgetMessageKey = keyof typeof en;

const ru: Record<BudgetMessageKey, string> = {
  "budget.section": "План бюджета",
  "budget.move":
    "Перенести {amount} {currency}/мес. из {from} в {to}: {buyers} новых покупателей в месяц, {revenue} {currency} выручки за {horizon} мес. (90 %: от {low} до {high}), при марже {margin}.",
  "budget.moveBudget":
    "Тратить {budget} {currency}/мес. вместо {budgetNow}: {buyers} новых покупателей в месяц, выигрыш за вычетом рекламы {gain} {currency} при марже {margin} (90 %: от {low} до {high}).",
  "budget.noMove":
    "Данные не позволяют рекомендовать перенос бюджета между источниками: {why} (маржа {margin}, выручка за {horizon} мес.).",
  "budget.why.no_source_differs":
    "ни у одного источника отдача на последний рубль не отличается явно от остальных",
  "budget.why.marginal_returns_not_different": "отдача источников на последний рубль явно не различается",
  "budget.why.gain_interval_includes_zero": "90-процентный интервал выигрыша включает ноль",
  "budget.why.gain_interval_below_zero": "это принесёт убыток: 90-процентный интервал выигрыша ниже нуля",
  "budget.noMoveBudget":
    "Данные не поддерживают расходы {budget} {currency}/мес. вместо {budgetNow}: {why} (маржа {margin}, выручка за {horizon} мес.).",
  "budget.why.fewer_than_two_sources": "меньше двух источников с достаточными дневными данными",
  "budget.caveat":
    "Атрибуция — не инкрементальность: кривые связывают расходы с новыми покупателями, которых модель {attribution} приписывает источнику, а не с покупателями, которых принесли именно эти расходы. Проверьте перенос (контрольная группа или поэтапное изменение), прежде чем на него полагаться.",
  "budget.method":
    "Для каждого источника — {family} регрессия дневного числа новых покупателей на логарифм расходов с адстоком (затухание {decay}, выбрано по правдоподобию из 0, 0,25, 0,5, 0,75, одно для всех источников) с эффектами месяца, трендом внутри месяца и эффектами дня недели: сезонный спрос двигает расходы всех источников вместе, поэтому кривую определяют только колебания день ко дню внутри месяца. Интервалы: {replicates} повторов бутстрепа по неделям. Границы ±{bounds} от текущих расходов; суммы — в месяц, в среднем за окно.",
  "budget.col.source": "Источник",
  "budget.col.spend": "Расходы сейчас → план",
  "budget.col.mcac": "Предельный CAC сейчас → после",
  "budget.col.elasticity": "Эластичность [90 %]",
  "budget.col.buyers": "Δ покупателей в мес. [90 %]",
  "budget.col.revenue": "Δ выручки за {horizon} мес. [90 %]",
  "budget.margin": "Маржа в расчёте: {margin} (ценность покупателя = маржа × выручка за {horizon} мес.).",
  "budget.value.forecast":
    "Ценность нового покупателя — его выручка за {horizon} мес.: наблюдаемая для зрелых когорт покупателей, прогноз для молодых ({share} оценённых покупателей; src/forecast). Неопределённость прогноза в интервалы не входит.",
  "budget.value.mature":
    "Ценность нового покупателя — наблюдаемая выручка за {horizon} мес. зрелых когорт покупателей (прогноза нет).",
  "budget.none.spend_not_split_by_device":
    "Плана бюджета для фильтра по устройству нет: у расходов нет устройства, их нельзя сопоставить с покупателями одного устройства.",
  "budget.none.no_paid_source": "Плана бюджета нет: ни у одного источника в этом срезе нет расходов в окне.",
  "budget.none.no_model":
    "Плана бюджета нет: ни у одного источника нет достаточных дневных данных в окне для кривой отклика ({list}).",
  "budget.basis":
    "Подогнан на {window}, {attribution}, выручка за {horizon} мес., маржа {margin}; источники {sources}.",
  "budget.basis.filtered":
    "План переносит бюджет только между выбранными источниками; кривая каждого источника строится по всем приписанным ему покупателям, а не только по пользователям фильтра.",
  "budget.loading": "Подгоняем план бюджета для этого среза (несколько секунд)…",
  "budget.failed": "План бюджета не удалось рассчитать: {message}",
  "budget.skipped": "Без модели: {list}.",
  "budget.skip.too_few_days": "источник {source} (меньше 60 дней с расходами)",
  "budget.skip.too_few_buyers": "источник {source} (меньше 50 новых покупателей)",
  "budget.skip.no_revenue_per_buyer":
    "источник {source} (нет зрелой когорты или прогноза для выручки на покупателя)",
  "budget.and": "и",
  "budget.from.one": "источника {ids}",
  "budget.from.many": "источников {ids}",
  "budget.to.one": "источник {ids}",
  "budget.to.many": "источники {ids}",
  "budget.held": "0 (без изменений)",
  "budget.notRecommended":
    "Данные этот перенос не подтверждают, поэтому рекомендация — оставить бюджет как есть: в таблице лишь распределение, которое выбрали бы кривые, и неопределённость его выигрыша.",
  "budget.family.poisson": "пуассоновская",
  "budget.family.negative-binomial": "отрицательная биномиальная",
  "budget.figure.facet": "Источник {id}",
  "budget.figure.title": "Кривые отклика: новые покупатели в месяц в зависимости от расходов в месяц",
  "budget.figure.subtitle": "Модельная кривая по источнику; ● сейчас, ◆ план. {currency} в месяц.",
  "budget.figure.spend": "Расходы в месяц ({currency})",
  "budget.figure.buyers": "Новых покупателей в месяц",
  "budget.whatif.title": "Что если: расходы по источникам",
  "budget.whatif.total":
    "Всего расходов {spend} {currency}/мес. ({change} к текущим); ожидаемо новых покупателей {buyers} в месяц ({buyersChange}); изменение выручки за {horizon} мес. {revenue} {currency}; выигрыш за вычетом рекламы при марже {margin}: {gain}.",
  "budget.whatif.margin": "Маржа",
  "budget.whatif.slider": "Расходы в месяц",
  "budget.whatif.spend": "Сценарий",
  "budget.whatif.today": "Сейчас",
  "budget.figure.whatif": "▲ ваш сценарий.",
  "budget.whatif.reset": "Как сейчас",
  "budget.whatif.proposed": "План",
  "budget.whatif.note":
    "Точечные оценки по модельным кривым (без интервалов); вдали от текущих расходов кривые — экстраполяция.",
};

const dictionaries: Record<Lang, Record<BudgetMessageKey, string>> = { en, ru };

export function budgetText(
  lang: Lang,
  key: BudgetMessageKey,
  params: Record<string, string | number> = {},
): string {
  return dictionaries[lang][key].replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}
