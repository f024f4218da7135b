import type { Engine, NumberChunk, Row, SqlParams } from "../engine/engine.ts";
import { readNumbers } from "../engine/number-read.ts";

/**
 * Work the server does ahead of being asked (a window's trust tables, cube.ts), kept out of the way of
 * the work someone waits for:
 *  - one job at a time, and only the newest one waiting: a job for a window the reader has already
 *    left is replaced by the job for the window they moved to (a slice that needs the older one
 *    builds it itself, at once, as it would without the lane);
 *  - each statement of a job waits until no foreground task (a window's point build) is running, so a
 *    new period's point numbers never queue behind it — a statement already running is not stopped.
 * Jobs handle their own failures; one that throws anyway does not stop the lane.
 */
export class BackgroundLane {
  private running: Promise<void> | null = null;
  private waiting: (() => Promise<void>) | null = null;
  private foregroundTasks = 0;
  private resume: (() => void)[] = [];
  private stopped = false;
  /** The connection of the background statement running now (stop interrupts it). */
  private connection: Engine | null = null;

  /** Runs `job` now, or after the job running (replacing any job that was waiting for its turn). */
  submit(job: () => Promise<void>): void {
    if (this.stopped) return;
    if (this.running) this.waiting = job;
    else this.start(job);
  }

  private start(job: () => Promise<void>): void {
    this.running = job()
      .catch(() => undefined)
      .then(() => {
        this.running = null;
        const next = this.waiting;
        this.waiting = null;
        if (next && !this.stopped) this.start(next);
      });
  }

  /** Runs a foreground task: background statements wait while any runs. */
  async foreground<T>(task: () => Promise<T>): Promise<T> {
    this.foregroundTasks += 1;
    try {
      return await task();
    } finally {
      this.foregroundTasks -= 1;
      if (this.foregroundTasks === 0) for (const go of this.resume.splice(0)) go();
    }
  }

  /** Resolves when no foreground task runs. */
  foregroundIdle(): Promise<void> {
    if (this.foregroundTasks === 0) return Promise.resolve();
    return new Promise((resolve) => this.resume.push(resolve));
  }

  /** Jobs running or waiting (0, 1 or 2). */
  get pending(): number {
    return (this.running ? 1 : 0) + (this.waiting ? 1 : 0);
  }

  /** Resolves once no job runs or waits. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Takes no new jobs, drops the waiting one, interrupts the running one's statement (its later ones
   * fail at once) and waits for it to end.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting = null;
    this.connection?.interrupt?.();
    await this.settled();
  }

  /** One statement of a background job on `connection`, once the foreground is idle. */
  async statement<T>(connection: Engine, run: () => Promise<T>): Promise<T> {
    await this.foregroundIdle();
    if (this.stopped) throw new Error("stopped: the background build was cancelled");
    this.connection = connection;
    try {
      return await run();
    } finally {
      this.connection = null;
    }
  }

  /** `engine` whose every statement first waits for the foreground to be idle (see `statement`). */
  yielding(engine: Engine): Engine {
    return new YieldingEngine(engine, this);
  }
}

class YieldingEngine implements Engine {
  constructor(
    private readonly inner: Engine,
    private readonly lane: BackgroundLane,
  ) {}

  get name() {
    return this.inner.name;
  }
  get dialect() {
    return this.inner.dialect;
  }
  version(): Promise<string> {
    return this.inner.version();
  }
  run(sql: string, params?: SqlParams): Promise<void> {
    return this.lane.statement(this.inner, () => this.inner.run(sql, params));
  }
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.lane.statement(this.inner, () => this.inner.all<T>(sql, params));
  }
  /**
   * The inner engine's numeric read (its own fallback when it has none): without this, readNumbers
   * fell back to `all` here, and a background build read the window's 1.45M buyer rows (4M sessions)
   * as row objects in one synchronous conversion, a 3.3 s stall of the server's event loop.
   */
  numberChunks(
    sql: string,
    params: SqlParams | undefined,
    columns: readonly string[],
    onChunk: NumberChunk,
  ): Promise<void> {
    return this.lane.statement(this.inner, () => readNumbers(this.inner, sql, params, columns, onChunk));
  }
  createTemp(name: string, select: string, params?: SqlParams): Promise<void> {
    return this.lane.statement(this.inner, () => this.inner.createTemp(name, select, params));
  }
  dropTemp(name: string): Promise<void> {
    return this.inner.dropTemp(name);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
