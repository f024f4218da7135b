/**
 * How the figures of the page open in `page` sit on the screen: the width of each figure's box and of
 * its drawing, and the smallest text it shows in CSS px (font size times the drawing's scale). A
 * report figure drawn for several widths is measured by the drawing the page shows.
 */
import type { Page } from "playwright-core";

export interface FigureFit {
  name: string;
  box: number;
  drawn: number;
  /** The width it was drawn for (the SVG's own). */
  natural: number;
  minText: number;
  /** Which of a report figure's drawings is shown (`data-fit`), or null for the only one. */
  fit: string | null;
}

export function figureFits(page: Page): Promise<FigureFit[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("figure.fig")].flatMap((f) => {
      const drawings = [...f.querySelectorAll<SVGSVGElement>(":scope > svg[data-fit]")];
      const svg =
        drawings.length > 0
          ? drawings.find((s) => getComputedStyle(s).display !== "none")
          : f.querySelector("svg");
      if (!svg) return [];
      const drawn = svg.getBoundingClientRect().width;
      const natural = Number(svg.getAttribute("width"));
      const scale = drawn / natural;
      const sizes = [...svg.querySelectorAll("text")]
        .filter((t) => (t.textContent ?? "").trim() !== "")
        .map((t) => Number.parseFloat(getComputedStyle(t).fontSize) * scale);
      return [
        {
          name: f.dataset.figure ?? "",
          box: f.getBoundingClientRect().width,
          drawn,
          natural,
          minText: Math.min(...sizes),
          fit: svg.getAttribute("data-fit"),
        },
      ];
    }),
  );
}
