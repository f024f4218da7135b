/**
 * A tiny safe-by-default HTML builder: every value interpolated into `html\`...\`` is escaped unless it
 * is itself `Html` (built by `html` or marked with `trusted`). Data (ids, file names, finding text)
 * therefore cannot inject markup unless someone deliberately calls `trusted` on it.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Child = Html | string | number | null | undefined | false | readonly Child[];

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** `s` with the five HTML-special characters escaped: safe as element text and in quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: Child): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Child[]): Html {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** Markup produced by our own code (CSS, rendered SVG); never pass data through this. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** Children joined with `sep` (itself escaped unless `Html`). */
export function join(items: readonly Child[], sep: Child = ""): Html {
  return new Html(items.map(render).join(render(sep)));
}
