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
