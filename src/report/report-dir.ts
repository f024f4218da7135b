/**
 * The report directory is replaced as a whole: the new report is written into a temporary directory
 * beside it and swapped in only when complete, so a full disk, Ctrl+C or a kill leaves the previous
 * report as it was (never a new metrics.json beside an old index.html), and a run without figures
 * leaves no stale page behind.
 */
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";

/** A problem with where the report is to go; the CLI prints it as one line and exits 2. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputError";
  }
}

/** What a report directory may hold: everything else in it would be lost by the swap. */
export const REPORT_ENTRIES: readonly string[] = [
  "index.html",
  "metrics.json",
  "tables",
  "figures",
  "quarantine.csv",
];

const partialPrefix = (out: string) => `.${basename(out)}.partial-`;
const previousPrefix = (out: string) => `.${basename(out)}.previous-`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function real(path: string): string {
  return existsSync(path) ? realpathSync(path) : resolve(path);
}

/**
 * Checks, before any computation, that `out` can take a report: its parent exists and is writable,
 * it is not the working directory (which cannot be swapped), it holds nothing but an earlier report,
 * and no input lies inside it. Also tidies what an interrupted earlier run left beside it.
 */
export function prepareReportDir(out: string, inputs: readonly string[] = []): void {
  const target = resolve(out);
  const parent = dirname(target);
  if (!existsSync(parent)) throw new OutputError(`--out ${out}: directory ${parent} does not exist`);
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch {
    throw new OutputError(`--out ${out}: permission denied (cannot write in ${parent})`);
  }
  recoverInterrupted(target);
  assertReplaceable(out);
  const root = real(target) + sep;
  for (const input of inputs) {
    if (real(input).startsWith(root)) {
      throw new OutputError(
        `input ${input} is inside --out ${out}, which the report replaces: refusing to overwrite it`,
      );
    }
  }
}

/**
 * Fails unless `out` may be replaced as a whole: it is not the working directory (nor holds it), and
 * it is new, empty, or holds nothing but a report. Checked again right before writing, so a library
 * caller's `writeReport(…, "/home/me")` can never move a home directory aside.
 */
function assertReplaceable(out: string): void {
  const target = resolve(out);
  const fromOut = relative(real(target), process.cwd());
  if (fromOut === "" || (!fromOut.startsWith("..") && !fromOut.startsWith(sep))) {
    throw new OutputError(
      `--out ${out}: the report replaces its directory as a whole, so it cannot be the current directory or hold it (use e.g. --out report)`,
    );
  }
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory())
    throw new OutputError(`--out ${out}: is a file (expected a directory)`);
  const foreign = readdirSync(target).filter((e) => !REPORT_ENTRIES.includes(e));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? ", …" : "");
    throw new OutputError(
      `--out ${out}: holds files that are not part of a report (${shown}); the report replaces the directory as a whole: choose a new or empty directory`,
    );
  }
}

/**
 * Removes what runs that died left beside `out`: their partial directories, and a previous report
 * already replaced. If a run died between its two renames, the previous report is put back.
 */
function recoverInterrupted(target: string): void {
  const parent = dirname(target);
  for (const entry of readdirSync(parent)) {
    const partial = entry.startsWith(partialPrefix(target));
    const previous = entry.startsWith(previousPrefix(target));
    if (!partial && !previous) continue;
    const pid = Number(entry.slice(entry.lastIndexOf("-") + 1));
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) continue;
    const path = join(parent, entry);
    if (previous && !existsSync(target)) renameSync(path, target);
    else rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Runs `write(dir)` on a fresh temporary directory beside `out`, then swaps it in for `out`. On any
 * failure (or SIGINT/SIGTERM while writing) the temporary directory is removed and `out` is untouched.
 */
export async function replaceDirectory<T>(out: string, write: (dir: string) => Promise<T>): Promise<T> {
  assertReplaceable(out);
  const target = resolve(out);
  const parent = dirname(target);
  const partial = join(parent, `${partialPrefix(target)}${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  const abandon = () => rmSync(partial, { recursive: true, force: true });
  const onSignal = (signal: NodeJS.Signals) => {
    abandon();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const result = await write(partial);
    swapIn(partial, target);
    return result;
  } catch (error) {
    abandon();
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Two renames in one directory: the old report steps aside, the new one takes its name. */
function swapIn(partial: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(partial, target);
    return;
  }
  const previous = join(dirname(target), `${previousPrefix(target)}${process.pid}`);
  rmSync(previous, { recursive: true, force: true });
  renameSync(target, previous);
  try {
    renameSync(partial, target);
  } catch (error) {
    renameSync(previous, target);
    throw error;
  }
  rmSync(previous, { recursive: true, force: true });
}
