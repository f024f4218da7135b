/**
 * Taking numbers out of the dashboard: every table as CSV (the tidy by-source and by-device tables
 * exactly as `report` writes them to tables/*.csv, other tables as shown), every chart as SVG or PNG.
 * All of it is made in the page: no request leaves it.
 */
import { t } from "../i18n/index.ts";
import type { Tables } from "../metrics/tables.ts";
import type { Presentation } from "../presentation.ts";
import { csvCell, TABLE_COLUMNS, toCsv } from "../report/csv-tables.ts";

/** Tables of the page whose rows are a tidy table of the analysis, by their position's class. */
const TIDY: Record<string, keyof Tables> = { "by-source": "by_source", "by-device": "by_device" };

function download(name: string, href: string): void {
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

function downloadText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  download(name, url);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A table as it reads on the page, as CSV (header row first). */
export function tableCsv(table: HTMLTableElement): string {
  const rows = [...table.querySelectorAll("tr")].map((tr) =>
    [...tr.querySelectorAll("th, td")].map((c) => csvCell((c.textContent ?? "").trim())).join(","),
  );
  return `${rows.join("\n")}\n`;
}

/** Adds a CSV button under every table of `root`; the by-source and by-device ones give tidy rows. */
export function addTableExports(root: HTMLElement, p: Presentation): void {
  const { lang } = p.context;
  root.querySelectorAll<HTMLElement>(".table-wrap").forEach((wrap, i) => {
    const table = wrap.querySelector("table");
    if (!table) return;
    const tidy = Object.entries(TIDY).find(([cls]) => wrap.closest(`.${cls}`))?.[1];
    const name = tidy ?? wrap.closest("section")?.id ?? `table-${i + 1}`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "export";
    button.textContent = t(lang, "dash.export.csv");
    button.addEventListener("click", () => {
      const text = tidy
        ? toCsv(p.analysis.metrics.tables[tidy] as unknown as Record<string, string>[], TABLE_COLUMNS[tidy])
        : tableCsv(table);
      downloadText(`${name}.csv`, text, "text/csv;charset=utf-8");
    });
    wrap.after(button);
  });
}

/** The SVG and PNG buttons of one drawn figure. */
export function addFigureExports(
  figure: HTMLElement,
  name: string,
  lang: Presentation["context"]["lang"],
  view: { toSVG(): Promise<string>; toImageURL(type: string, scale?: number): Promise<string> },
): void {
  const bar = document.createElement("div");
  bar.className = "fig-export";
  const add = (label: string, run: () => Promise<void>) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "export";
    b.textContent = label;
    b.addEventListener("click", () => void run());
    bar.append(b);
  };
  add(t(lang, "dash.export.svg"), async () =>
    downloadText(`${name}.svg`, await view.toSVG(), "image/svg+xml;charset=utf-8"),
  );
  add(t(lang, "dash.export.png"), async () => download(`${name}.png`, await view.toImageURL("png", 2)));
  figure.append(bar);
}
