/**
 * The calibration profile: every parameter the generator plants, in one place. Values are tuned so
 * that the default sample (228,169 users) lands near the figures published about Afisha's visits
 * (see /work/shared/data/afisha/README.md) and near the real orders and costs files; truth.json
 * repeats them so tests and metrics can be checked against what was planted.
 */

/** Default number of users: the published Afisha figure. */
export const DEFAULT_USERS = 228_169;
export const DEFAULT_SEED = 1;

export interface SourceProfile {
  id: string;
  /** Share of users acquired through the source (first session). */
  userShare: number;
  /** Probability that a user acquired through the source buys at least once in the period. */
  conversion: number;
  /** Spend per acquired user; null = free traffic with no cost rows. */
  costPerUser: number | null;
  /** Mean value of a first order, before rounding to prices (repeat orders: x REPEAT_ORDERS.valueFactor). */
  meanOrderValue: number;
}

/**
 * Sources differ on purpose so that payback differs (first-touch ROMI on the default sample, seeds
 * 1-3): 1 converts best with big orders at a moderate cost and pays back in its first month (ROMI
 * ~1.6); 2 pays back within about two months; 5 is the borderline case, near break-even by month six
 * (0.9-1.05 by seed); 3 is the biggest spender, the most expensive per user, and never pays back
 * (~0.3); 4, 9 and 10 stay well below (0.5-0.8); 6, 7 and 8 are free. Spend totals land near
 * Afisha's per source (3 ≈ 139k, 4 ≈ 62k, 5 ≈ 52k, 2 ≈ 40k, 1 ≈ 21k, 9 and 10 ≈ 6k).
 */
export const SOURCES: readonly SourceProfile[] = [
  { id: "1", userShare: 0.07, conversion: 0.26, costPerUser: 1.3, meanOrderValue: 6 },
  { id: "2", userShare: 0.1, conversion: 0.2, costPerUser: 1.75, meanOrderValue: 6.9 },
  { id: "3", userShare: 0.29, conversion: 0.12, costPerUser: 2.1, meanOrderValue: 3.6 },
  { id: "4", userShare: 0.26, conversion: 0.16, costPerUser: 1.05, meanOrderValue: 3.1 },
  { id: "5", userShare: 0.19, conversion: 0.18, costPerUser: 1.2, meanOrderValue: 4.45 },
  { id: "6", userShare: 0.00003, conversion: 0.15, costPerUser: null, meanOrderValue: 4.2 },
  { id: "7", userShare: 0.00015, conversion: 0.15, costPerUser: null, meanOrderValue: 4.2 },
  { id: "8", userShare: 0.03882, conversion: 0.14, costPerUser: null, meanOrderValue: 4.2 },
  { id: "9", userShare: 0.025, conversion: 0.11, costPerUser: 0.95, meanOrderValue: 3.2 },
  { id: "10", userShare: 0.026, conversion: 0.12, costPerUser: 1, meanOrderValue: 3.2 },
];

export interface DeviceProfile {
  device: string;
  /** Share of users whose first session is on this device. */
  share: number;
  /** Factor on the source's conversion; the share-weighted mean is 1, so source conversion holds. */
  conversionMultiplier: number;
}

const DESKTOP_SHARE = 0.74;
const DESKTOP_MULTIPLIER = 1.08;
export const DEVICES: readonly DeviceProfile[] = [
  { device: "desktop", share: DESKTOP_SHARE, conversionMultiplier: DESKTOP_MULTIPLIER },
  {
    device: "touch",
    share: 1 - DESKTOP_SHARE,
    conversionMultiplier: (1 - DESKTOP_SHARE * DESKTOP_MULTIPLIER) / (1 - DESKTOP_SHARE),
  },
];

/**
 * Later sessions keep the acquisition source/device except with these probabilities (then redrawn);
 * the visit in which a returning buyer places the first order switches source more often.
 */
export const SWITCHING = {
  sourceProbability: 0.12,
  deviceProbability: 0.04,
  purchaseVisitSourceProbability: 0.35,
};

/** Published Afisha acquisition cohort sizes, 2017-06 .. 2018-05: the monthly shares of new users. */
export const COHORT_SIZES = [
  13259, 13140, 10181, 16704, 25977, 27248, 25268, 22624, 22197, 20589, 15709, 15273,
];

/** Daily seasonality on top of the smooth monthly level: weekday factors (Monday first) and one-off spikes. */
export const WEEKDAY_FACTORS = [1.04, 1.04, 1.04, 1.12, 1.1, 0.86, 0.8];
/** Afisha's busiest day was Black Friday 2017-11-24 (4,042 sessions, ~3x an ordinary November day). */
export const DAY_SPIKES: Readonly<Record<string, number>> = { "2017-11-24": 3.35, "2017-11-25": 1.4 };

/** Relative activity by hour of day (session starts and orders): quiet nights, busy middays. */
export const HOUR_WEIGHTS = [
  2.7, 1.3, 0.6, 0.3, 0.15, 0.15, 0.3, 0.7, 1.7, 3.9, 6.3, 7.5, 7.8, 7.8, 7.1, 6.7, 6.5, 6.3, 5.5, 5.1, 5.6,
  5.9, 5.8, 4.3,
];

/**
 * Probability that a user of cohort c has sessions in month c+k (k ≥ 1):
 * month1(c) · k^(-decayExponent) · (activity of month c+k)^seasonalExponent, where month1 falls
 * linearly from the first cohort to the last and a month's activity is its cohort size / the mean.
 */
export const RETENTION = {
  month1First: 0.073,
  month1Step: -0.0028,
  decayExponent: 0.35,
  seasonalExponent: 0.5,
};

/**
 * Extra sessions: early repeats soon after the first session, and more in every month a user returns.
 * Early repeats are not confined to the acquisition month (that made daily sessions climb through
 * every month and drop on the 1st); the ones landing in a later month count towards its retention,
 * and the return draws are lowered by exactly that much (samplers.returnProbabilities).
 */
export const SESSIONS = {
  /** Probability of early repeats; then 1 + geometric(mean) of them. */
  earlyRepeatProbability: 0.175,
  earlyRepeatMeanBeyondOne: 0.6,
  /** An early repeat on another day comes 1 + floor(exponential(mean)) days after the first one's day. */
  earlyRepeatMeanDays: 4,
  /** Sessions in a return month: 1 + geometric(mean). */
  returnMonthMeanBeyondOne: 0.3,
  /** Probability that a further session is on the same day (a later time), else another day. */
  sameDayProbability: 0.36,
  /** Mean minutes between same-day sessions. */
  sameDayGapMeanMinutes: 90,
};

/**
 * Session length in whole minutes (Afisha has minute resolution): some bounces of 0 and extra
 * one-minute sessions (the mode, 60 s), the rest a rounded log-normal (median ~300 s, mean ~640 s).
 */
export const SESSION_LENGTH = {
  zeroShare: 0.05,
  oneMinuteShare: 0.06,
  medianMinutes: 5.8,
  sigma: 1.2,
  maxMinutes: 1440,
};

/**
 * Time from the first session to the first order: most buy during that first session (log-normal
 * minutes), some later the same day, the rest after whole days (exponential, truncated to the days
 * left in the period so that every planned buyer does buy inside it and conversion stays exact).
 */
export const CONVERSION_LAG = {
  firstSessionShare: 0.62,
  firstSessionMedianMinutes: 6,
  firstSessionSigma: 1.1,
  sameDayShare: 0.1,
  laterMeanDays: 100,
  /** Share of buyers buying on a later day who have a session a few minutes before that order. */
  purchaseVisitShare: 0.5,
};

/**
 * Repeat orders, two kinds. A burst: more orders minutes after the first (same visit or day), K of
 * them with P(K ≥ k) = k^-burstTailExponent, so a few buyers order dozens of times. Loyal buyers come
 * back over the following months: gaps of exponential days around a per-buyer mean (log-uniform
 * between the bounds), continuing after each order with `loyalContinueProbability`. Orders that would
 * fall after the period are not written (they have not happened yet), so LTV grows slowly by month.
 */
export const REPEAT_ORDERS = {
  burstProbability: 0.055,
  burstTailExponent: 1.6,
  burstMaxOrders: 100,
  burstGapMeanMinutes: 60,
  loyalProbability: 0.125,
  loyalGapMeanDaysMin: 20,
  loyalGapMeanDaysMax: 150,
  loyalContinueProbability: 0.8,
  /** Repeat orders are bigger than first ones (Afisha: about 8.0 against 4.3 on average). */
  valueFactor: 1.55,
};

/**
 * Order value: log-normal around the source's mean; most orders are a whole number of ticket price
 * steps (Afisha's revenues cluster on multiples of about 0.61), the rest any amount in cents.
 */
export const ORDER_VALUE = { sigma: 1.15, priceStep: 11 / 18, priceStepShare: 0.85 };

/** Daily spend = cost per user x users acquired that day x a uniform factor in 1 ± noise. */
export const COST_NOISE = 0.1;

/** Afisha's data flaws, planted on purpose so that the audit and the metrics meet them. */
export const ODDITIES = {
  /** Day whose cost rows are missing for every spending source but `missingCostDayKeeps`. */
  missingCostDay: "2018-03-31",
  missingCostDayKeeps: "5",
  /** Every n-th order (by position in the output) has revenue 0 (Afisha: 51 of 50,415). */
  zeroRevenueEvery: 1000,
  zeroRevenueOffset: 499,
  /** Every n-th session ends 1-30 minutes before it starts; the first one early, so ≥ 1000 users get one. */
  invertedSessionEvery: 10_000,
  invertedSessionOffset: 777,
  /** One order after the period, like Afisha's 2018-06-01 00:02. */
  lateOrderDay: "2018-06-01",
  lateOrderMinuteOfDay: 2,
};

/**
 * Planted diminishing returns (only with `plantReturns`, so the default sample is unchanged): daily
 * spend of a paid source = its month's level x a log-normal factor (sigma below, mean 1), drawn
 * independently per day, and its new users respond on the day as a power of the adstocked spend:
 * E[new users of s on day d] = K(s, month) x demand(d) x adstock(s, d)^elasticity(s). K keeps every
 * month's expected users as without planting, so monthly spend still follows seasonal demand (and
 * CAC the cost per user); the day-to-day variation within a month is what carries the elasticity.
 * Chosen so that the right move is clear: 1, 2 and 5 return most at the margin, 3 least.
 */
export const PLANTED_RETURNS = {
  adstockDecay: 0.25,
  spendSigma: 0.4,
  elasticity: { "1": 0.6, "2": 0.5, "3": 0.2, "4": 0.35, "5": 0.45, "9": 0.3, "10": 0.3 } as Readonly<
    Record<string, number>
  >,
};
