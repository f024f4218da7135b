import { OptionsError } from "../metrics/options.ts";
import { DEFAULT_BOUNDS } from "./budget-plan.ts";

/** The plan's own options, validated once for the CLI, the config file and the library. */
export interface PlanSettings {
  /** Monthly budget to allocate; null = today's (the modelled sources' mean monthly spend). */
  budget: number | null;
  /** Each source's spend may move within ±bounds of today's (a share, 0 < bounds < 1). */
  bounds: number;
}

/**
 * Reads `budget` (a positive amount per month) and `bounds` (a share such as 0.3, or a percentage
 * such as `30%`) from a raw option bag; keys match ignoring case, `-` and `_` like normalizeOptions.
 * Throws one OptionsError listing every problem.
 */
export function normalizePlanOptions(raw: Partial<Record<string, unknown>>): PlanSettings {
  const input = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined && value !== null && value !== "")
      input.set(key.replace(/[-_]/g, "").toLowerCase(), value);
  }
  const problems: string[] = [];
  let budget: number | null = null;
  if (input.has("budget")) {
    const v = input.get("budget");
    const n =
      typeof v === "number"
        ? v
        : typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v)
          ? Number(v)
          : Number.NaN;
    if (Number.isFinite(n) && n > 0) budget = n;
    else
      problems.push(`invalid budget: ${show(v)} (expected an amount per month greater than 0, e.g. 25000)`);
  }
  let bounds = DEFAULT_BOUNDS;
  if (input.has("bounds")) {
    const v = input.get("bounds");
    const n = parseShare(v);
    if (n !== undefined) bounds = n;
    else
      problems.push(
        `invalid bounds: ${show(v)} (expected a share between 0 and 1 such as 0.3, or a percentage such as 30%)`,
      );
  }
  if (problems.length > 0) throw new OptionsError(problems);
  return { budget, bounds };
}

function parseShare(v: unknown): number | undefined {
  let n = Number.NaN;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") {
    const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(v);
    if (m) n = Number(m[1]) / (m[2] ? 100 : 1);
  }
  return Number.isFinite(n) && n > 0 && n < 1 ? n : undefined;
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
