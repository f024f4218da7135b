import { QueryError } from "../engine/query-error.ts";
import { InputError } from "../ingest/input-error.ts";
import { OptionsError } from "../metrics/options.ts";

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
  if (error instanceof InputError || error instanceof UsageError || error instanceof OptionsError) {
    process.stderr.write(`channelscope: ${error.message}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  const kind = error instanceof QueryError ? "query failed" : "internal error";
  process.stderr.write(`channelscope: ${kind}: ${message}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write("(set CHANNELSCOPE_DEBUG=1 for details, and please report it)\n");
  return 1;
}
