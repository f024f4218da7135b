import type { Dialect } from "../engine/dialect.ts";
import type { Engine, NumberChunk, Row, SqlParam, SqlParams } from "../engine/engine.ts";
import { readNumbers } from "../engine/number-read.ts";
import type { DataTables, WindowTables } from "./cube-tables.ts";
import type { AnalysisOptions } from "./options.ts";

/**
 * Statements with named parameters: each statement binds only the `$name`s it uses, because DuckDB
 * rejects a statement given a parameter it does not reference.
 */
export class BoundSql {
  readonly d: Dialect;

  constructor(
    readonly engine: Engine,
    protected readonly params: SqlParams,
  ) {
    this.d = engine.dialect;
  }

  run(sql: string): Promise<void> {
    return this.engine.run(sql, this.bind(sql));
  }

  all<T extends Row = Row>(sql: string): Promise<T[]> {
    return this.engine.all<T>(sql, this.bind(sql));
  }

  /** A large all-numbers result in blocks, column by column (engine/number-read.ts). */
  numbers(sql: string, columns: readonly string[], onChunk: NumberChunk): Promise<void> {
    return readNumbers(this.engine, sql, this.bind(sql), columns, onChunk);
  }

  /** A run-scoped table from a SELECT, through the engine (DDL differs between engines). */
  createTemp(name: string, select: string): Promise<void> {
    return this.engine.createTemp(name, select, this.bind(select));
  }

  protected bind(sql: string): SqlParams | undefined {
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

/**
 * Which acquisition cells a slice keeps: combo codes `r` (users acquired through a chosen source and
 * device) and source codes `s` (spend of the chosen sources); null = all. Codes are the cube's own
 * integers, never user text, so they are written into SQL as checked integer literals.
 */
export interface SliceScope {
  combos: readonly number[] | null;
  sources: readonly number[] | null;
  /** Spend cannot be split by device: with a device filter, CAC / ROMI / payback are withheld. */
  withheld: null | "spend_not_split_by_device";
}

/**
 * What every metric module gets for one slice: the engine, its dialect, the options, the cube's table
 * names, the slice's scope and the bound parameters (`$from`, `$margin`, ...).
 */
export class MetricRun extends BoundSql {
  constructor(
    engine: Engine,
    readonly options: AnalysisOptions,
    readonly t: DataTables & WindowTables,
    readonly scope: SliceScope,
    params: SqlParams = {},
  ) {
    const { from, to, margin, horizon, attribution } = options;
    super(engine, { ...params, from, to, margin, horizon, model: attribution });
  }

  /** SQL predicate: the combo column `column` is one the slice keeps. */
  inCombos(column: string): string {
    return codesIn(column, this.scope.combos);
  }

  /** SQL predicate: the source-code column `column` is one whose spend the slice keeps. */
  inSources(column: string): string {
    return codesIn(column, this.scope.sources);
  }
}

function codesIn(column: string, codes: readonly number[] | null): string {
  if (codes === null) return "(1 = 1)";
  if (codes.length === 0) return "(1 = 0)";
  for (const c of codes) if (!Number.isInteger(c) || c < 0) throw new Error(`invalid cube code ${c}`);
  return `${column} IN (${codes.join(", ")})`;
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

/** A flag: SQL booleans, or the 0/1 integers portable SQL writes them as. */
export function bool(value: Cell): boolean {
  return value === true || value === 1 || value === "1";
}
