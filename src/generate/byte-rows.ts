import { dayText, MINUTES_PER_DAY, PERIOD_DAYS } from "./calendar.ts";

/**
 * CSV rows assembled straight into bytes. At 100M sessions, building JS strings costs more than
 * generating the data (every concatenation allocates, and the stream must encode them again);
 * copying precomputed ASCII fragments into a buffer allocates nothing per row.
 */
export class ByteRows {
  private buf: Buffer;
  private readonly inFlight: Buffer[] = [];
  private readonly spare: Buffer[] = [];
  /** Bytes used so far. */
  length = 0;

  constructor(private readonly chunkBytes: number) {
    this.buf = Buffer.allocUnsafe(chunkBytes + RESERVE);
  }

  /**
   * Hands over the bytes written so far (to write to a file) and continues in a spare buffer. Call
   * `recycle()` once a taken chunk has been written (in the order taken): its buffer is then reused,
   * so a long run allocates a handful of buffers instead of one per megabyte.
   */
  take(): Buffer {
    const full = this.buf.subarray(0, this.length);
    this.inFlight.push(this.buf);
    this.buf = this.spare.pop() ?? Buffer.allocUnsafe(this.chunkBytes + RESERVE);
    this.length = 0;
    return full;
  }

  /** The oldest taken chunk has been written: its buffer may be reused. */
  recycle(): void {
    const done = this.inFlight.shift();
    // A buffer that grew for one huge user is let go rather than kept.
    if (done && done.length === this.chunkBytes + RESERVE) this.spare.push(done);
  }

  /**
   * The buffer, with room for `count` more bytes after `length`, for a caller that writes a whole row
   * with `put` and then sets `length` itself (the hot path: one capacity check per row).
   */
  room(count: number): Buffer {
    if (this.length + count > this.buf.length) this.grow(count);
    return this.buf;
  }

  /** Appends `count` bytes of `src` from `start`. */
  bytes(src: Uint8Array, start: number, count: number): void {
    this.length = put(this.room(count), this.length, src, start, count);
  }

  byte(b: number): void {
    if (this.length + 1 > this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
  }

  /** `YYYY-MM-DD HH:MM:00` of a minute offset from the period start. */
  timestamp(minute: number): void {
    this.length = putTimestamp(this.room(19), this.length, minute);
  }

  /** Money from whole cents in Afisha's style (`17.0`, `75.2`, `0.55`), like moneyText. */
  money(cents: number): void {
    const whole = Math.floor(cents / 100);
    const rest = cents - whole * 100;
    this.number(whole);
    this.byte(DOT);
    if (rest === 0) this.byte(ZERO);
    else if (rest % 10 === 0) this.byte(ZERO + rest / 10);
    else {
      this.byte(ZERO + Math.floor(rest / 10));
      this.byte(ZERO + (rest % 10));
    }
  }

  /** Decimal digits of an integer in [0, 10^8). */
  number(value: number): void {
    if (value >= 10_000) {
      this.group(Math.floor(value / 10_000), false);
      this.group(value % 10_000, true);
    } else this.group(value, false);
  }

  /** Four digits of `value` < 10^4 from a table: all four, or without the leading zeros. */
  private group(value: number, padded: boolean): void {
    const skip = padded ? 0 : value >= 1000 ? 0 : value >= 100 ? 1 : value >= 10 ? 2 : 3;
    this.bytes(DIGIT_GROUPS, value * 4 + skip, 4 - skip);
  }

  /**
   * Decimal digits of the unsigned 64-bit integer hi·2^32 + lo, never held in one JS number (it
   * would round above 2^53): the value is rebuilt in base 10^8 from 16-bit limbs whose products with
   * the base-10^8 pieces of 2^48 and 2^32 stay exact. No BigInt: this runs once per user.
   */
  uint64(hi: number, lo: number): void {
    const h1 = hi >>> 16;
    const h0 = hi & 0xffff;
    // 2^48 = 2814749·10^8 + 76710656 and 2^32 = 42·10^8 + 94967296
    const low = h1 * 76710656 + h0 * 94967296 + lo; // < 2^44
    const carry = Math.floor(low / 1e8);
    const mid = h1 * 2814749 + h0 * 42 + carry; // the value / 10^8, < 1.85·10^11
    const top = Math.floor(mid / 1e8); // < 1845
    const middle = mid - top * 1e8;
    const bottom = low - carry * 1e8;
    if (top > 0) {
      this.number(top);
      this.padded8(middle);
      this.padded8(bottom);
    } else if (middle > 0) {
      this.number(middle);
      this.padded8(bottom);
    } else this.number(bottom);
  }

  private padded8(value: number): void {
    const high = Math.floor(value / 10_000);
    this.group(high, true);
    this.group(value - high * 10_000, true);
  }

  /** Forgets the contents, keeping the buffer (for a small scratch row such as a user's id). */
  clear(): void {
    this.length = 0;
  }

  /** The underlying buffer, valid up to `length` (to copy a scratch row into another without a view). */
  get raw(): Buffer {
    return this.buf;
  }

  private grow(count: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + count));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }
}

/** Room beyond the chunk size: the caller takes the chunk between users, so one user may overshoot. */
const RESERVE = 64 * 1024;
const ZERO = 48;
const DOT = 46;

/**
 * Copies `count` bytes of `src` from `start` into `buf` at `at` and returns the new end. A plain loop
 * beats buf.set()/copy() for fragments this short (under 30 bytes): no native call, no view object.
 */
export function put(buf: Buffer, at: number, src: Uint8Array, start: number, count: number): number {
  let to = at;
  for (let i = start, end = start + count; i < end; i++) buf[to++] = src[i]!;
  return to;
}

/** ASCII of `text`, for fragments copied into rows. */
export function ascii(text: string): Buffer {
  return Buffer.from(text, "latin1");
}

/** "0000".."9999", four bytes each. */
const DIGIT_GROUPS = ascii(Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, "0")).join(""));

/**
 * `YYYY-MM-DD ` of every day of the period and two beyond (sessions ending the next day, the late
 * order), and `HH:MM:00` of every minute of a day. Two small tables that stay in the CPU cache: one
 * 10 MB table of whole timestamps was slower, every random timestamp being a cache miss.
 */
export const DAY_BYTES: Buffer = ascii(
  Array.from({ length: PERIOD_DAYS + 2 }, (_, d) => `${dayText(d)} `).join(""),
);
export const DAY_LENGTH = 11;
export const TIME_BYTES: Buffer = ascii(
  Array.from({ length: MINUTES_PER_DAY }, (_, m) => {
    const hh = String(Math.floor(m / 60)).padStart(2, "0");
    return `${hh}:${String(m % 60).padStart(2, "0")}:00`;
  }).join(""),
);
export const TIME_LENGTH = 8;

/** Writes `YYYY-MM-DD HH:MM:00` of a minute offset from the period start at `at`; returns the new end. */
export function putTimestamp(buf: Buffer, at: number, minute: number): number {
  const day = Math.floor(minute / MINUTES_PER_DAY);
  const to = put(buf, at, DAY_BYTES, day * DAY_LENGTH, DAY_LENGTH);
  return put(buf, to, TIME_BYTES, (minute - day * MINUTES_PER_DAY) * TIME_LENGTH, TIME_LENGTH);
}
