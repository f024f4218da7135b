/**
 * How the figures of the page open in `page` sit on the screen: the width of each figure's box and of
 * its drawing, and the smallest text it shows in CSS px (font size times the drawing's scale).
 */
import type { Page } from "playwright-core";

export interface FigureFit {
  name: string;
  box: number;
  drawn: number;
  /** The width it was drawn for (the SVG's own). */
  natural: number;
  minText: number;
}

export function figureFits(page: Page): Promise<FigureFit[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("figure.fig")].flatMap((f) => {
      const svg = f.querySelector("svg");
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
        },
      ];
    }),
  );
}
