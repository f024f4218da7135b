/**
 * Memory for the server: a small LRU of finished results (bounded by entries and by bytes), one shared promise per computation in
 * flight (identical concurrent requests wait for the same work), and a gate that bounds how many
 * computations run at once and how many may queue (beyond that the server answers 503 at once).
 */

/** What the caches may hold by default, each: far below the process's memory, far above one answer. */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * Least-recently-used map bounded twice: by entries and by (approximate) bytes, so a few very wide
 * answers cannot fill the memory that many narrow ones would share. A value larger than the whole
 * byte budget is not kept at all.
 */
export class Lru<V> {
  private readonly map = new Map<string, { value: V; bytes: number }>();
  private total = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxBytes = DEFAULT_CACHE_BYTES,
    private readonly sizeOf: (value: V) => number = approximateBytes,
  ) {}

  get(key: string): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.remove(key);
    const bytes = this.sizeOf(value);
    if (bytes > this.maxBytes) return;
    this.map.set(key, { value, bytes });
    this.total += bytes;
    while (this.map.size > this.capacity || this.total > this.maxBytes) {
      this.remove(this.map.keys().next().value as string);
    }
  }

  private remove(key: string): void {
    const entry = this.map.get(key);
    if (!entry) return;
    this.total -= entry.bytes;
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  /** Approximate bytes held. */
  get bytes(): number {
    return this.total;
  }
}

/**
 * Roughly how much memory a JSON-like value holds: buffers by length, strings at two bytes a
 * character, numbers at eight, plus a little per object, array and key; an object reached twice is
 * walked once. Enough to bound a cache. It runs on every entry the server caches, so it walks without
 * allocating per object (`for…in`, primitives counted where they are met, not stacked): the
 * `Object.entries` walk it replaces cost as much CPU as the point slice it sized (bench/slice-cpu.ts).
 */
export function approximateBytes(value: unknown): number {
  if (typeof value !== "object" || value === null) return primitiveBytes(value);
  const stack: object[] = [value];
  const seen = new Set<object>([value]);
  let bytes = 0;
  const visit = (item: unknown): void => {
    if (typeof item !== "object" || item === null) bytes += primitiveBytes(item);
    else if (seen.has(item)) bytes += 8;
    else {
      seen.add(item);
      stack.push(item);
    }
  };
  while (stack.length > 0) {
    const v = stack.pop() as Record<string, unknown>;
    if (ArrayBuffer.isView(v)) bytes += v.byteLength;
    else if (Array.isArray(v)) {
      bytes += 16 + 8 * v.length;
      for (let i = 0; i < v.length; i++) visit(v[i]);
    } else if (v instanceof Map) {
      bytes += 16 + 16 * v.size;
      for (const [k, item] of v) {
        visit(k);
        visit(item);
      }
    } else {
      bytes += 16;
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        bytes += 8 + 2 * k.length;
        visit(v[k]);
      }
    }
  }
  return bytes;
}

function primitiveBytes(v: unknown): number {
  return typeof v === "string" ? 16 + 2 * v.length : 8;
}

/**
 * approximateBytes of a record of records (the three models' results) whose second-level values are
 * often shared with entries cached before: a trust result spreads its point result, so its tables and
 * series are the point entry's own objects, and the models share the window's series. Each such value
 * is walked once and its size remembered (`memo`; cached values are never changed); within one call a
 * value shared by several records counts once, as approximateBytes counts it. What a full walk would
 * find shared deeper inside two values is counted twice here: an over-estimate, the safe side of a
 * memory bound. Saves a walk of every point table per trust entry (~4 ms a change at 4M sessions).
 */
export function sharedRecordBytes(
  value: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  memo: WeakMap<object, number>,
): number {
  const seen = new Set<object>();
  let bytes = 16;
  for (const [key, record] of Object.entries(value)) {
    bytes += 8 + 2 * key.length + 16;
    for (const [field, item] of Object.entries(record)) {
      bytes += 8 + 2 * field.length;
      if (typeof item !== "object" || item === null) {
        bytes += approximateBytes(item);
        continue;
      }
      if (seen.has(item)) continue;
      seen.add(item);
      let size = memo.get(item);
      if (size === undefined) {
        size = approximateBytes(item);
        memo.set(item, size);
      }
      bytes += size;
    }
  }
  return bytes;
}

/** Cached value, else the computation already running for `key`, else a new one (remembered on success). */
export class Memo<V> {
  private readonly inFlight = new Map<string, Promise<V>>();

  constructor(readonly cache: Lru<V>) {}

  get(key: string, compute: () => Promise<V>): Promise<V> {
    const cached = this.cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = compute().then(
      (value) => {
        this.cache.set(key, value);
        this.inFlight.delete(key);
        return value;
      },
      (error: unknown) => {
        // A failure is not remembered: the next request tries again.
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, started);
    return started;
  }

  get running(): number {
    return this.inFlight.size;
  }
}

/** Thrown when the queue is full: the caller answers 503 with Retry-After. */
export class BusyError extends Error {
  constructor() {
    super("server busy: too many analyses queued, try again shortly");
    this.name = "BusyError";
  }
}

/** At most `concurrency` tasks at once, at most `queueLimit` waiting. */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.concurrency) this.active++;
    else {
      if (this.waiting.length >= this.queueLimit) throw new BusyError();
      // The finishing task hands its slot over, so `active` never overshoots.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}
