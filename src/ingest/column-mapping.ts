import { CANONICAL_FIELDS, type TableName } from "./canonical.ts";
import { InputError } from "./input-error.ts";

/** Which input column feeds each canonical field of a table. */
export type ColumnMapping = Record<string, string>;

/**
 * Header spellings recognised without configuration, compared after normalising (lower case, letters
 * and digits only): `Start Ts`, `start_ts` and `startTs` are all `startts`. Order matters: the first
 * alias present wins, so specific names come before generic ones.
 */
const ALIASES: Record<TableName, Record<string, readonly string[]>> = {
  visits: {
    user_id: ["uid", "userid", "user", "clientid", "customerid", "visitorid", "cookieid"],
    device: ["device", "devicetype", "devicecategory", "platform"],
    source_id: ["sourceid", "source", "channel", "channelid", "utmsource", "trafficsource"],
    start_ts: ["startts", "sessionstart", "sessionstartts", "starttime", "startedat", "start", "eventtime"],
    end_ts: ["endts", "sessionend", "sessionendts", "endtime", "endedat", "end"],
  },
  orders: {
    user_id: ["uid", "userid", "user", "clientid", "customerid", "buyerid"],
    ts: [
      "buyts",
      "orderts",
      "ordertime",
      "purchasets",
      "purchasetime",
      "eventtime",
      "createdat",
      "ts",
      "timestamp",
    ],
    revenue: ["revenue", "amount", "ordervalue", "total", "value", "price"],
  },
  costs: {
    source_id: ["sourceid", "source", "channel", "channelid", "utmsource"],
    date: ["dt", "date", "day", "costdate"],
    costs: ["costs", "cost", "spend", "adspend", "amount"],
  },
};

export function normalizeHeader(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * Maps canonical fields to input columns: explicit overrides first (matched exactly, then by normalised
 * name), then the aliases. Every missing required field is reported in one error.
 */
export function resolveMapping(
  table: TableName,
  path: string,
  columns: readonly string[],
  overrides: Partial<Record<string, string>> = {},
): ColumnMapping {
  const byNormalized = new Map<string, string>();
  for (const column of columns) {
    const key = normalizeHeader(column);
    if (!byNormalized.has(key)) byNormalized.set(key, column);
  }
  const mapping: ColumnMapping = {};
  const problems: string[] = [];
  for (const field of CANONICAL_FIELDS[table]) {
    const override = overrides[field];
    if (override !== undefined) {
      const found = columns.includes(override) ? override : byNormalized.get(normalizeHeader(override));
      if (found === undefined) problems.push(`column "${override}" given for ${field} is not in the file`);
      else mapping[field] = found;
      continue;
    }
    const alias = ALIASES[table][field]?.find((a) => byNormalized.has(a));
    if (alias === undefined) {
      const tried = [...new Set([field, ...(ALIASES[table][field] ?? [])])].join(", ");
      problems.push(`missing required column for ${field} (looked for ${tried})`);
    } else mapping[field] = byNormalized.get(alias)!;
  }
  for (const [field, column] of Object.entries(mapping)) {
    // Two headers that read the same (`Revenue` twice, or `Buy Ts` and `buy_ts`): whichever we took,
    // the other may be the one meant. Columns are numbered from 1 as a spreadsheet shows them.
    const twins = columns
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => normalizeHeader(c) === normalizeHeader(column));
    if (twins.length > 1) {
      const named = twins.map(({ c, i }) => `"${c}" (column ${i + 1})`).join(" and ");
      problems.push(`ambiguous header for ${field}: ${named} (rename one, or map by a unique name)`);
    }
  }
  if (problems.length > 0) {
    const found = columns.length > 0 ? columns.join(", ") : "none";
    // The wrong file under the right flag: the list of missing columns would only hide that.
    const missing = problems.some((p) => p.startsWith("missing required column"));
    const hint = missing ? wrongInputHint(table, columns) : null;
    if (hint) throw new InputError(`${path}: given as the ${table} input, but ${hint}`);
    throw new InputError(
      `${path}: ${problems.join("; ")}; columns found: ${found}; set the mapping with --map ${table}.FIELD=COLUMN or in channelscope.config.json`,
    );
  }
  const unknown = Object.keys(overrides).filter(
    (f) => !(CANONICAL_FIELDS[table] as readonly string[]).includes(f),
  );
  if (unknown.length > 0) {
    throw new InputError(
      `invalid mapping for ${table}: unknown field ${unknown.join(", ")} (expected ${CANONICAL_FIELDS[table].join(", ")})`,
    );
  }
  return mapping;
}

/**
 * When a file lacks this table's columns but has every column another table needs, it was most likely
 * passed under the wrong flag (`--visits orders_log_us.csv`): says which export it looks like, naming
 * the columns that decided it in the file's order. Null when no other table fits.
 */
export function wrongInputHint(table: TableName, columns: readonly string[]): string | null {
  const normalized = columns.map(normalizeHeader);
  for (const other of Object.keys(ALIASES) as TableName[]) {
    if (other === table) continue;
    const used = CANONICAL_FIELDS[other].map((field) => {
      const alias = ALIASES[other][field]?.find((a) => normalized.includes(a));
      return alias === undefined ? -1 : normalized.indexOf(alias);
    });
    if (used.includes(-1)) continue;
    const named = [...new Set(used)].sort((a, b) => a - b).map((i) => columns[i]);
    return `this looks like the ${other} export (columns ${named.join(", ")}): pass it as --${other}`;
  }
  return null;
}
