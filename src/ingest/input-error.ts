import type { DataQualityReport } from "./quality.ts";

/**
 * A fatal problem with an input: the analysis cannot go on. Its message is one line naming the
 * file (and column or line where known) and what was expected; the CLI prints it and exits 2.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/**
 * Every row of a table was rejected: nothing can be analysed, but the audit (and its quarantine) is
 * what the user needs to see, so it travels with the error.
 */
export class RejectedInputError extends InputError {
  constructor(
    message: string,
    readonly report: DataQualityReport,
  ) {
    super(message);
    this.name = "RejectedInputError";
  }
}
