import { QueryError } from "../engine/query-error.ts";
import { InputError } from "../ingest/input-error.ts";
import { OptionsError } from "../metrics/options.ts";
import { OutputError } from "../report/report-dir.ts";

/** A mistake on the command line: printed as one line with exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Turns any failure into one line on stderr and an exit status: 2 for problems with the input or the
 * options, 1 for our own faults. The stack is shown only with CHANNELSCOPE_DEBUG=1.
 */
export function reportFailure(error: unknown): number {
  const debug = process.env.CHANNELSCOPE_DEBUG === "1";
  if (
    error instanceof InputError ||
    error instanceof UsageError ||
    error instanceof OptionsError ||
    error instanceof OutputError
  ) {
    process.stderr.write(`channelscope: ${error.message}\n`);
    return 2;
  }
  const environment = environmentProblem(error);
  if (environment) {
    process.stderr.write(`channelscope: ${environment}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  const kind = error instanceof QueryError ? "query failed" : "internal error";
  process.stderr.write(`channelscope: ${kind}: ${message}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write("(set CHANNELSCOPE_DEBUG=1 for details, and please report it)\n");
  return 1;
}

/** Failures of the machine rather than of channelscope: a full disk, a file we may not touch. */
const SYSTEM_CODES: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EMFILE: "too many open files",
};

/** DuckDB reports the same problems inside its own message text. */
const ENGINE_IO = /No space left on device|Permission denied|Read-only file system|Disk quota exceeded/i;

/** One line for a problem of the environment (exit 2: the user can act on it), else null. */
function environmentProblem(error: unknown): string | null {
  const e = error as NodeJS.ErrnoException | undefined;
  const what = e?.code ? SYSTEM_CODES[e.code] : undefined;
  if (what) return `${what}${e?.path ? `: ${e.path}` : ""} (${e?.syscall ?? "file system"})`;
  const message = error instanceof Error ? error.message : "";
  const match = ENGINE_IO.exec(message);
  if (match) return `${match[0].toLowerCase()}: ${message.split("\n")[0]}`;
  return null;
}
