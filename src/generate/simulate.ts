import type { AliasTable } from "./alias.ts";
import { ascii, ByteRows, put, putTimestamp } from "./byte-rows.ts";
import {
  dayIndex,
  LAST_MINUTE,
  MINUTES_PER_DAY,
  MONTH_OF_DAY,
  PERIOD_DAYS,
  PERIOD_MONTHS,
} from "./calendar.ts";
import { CHUNK_BYTES } from "./csv-writer.ts";
import type { Sfc32 } from "./prng.ts";
import {
  CONVERSION_LAG,
  DEVICES,
  ODDITIES,
  ORDER_VALUE,
  REPEAT_ORDERS,
  SESSIONS,
  SOURCES,
  SWITCHING,
} from "./profile.ts";
import type { Samplers } from "./samplers.ts";

/** What the simulation produced so far (truth.json reports these counts). */
export interface SimulationCounts {
  users: number;
  sessions: number;
  buyers: number;
  orders: number;
  revenueCents: number;
  zeroRevenueOrders: number;
  sessionsEndingBeforeStart: number;
  /** Repeat orders that would fall after the period and were therefore not written. */
  repeatOrdersAfterPeriod: number;
}

const MONTHS = PERIOD_MONTHS.length;
const DEVICE_BYTES = DEVICES.map((d) => ascii(`${d.device},`));
const SOURCE_BYTES = SOURCES.map((s) => ascii(`,${s.id},`));
const COMMA = 44;
const LATE_ORDER_MINUTE = dayIndex(ODDITIES.lateOrderDay) * MINUTES_PER_DAY + ODDITIES.lateOrderMinuteOfDay;
const NEWLINE = 10;
/** Longest visits row: "desktop," + 2 timestamps + ",10," + "," + 20 digits + newline. */
const MAX_VISIT_ROW = 8 + 2 * 19 + 4 + 1 + 20 + 1;
const DESKTOP_SHARE = DEVICES[0]!.share;
const LAG_LOG_MEDIAN = Math.log(CONVERSION_LAG.firstSessionMedianMinutes);
const VALUE_LOG_SHIFT = (ORDER_VALUE.sigma * ORDER_VALUE.sigma) / 2;

/**
 * Simulates users one at a time and appends their rows (CSV bytes, Afisha layout) to `visits` and
 * `orders`; the caller drains those buffers to files whenever they pass a chunk size. Nothing about
 * a finished user is kept except counts and `acquisitions` (new users per source per day, for costs).
 */
export class UserSimulator {
  readonly visits = new ByteRows(CHUNK_BYTES);
  readonly orders = new ByteRows(CHUNK_BYTES);
  readonly counts: SimulationCounts = {
    users: 0,
    sessions: 0,
    buyers: 0,
    orders: 0,
    revenueCents: 0,
    zeroRevenueOrders: 0,
    sessionsEndingBeforeStart: 0,
    repeatOrdersAfterPeriod: 0,
  };
  /** acquisitions[source * PERIOD_DAYS + day] = users whose first session came through it that day. */
  readonly acquisitions = new Float64Array(SOURCES.length * PERIOD_DAYS);
  /** Uid of the first buyer (or the first user while there is none), for the planted late order. */
  private readonly lateOrderUid = new ByteRows(32);
  private lateOrderMeanValue = 0;

  /** Decimal digits of the current user's id, written once per user and copied into each row. */
  private readonly uid = new ByteRows(32);
  private source = 0;
  private device = 0;
  private nextInversion = ODDITIES.invertedSessionOffset;

  /**
   * `plantedAcquisition` (planted-returns.ts) draws source and day together, so that new users
   * respond to the planted spend; without it they are drawn independently as always.
   */
  constructor(
    private readonly rng: Sfc32,
    private readonly samplers: Samplers,
    private readonly plantedAcquisition?: AliasTable,
  ) {}

  /** Generates one user: id, sessions month by month, then (for buyers) orders. */
  simulateUser(): void {
    const { rng, samplers } = this;
    this.uid.clear();
    this.uid.uint64(rng.next(), rng.next());
    let day: number;
    if (this.plantedAcquisition) {
      const cell = this.plantedAcquisition.sample(rng);
      day = cell % PERIOD_DAYS;
      this.source = Math.floor(cell / PERIOD_DAYS);
    } else {
      day = samplers.acquisitionDay.sample(rng);
      this.source = samplers.source.sample(rng);
    }
    const cohort = MONTH_OF_DAY[day]!;
    if (this.counts.users === 0) this.keepForLateOrder();
    this.counts.users++;
    this.device = rng.float() < DESKTOP_SHARE ? 0 : 1;
    this.acquisitions[this.source * PERIOD_DAYS + day]!++;
    const firstStart = day * MINUTES_PER_DAY + samplers.minuteOfDay.sample(rng);
    this.writeSession(firstStart, this.source, this.device);

    if (rng.chance(SESSIONS.earlyRepeatProbability)) {
      this.laterSessions(firstStart, 1 + rng.geometric(SESSIONS.earlyRepeatMeanBeyondOne), -1);
    }
    const row = cohort * MONTHS;
    for (let m = cohort + 1; m < MONTHS; m++) {
      if (rng.float() >= samplers.returnProbability[row + m]!) continue;
      const returnDay = PERIOD_MONTHS[m]!.firstDay + samplers.dayInMonth[m]!.sample(rng);
      const firstSession = returnDay * MINUTES_PER_DAY + samplers.minuteOfDay.sample(rng);
      this.writeSwitchedSession(firstSession);
      const extra = rng.geometric(SESSIONS.returnMonthMeanBeyondOne);
      if (extra > 0) this.laterSessions(firstSession, extra, m);
    }

    const profile = SOURCES[this.source]!;
    if (rng.float() < profile.conversion * DEVICES[this.device]!.conversionMultiplier) {
      this.writeOrders(firstStart, profile.meanOrderValue);
    }
  }

  /**
   * `count` more sessions after the one at `previous`: each on the same day a little later, or on a
   * later day. Early repeats (m = -1) come 1 + floor(exponential) days after the first session's day,
   * whatever the month: confining them to the acquisition month squeezed late-month users' repeats
   * into its last days, so daily sessions climbed through every month and fell on the 1st. In a return
   * month m the day is drawn from that month. Sessions after the period are not written.
   */
  private laterSessions(previous: number, count: number, m: number): void {
    const { rng, samplers } = this;
    const previousDay = Math.floor(previous / MINUTES_PER_DAY);
    let last = previous;
    for (let i = 0; i < count; i++) {
      let start: number;
      if (rng.chance(SESSIONS.sameDayProbability)) {
        start = last + 1 + Math.floor(rng.exponential(SESSIONS.sameDayGapMeanMinutes));
      } else {
        const day =
          m < 0
            ? previousDay + 1 + Math.floor(rng.exponential(SESSIONS.earlyRepeatMeanDays))
            : PERIOD_MONTHS[m]!.firstDay + samplers.dayInMonth[m]!.sample(rng);
        start = day * MINUTES_PER_DAY + samplers.minuteOfDay.sample(rng);
      }
      if (start > LAST_MINUTE) continue;
      this.writeSwitchedSession(start);
      last = start;
    }
  }

  /** A non-first session: mostly the acquisition source and device, sometimes another. */
  private writeSwitchedSession(start: number): void {
    const { rng } = this;
    const source = rng.chance(SWITCHING.sourceProbability) ? this.samplers.source.sample(rng) : this.source;
    let device = this.device;
    if (rng.chance(SWITCHING.deviceProbability)) device = rng.float() < DESKTOP_SHARE ? 0 : 1;
    this.writeSession(start, source, device);
  }

  private writeSession(start: number, source: number, device: number): void {
    let end = start + this.samplers.sessionMinutes.sample(this.rng);
    // Planted flaw: a session ending before it starts (never on the period's first minute).
    if (this.counts.sessions >= this.nextInversion && start > 30) {
      end = start - 1 - this.rng.int(30);
      this.nextInversion += ODDITIES.invertedSessionEvery;
      this.counts.sessionsEndingBeforeStart++;
    }
    this.counts.sessions++;
    // Afisha column order: Device,End Ts,Source Id,Start Ts,Uid
    const rows = this.visits;
    const deviceBytes = DEVICE_BYTES[device]!;
    const sourceBytes = SOURCE_BYTES[source]!;
    const buf = rows.room(MAX_VISIT_ROW);
    let at = put(buf, rows.length, deviceBytes, 0, deviceBytes.length);
    at = putTimestamp(buf, at, end);
    at = put(buf, at, sourceBytes, 0, sourceBytes.length);
    at = putTimestamp(buf, at, start);
    buf[at++] = COMMA;
    at = put(buf, at, this.uid.raw, 0, this.uid.length);
    buf[at++] = NEWLINE;
    rows.length = at;
  }

  /** First order after the lag, then the repeats (burst and loyal) that fall inside the period. */
  private writeOrders(firstStart: number, meanValue: number): void {
    const { rng } = this;
    if (this.counts.buyers === 0) this.keepForLateOrder();
    this.counts.buyers++;
    const first = this.firstOrderMinute(firstStart);
    this.writeOrder(first, meanValue);
    // A buyer who comes back on a later day to buy often arrives through another channel (a reminder,
    // an ad): this visit is what makes last-touch and linear attribution differ from first-touch.
    if (first >= (Math.floor(firstStart / MINUTES_PER_DAY) + 1) * MINUTES_PER_DAY) {
      if (rng.chance(CONVERSION_LAG.purchaseVisitShare)) {
        const source = rng.chance(SWITCHING.purchaseVisitSourceProbability)
          ? this.samplers.source.sample(rng)
          : this.source;
        this.writeSession(first - 1 - rng.int(20), source, this.device);
      }
    }
    const repeatValue = meanValue * REPEAT_ORDERS.valueFactor;
    if (rng.chance(REPEAT_ORDERS.burstProbability)) {
      // P(K ≥ k) = k^-a: the inverse of a Pareto tail, floored.
      const tail = (1 - rng.float()) ** (-1 / REPEAT_ORDERS.burstTailExponent);
      const count = Math.min(REPEAT_ORDERS.burstMaxOrders, Math.floor(tail));
      let at = first;
      for (let i = 0; i < count; i++) {
        at += 1 + Math.floor(rng.exponential(REPEAT_ORDERS.burstGapMeanMinutes));
        if (at > LAST_MINUTE) {
          this.counts.repeatOrdersAfterPeriod++;
          break;
        }
        this.writeOrder(at, repeatValue);
      }
    }
    if (rng.chance(REPEAT_ORDERS.loyalProbability)) {
      const { loyalGapMeanDaysMin: lo, loyalGapMeanDaysMax: hi } = REPEAT_ORDERS;
      const gapMean = lo * (hi / lo) ** rng.float();
      let day = Math.floor(first / MINUTES_PER_DAY);
      do {
        day += 1 + Math.floor(rng.exponential(gapMean));
        if (day >= PERIOD_DAYS) {
          this.counts.repeatOrdersAfterPeriod++;
          break;
        }
        this.writeOrder(day * MINUTES_PER_DAY + this.samplers.minuteOfDay.sample(rng), repeatValue);
      } while (rng.chance(REPEAT_ORDERS.loyalContinueProbability));
    }
  }

  /** Minute of the first order: at or after the first session start, never after the period. */
  private firstOrderMinute(firstStart: number): number {
    const { rng } = this;
    const day = Math.floor(firstStart / MINUTES_PER_DAY);
    const daysLeft = PERIOD_DAYS - 1 - day;
    const u = rng.float();
    if (u < CONVERSION_LAG.firstSessionShare) {
      const lag = Math.round(Math.exp(LAG_LOG_MEDIAN + CONVERSION_LAG.firstSessionSigma * rng.normal()));
      return Math.min(firstStart + lag, LAST_MINUTE);
    }
    if (u < CONVERSION_LAG.firstSessionShare + CONVERSION_LAG.sameDayShare || daysLeft === 0) {
      return Math.min(firstStart + 60 + rng.int(720), LAST_MINUTE);
    }
    // Exponential days truncated to [1, daysLeft] by inverting its CDF on the allowed range.
    const mean = CONVERSION_LAG.laterMeanDays;
    const x = -mean * Math.log(1 - rng.float() * (1 - Math.exp(-daysLeft / mean)));
    const lagDays = 1 + Math.min(daysLeft - 1, Math.floor(x));
    return (day + lagDays) * MINUTES_PER_DAY + this.samplers.minuteOfDay.sample(rng);
  }

  private writeOrder(minute: number, meanValue: number): void {
    this.writeOrderRow(minute, this.orderCents(meanValue), this.uid);
  }

  private writeOrderRow(minute: number, cents: number, uid: ByteRows): void {
    const row = this.orders;
    row.timestamp(minute);
    row.byte(COMMA);
    row.money(cents);
    row.byte(COMMA);
    row.bytes(uid.raw, 0, uid.length);
    row.byte(NEWLINE);
  }

  private keepForLateOrder(): void {
    this.lateOrderUid.clear();
    this.lateOrderUid.bytes(this.uid.raw, 0, this.uid.length);
    this.lateOrderMeanValue = SOURCES[this.source]!.meanOrderValue;
  }

  /**
   * The planted order after the period (Afisha's 2018-06-01 00:02), appended once after the last user
   * (Afisha's file, sorted by time, also ends with it). Its buyer is the first buyer, or the first user
   * when nobody bought, so the orders file is never empty.
   */
  writeLateOrder(): void {
    const cents = this.orderCents(this.lateOrderMeanValue);
    this.writeOrderRow(LATE_ORDER_MINUTE, cents, this.lateOrderUid);
  }

  /** Revenue of one order in cents; every n-th order is the planted zero. */
  private orderCents(meanValue: number): number {
    const { rng } = this;
    const value = meanValue * Math.exp(ORDER_VALUE.sigma * rng.normal() - VALUE_LOG_SHIFT);
    const cents = rng.chance(ORDER_VALUE.priceStepShare)
      ? Math.round(Math.max(1, Math.round(value / ORDER_VALUE.priceStep)) * ORDER_VALUE.priceStep * 100)
      : Math.max(1, Math.round(value * 100));
    const index = this.counts.orders++;
    if (index % ODDITIES.zeroRevenueEvery === ODDITIES.zeroRevenueOffset) {
      this.counts.zeroRevenueOrders++;
      return 0;
    }
    this.counts.revenueCents += cents;
    return cents;
  }
}
