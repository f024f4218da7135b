import { dayIndex, dayText, PERIOD_DAYS } from "./calendar.ts";
import { moneyText } from "./csv-writer.ts";
import type { Sfc32 } from "./prng.ts";
import { COST_NOISE, ODDITIES, SOURCES } from "./profile.ts";

export interface CostTable {
  /** CSV rows (no header), Afisha layout `source_id,dt,costs`, sorted by source then day like Afisha. */
  text: string;
  rows: number;
  /** Cost rows dropped on the planted missing day. */
  missingRows: number;
  totalCents: number;
}

/**
 * Daily spend per paying source = cost per user x users it brought that day x (1 ± noise), in cents.
 * Spend follows the users actually generated, so CAC is recoverable from the files. Every day gets a
 * row (0.0 on days without new users, which only happens in small samples) except the planted gap.
 * The table is small (sources x 365 rows), so it is built as one string after the users are done.
 */
export function buildCosts(acquisitions: Float64Array, rng: Sfc32): CostTable {
  return costTable((s, costPerUser, day) => {
    const users = acquisitions[s * PERIOD_DAYS + day]!;
    // Drawn before the skip so the noise of later days does not depend on the planted gap.
    const factor = 1 + COST_NOISE * (2 * rng.float() - 1);
    return Math.round(costPerUser * users * factor * 100);
  });
}

/** The cost table of planted spend (planted-returns.ts): the spend is the cause, users respond. */
export function plantedCosts(spendCents: Float64Array): CostTable {
  return costTable((s, _, day) => spendCents[s * PERIOD_DAYS + day]!);
}

/** Rows source by source, day by day, with the planted missing day; `centsOf` runs for every day. */
function costTable(centsOf: (s: number, costPerUser: number, day: number) => number): CostTable {
  const missingDay = dayIndex(ODDITIES.missingCostDay);
  const table: CostTable = { text: "", rows: 0, missingRows: 0, totalCents: 0 };
  SOURCES.forEach((source, s) => {
    if (source.costPerUser === null) return;
    for (let day = 0; day < PERIOD_DAYS; day++) {
      const cents = centsOf(s, source.costPerUser, day);
      if (day === missingDay && source.id !== ODDITIES.missingCostDayKeeps) {
        table.missingRows++;
        continue;
      }
      table.text += `${source.id},${dayText(day)},${moneyText(cents)}\n`;
      table.rows++;
      table.totalCents += cents;
    }
  });
  return table;
}
