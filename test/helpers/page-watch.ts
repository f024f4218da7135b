/**
 * What a Chromium page did that a browser test checks afterwards: its uncaught errors and what it
 * logged as an error (and, when asked, as a warning), and every URL it requested. One collector for
 * the report and dashboard tests instead of a copy of the same three listeners in each.
 */
import type { Page } from "playwright-core";

export interface PageWatch {
  /** "page error: …", "error: …" or "warning: …", in order. */
  problems: string[];
  requests: string[];
}

export function watchPage(page: Page, opts: { warnings?: boolean; into?: PageWatch } = {}): PageWatch {
  const watch = opts.into ?? { problems: [], requests: [] };
  page.on("pageerror", (e) => watch.problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    const type = m.type();
    if (type === "error" || (opts.warnings && type === "warning"))
      watch.problems.push(`${type}: ${m.text()}`);
  });
  page.on("request", (r) => watch.requests.push(r.url()));
  return watch;
}
