/**
 * Work cancelled because the server is closing: its request queue emptied, its trust and plan threads
 * stopped. Answered 503 like a time limit and not logged as a failure: nothing went wrong, and the
 * server that would answer a retry is going away (a dashboard open while serve is stopped would
 * otherwise print "request failed" for every plan or slice it was waiting for).
 */
export class ServerStopping extends Error {
  constructor(what: "analysis" | "trust numbers" | "budget plan") {
    super(`the server is stopping: ${what} cancelled`);
    this.name = "ServerStopping";
  }
}
