/** A failed statement: the engine's message plus the SQL that caused it, for diagnosis. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly sql: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "QueryError";
  }
}
