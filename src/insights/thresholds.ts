/**
 * The cut-offs behind every verdict. They are judgement calls, so each says why it sits where it does;
 * the report states the horizon and the model next to every number they are applied to.
 */
import { TOO_FEW_BUYERS } from "../metrics/by-source.ts";

/**
 * ROMI at H from which a source is worth scaling: 1.0 is break-even by definition (spec: "1.0 =
 * break-even"), i.e. the cohorts old enough to judge have returned every unit spent within H months.
 * A source is scaled only when its whole ROMI interval is above it (insights/trust.ts): a payback
 * within H on the point estimate alone no longer qualifies.
 */
export const SCALE_ROMI = 1;

/**
 * ROMI at H below which a source should be cut. Cumulative LTV of ticket buyers flattens after the
 * first months (Afisha: the mean mature cohort LTV grows about 1.5x from month 0 to month 5, then a
 * few per cent a month: the 2017-06 cohort goes from 8.36 at month 5 to 11.88 at month 11), so a source
 * that has returned less than half of its spend within H would have to double its revenue per buyer
 * after H to break even — not a path anyone should fund. Between this and SCALE_ROMI the source is
 * `watch`: it may still pay back with a longer horizon or a lower bid.
 *
 * Tables carry no per-source LTV curve, so no separate "trend" test is made: projecting with the
 * all-cohort curve would multiply every source's ROMI by the same factor, i.e. just move this line.
 */
export const CUT_ROMI = 0.5;

/**
 * Sources are not ranked below the engine's too_few_buyers flag (metrics/by-source.ts TOO_FEW_BUYERS,
 * read from `marketing.sources`). Cohorts with fewer buyers than that same floor are left out of the
 * "most promising cohorts" for the same reason: one or two big spenders can swing an average revenue
 * per buyer by tens of per cent.
 */
export const MIN_COHORT_SIZE = TOO_FEW_BUYERS;

/** How many cohorts the "most promising cohorts" finding names (the analyst's memo named three). */
export const TOP_COHORTS = 3;

/**
 * How many sources each side of the budget-move sentence names at most: more than three stops being a
 * sentence a marketer can act on, and the rest are in their own findings anyway.
 */
export const BUDGET_MOVE_SOURCES = 3;

/**
 * Unattributed buyers below this share of all buyers get no caveat: under 0.1 % the share prints as
 * "0.0 %" and cannot change any source's verdict.
 */
export const UNATTRIBUTED_CAVEAT_SHARE = 0.001;

/**
 * A "most promising cohort" whose largest buyer brings at least this share of its revenue at H says
 * so: at a quarter, removing one person moves the cohort's LTV by a quarter, more than the spread
 * between the cohorts the finding ranks (Afisha: the top three mature cohorts lie within 15 %).
 */
export const ONE_BUYER_COHORT_SHARE = 0.25;
