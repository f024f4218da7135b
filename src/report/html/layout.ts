/** The page around the sections: head with the inline style sheet, the report header, contents, footer. */

import type { RunContext } from "../../presentation.ts";
import { REPORT_CSS } from "./css.ts";
import { attributionName, fmtWindow, tr } from "./format.ts";
import { type Html, html, join, trusted } from "./html.ts";

export interface HeaderInfo {
  inputs: readonly string[];
  window: { from: string; to: string };
}

/** Title, the run's settings, and links to the sections present (hidden in print). */
export function reportHeader(
  v: RunContext,
  h: HeaderInfo,
  marginText: string | null,
  toc: readonly { id: string; title: string }[],
): Html {
  const rows: [string, Html | string][] = [
    [tr(v, "report.period"), fmtWindow(v, h.window.from, h.window.to)],
    [
      tr(v, "report.inputs"),
      join(
        h.inputs.map((p) => html`<code>${p}</code>`),
        " ",
      ),
    ],
    [tr(v, "report.attribution"), attributionName(v, v.attribution)],
    [tr(v, "report.horizon"), tr(v, "report.horizonValue")],
  ];
  if (marginText !== null) rows.push([tr(v, "report.margin"), marginText]);
  rows.push([tr(v, "report.currency"), v.currency]);
  return html`<header><p class="kicker">${tr(v, "report.kicker")}</p><h1>${tr(v, "report.title")}</h1>
<dl class="meta">${rows.map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`)}</dl>
<nav class="toc" aria-label="${tr(v, "report.contents")}">${join(
    toc.map((i) => html`<a href="#${i.id}">${i.title}</a>`),
    " ",
  )}</nav></header>\n`;
}

/** The whole document. `generated` goes to the footer when the caller supplies it. */
export function documentShell(v: RunContext, title: string, body: Html, generated: string | null): string {
  const footer = generated ? html`<footer>${tr(v, "report.generated", { when: generated })}</footer>` : "";
  return html`<!DOCTYPE html>
<html lang="${v.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="channelscope">
<title>${title}</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
<main>
${body}${footer}
</main>
</body>
</html>
`.text;
}
