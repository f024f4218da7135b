/**
 * A live status line on stderr for the long steps (ingest, metrics, figures), only when stderr is a
 * terminal: pipes, CI logs and the bench see nothing. While a step runs, the line shows its elapsed
 * time and, when DuckDB is scanning, the running statement's rows and rate; a finished step leaves one
 * line behind (with the step's own totals when the caller knows them, e.g. rows read by ingest).
 *
 * DuckDB counts rows per statement and resets the count when the statement ends, so the rate is that
 * of the current pass, sampled four times a second: a pass is taken to start at the last sample that
 * did not see it, which can only understate its rate.
 */
export interface ScanSource {
  scannedRows(): number;
}

export interface Progress {
  /** False when the stream is not a terminal: every call is then a no-op. */
  readonly active: boolean;
  /** Ends the running step (if any) and starts `name`. */
  step(name: string): void;
  /** Counted work inside the step, e.g. 7 of 19 figures. */
  count(done: number, total: number): void;
  /** Ends the running step; `rows`, when known, gives the final line its rows and rate. */
  end(rows?: number): void;
}

const SAMPLE_MS = 250;

const SILENT: Progress = { active: false, step() {}, count() {}, end() {} };

/** A progress line on `stream` if it is a terminal, else a no-op. */
export function startProgress(
  source: ScanSource | null,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY) return SILENT;
  let name: string | null = null;
  let started = 0;
  let pass = { rows: 0, since: 0 };
  let lastSample = 0;
  let counted: { done: number; total: number } | null = null;
  let timer: NodeJS.Timeout | null = null;

  const sample = () => {
    const now = performance.now();
    const rows = source?.scannedRows() ?? 0;
    // A smaller count than last time (or the first non-zero one) is a new statement.
    if (rows === 0 || rows < pass.rows || pass.rows === 0) pass = { rows, since: lastSample };
    else pass.rows = rows;
    lastSample = now;
  };
  const elapsed = () => (performance.now() - started) / 1000;
  const head = () => [`  ${name!.padEnd(8)}`, `${elapsed().toFixed(1).padStart(6)} s`];
  const live = (): string => {
    const parts = head();
    if (pass.rows > 0) {
      const seconds = Math.max((performance.now() - pass.since) / 1000, 0.001);
      parts.push(`scanning ${count(pass.rows)} rows at ${count(pass.rows / seconds)} rows/s`);
    }
    if (counted) parts.push(`${counted.done}/${counted.total}`);
    return parts.join("   ");
  };
  const end = (rows?: number) => {
    if (name === null) return;
    if (timer) clearInterval(timer);
    const parts = head();
    if (rows !== undefined)
      parts.push(`${count(rows)} rows, ${count(rows / Math.max(elapsed(), 0.001))} rows/s`);
    if (counted) parts.push(`${counted.done}/${counted.total}`);
    stream.write(`\r\x1b[2K${parts.join("   ")}\n`);
    name = null;
  };
  return {
    active: true,
    step(next) {
      end();
      name = next;
      started = performance.now();
      lastSample = started;
      pass = { rows: 0, since: started };
      counted = null;
      timer = setInterval(() => {
        sample();
        stream.write(`\r\x1b[2K${live()}`);
      }, SAMPLE_MS);
      timer.unref();
      stream.write(`\r\x1b[2K${live()}`);
    },
    count(done, total) {
      counted = { done, total };
      if (name !== null) stream.write(`\r\x1b[2K${live()}`);
    },
    end,
  };
}

/** 1234567 -> "1.23M", 45678 -> "46k": a status line, not a table. */
function count(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : n.toFixed(0);
}
