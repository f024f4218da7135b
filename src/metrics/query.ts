import type { Dialect } from "../engine/dialect.ts";
import type { Engine, Row, SqlParam, SqlParams } from "../engine/engine.ts";
import type { AnalysisOptions } from "./options.ts";

/**
 * What every metric module gets for one run: the engine, its dialect, the options and the run's bound
 * parameters. Statements name the parameters they use (`$from`, `$margin`, ...); only those are bound,
 * because DuckDB rejects a statement given a parameter it does not reference.
 */
export class MetricRun {
  readonly d: Dialect;

  constructor(
    readonly engine: Engine,
    readonly options: AnalysisOptions,
    private readonly params: SqlParams,
  ) {
    this.d = engine.dialect;
  }

  /** The same run under other options (e.g. another attribution model over the same foundation). */
  withOptions(options: AnalysisOptions): MetricRun {
    return new MetricRun(this.engine, options, this.params);
  }

  /** A copy with more parameters (e.g. facts learnt while building the foundation). */
  with(extra: SqlParams): MetricRun {
    return new MetricRun(this.engine, this.options, { ...this.params, ...extra });
  }

  run(sql: string): Promise<void> {
    return this.engine.run(sql, this.bind(sql));
  }

  all<T extends Row = Row>(sql: string): Promise<T[]> {
    return this.engine.all<T>(sql, this.bind(sql));
  }

  private bind(sql: string): SqlParams | undefined {
    const used: Record<string, SqlParam> = {};
    for (const [, name] of sql.matchAll(/\$([A-Za-z_]\w*)/g)) {
      if (name === undefined || name in used) continue;
      const value = this.params[name];
      if (value === undefined) throw new Error(`metric SQL uses $${name}, which the run does not define`);
      used[name] = value;
    }
    return Object.keys(used).length > 0 ? used : undefined;
  }
}

/** SQL: window bounds as typed values. Every module filters and buckets with these. */
export const FROM_DATE = "CAST($from AS DATE)";
export const TO_DATE = "CAST($to AS DATE)";
export const FROM_TS = "CAST($from AS TIMESTAMP)";
export const TO_TS = "CAST($to AS TIMESTAMP)";
export const MARGIN = "CAST($margin AS DOUBLE)";
export const HORIZON = "CAST($horizon AS INTEGER)";

type Cell = Row[string] | undefined;

/** A nullable number from a result cell. Throws on NaN/Infinity, which the SQL must never produce. */
export function numOrNull(value: Cell): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`metric query returned a non-finite number: ${String(value)}`);
  return n;
}

/** A number that must be present (counts, sums with a COALESCE). */
export function num(value: Cell): number {
  const n = numOrNull(value);
  if (n === null) throw new Error("metric query returned NULL where a number was expected");
  return n;
}

export function text(value: Cell): string {
  if (typeof value !== "string")
    throw new Error(`metric query returned ${String(value)} where text was expected`);
  return value;
}

export function bool(value: Cell): boolean {
  return value === true;
}

/**
 * Display order of ids (sources, devices): ids made of digits by numeric value (Afisha's 1..10 read
 * 1, 2, ..., 10), then other ids by code unit order. Ordering only; ids stay strings.
 */
export function compareIds(a: string, b: string): number {
  const da = /^\d+$/.test(a);
  const db = /^\d+$/.test(b);
  if (da !== db) return da ? -1 : 1;
  if (da && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
