/**
 * Memory for the server: a small LRU of finished results, one shared promise per computation in
 * flight (identical concurrent requests wait for the same work), and a gate that bounds how many
 * computations run at once and how many may queue (beyond that the server answers 503 at once).
 */

/** Least-recently-used map with a fixed number of entries. */
export class Lru<V> {
  private readonly map = new Map<string, V>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  get size(): number {
    return this.map.size;
  }
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
