/**
 * The report's only style sheet, inlined. System fonts only ('Liberation Sans' first: it is what the
 * figures are measured with), light backgrounds, and print rules that start each section on a new
 * page and never split a figure, a card or a table row.
 */
export const REPORT_CSS = `
:root {
  --ink: #1d2433; --muted: #5b6475; --line: #d9dee7; --soft: #f4f6f9; --accent: #2f5f98;
  --good: #1f7a4d; --bad: #b23a3a; --warn: #9a6a00;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 "Liberation Sans", -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  font-variant-numeric: tabular-nums;
}
main { max-width: 1100px; margin: 0 auto; padding: 32px 28px 64px; }
h1 { font-size: 30px; line-height: 1.2; margin: 4px 0 16px; }
h2 { font-size: 23px; margin: 0 0 14px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 17px; margin: 26px 0 10px; }
h4 { font-size: 15px; margin: 18px 0 4px; color: var(--muted); }
p { margin: 0 0 10px; }
code { font-family: "Liberation Mono", Menlo, Consolas, monospace; font-size: 0.9em;
  background: var(--soft); padding: 1px 4px; border-radius: 3px; overflow-wrap: break-word; }
section { margin-top: 44px; }
.kicker { color: var(--accent); font-weight: bold; text-transform: uppercase; letter-spacing: .06em;
  font-size: 13px; margin: 0; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.toc { margin: 18px 0 0; padding: 10px 0 0; border-top: 1px solid var(--line); font-size: 14px; }
.toc a { color: var(--accent); text-decoration: none; margin-right: 16px; white-space: nowrap; }
.note { color: var(--muted); font-size: 13.5px; }
.verdict-group { margin: 0 0 18px; padding: 12px 16px; border: 1px solid var(--line);
  border-left: 6px solid var(--muted); border-radius: 6px; }
.verdict-group h3 { margin: 0 0 8px; font-size: 16px; }
.verdict-scale { border-left-color: var(--good); }
.verdict-cut { border-left-color: var(--bad); }
.verdict-watch { border-left-color: var(--warn); }
.verdict-group ul.findings { margin: 0; padding-left: 20px; }
.findings > li { margin: 0 0 8px; }
.evidence { display: flex; flex-wrap: wrap; gap: 4px 6px; list-style: none; margin: 4px 0 0; padding: 0; }
.evidence li { font-size: 12.5px; background: var(--soft); border: 1px solid var(--line);
  border-radius: 10px; padding: 0 8px; white-space: nowrap; }
.evidence b { font-weight: normal; color: var(--muted); }
.ci { font-size: 12px; color: var(--muted); white-space: nowrap; }
.card .ci { font-size: 12.5px; color: var(--ink); margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--soft);
  border-top: 4px solid var(--accent); }
.card .label { color: var(--muted); font-size: 13px; margin: 0; }
.card .value { font-size: 25px; font-weight: bold; margin: 2px 0; white-space: nowrap; }
.card .sub { font-size: 12.5px; color: var(--muted); margin: 0; }
.card.good { border-top-color: var(--good); }
.card.bad { border-top-color: var(--bad); }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 8px 24px;
  margin: 0 0 8px; }
.facts div { border-bottom: 1px dotted var(--line); padding: 4px 0; display: flex;
  justify-content: space-between; gap: 12px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: bold; white-space: nowrap; }
figure.fig { margin: 6px 0 26px; text-align: center; overflow-x: auto; }
figure.fig svg { max-width: 100%; height: auto; }
/* On screen a figure shrinks with the page only down to 10-px text (--min-width, set per figure from
   its font sizes), then scrolls; on paper it always fits the page. */
@media screen { figure.fig svg { min-width: var(--min-width, 0); } }
/* A figure drawn up to three times (figures.ts), each shown where it fits at its drawn size: the
   phone's drawing up to 780 px, the natural one (about 720 px) between that and the full column and
   on paper, the full column's from 1,100 px on. */
figure.fig > svg[data-fit="wide"], figure.fig > svg[data-fit="narrow"] { display: none; }
@media screen and (min-width: 1100px) {
  figure.has-wide > svg[data-fit="wide"] { display: inline; }
  figure.has-wide > svg[data-fit="natural"] { display: none; }
}
@media screen and (max-width: 780px) {
  figure.has-narrow > svg[data-fit="narrow"] { display: inline; }
  figure.has-narrow > svg[data-fit="natural"], figure.has-narrow > svg[data-fit="wide"] { display: none; }
}
.table-wrap { overflow-x: auto; margin: 8px 0 10px; }
table { border-collapse: collapse; font-size: 14px; min-width: 50%; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: bold; border-bottom: 2px solid var(--line); }
td.num, th.num { text-align: right; }
/* Values never break; a heading may, so a wide table (Sources in numbers) still fits a column. */
td.num { white-space: nowrap; }
tr.flag td { background: #fff6e0; }
ul.summary { font-size: 16px; margin: 12px 0 0; padding-left: 20px; }
/* Before ul.summary li: lower specificity first (the cascade is the same either way). */
.basis li { margin: 0 0 2px; }
ul.summary li { margin: 0 0 6px; }
.table-wrap tfoot td { border-top: 2px solid var(--line); border-bottom: none; font-weight: bold; }
/* On a narrow screen a wide table scrolls sideways with its first column (the source) kept in view. */
.table-wrap th:first-child, .table-wrap td:first-child { position: sticky; left: 0; background: #ffffff; }
.table-wrap th:first-child { background: var(--soft); }
.basis { margin: 0 0 10px; }
.basis ul { margin: 2px 0 0; padding-left: 18px; }
.good-text { color: var(--good); }
.bad-text { color: var(--bad); }
.methods dt { font-weight: bold; margin-top: 8px; }
.methods dd { margin: 0 0 4px 0; }
footer { margin-top: 48px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted);
  font-size: 13px; }
@media (max-width: 640px) {
  main { padding: 20px 14px 40px; }
  .card .value { font-size: 21px; }
  table { font-size: 13px; }
  th, td { padding: 4px 7px; }
  .meta { grid-template-columns: 1fr; }
  .meta dt { margin-top: 6px; }
}
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .toc { display: none; }
  /* Only the three figure sections start a page: the verdict and key numbers share page 1, and the
     short tables flow after the figures instead of standing alone on a page. */
  section { margin-top: 28px; break-before: auto; }
  #product, #sales, #marketing { margin-top: 0; break-before: page; }
  .cards, .table-wrap, .csv-links { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  figure.fig, .card, .keep, .verdict-group > h3, .findings > li, tr, .facts div { break-inside: avoid; }
  figure.fig { margin: 10px 0 16px; overflow: visible; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  .card, th, code, .evidence li { background: #fff; }
  tr.flag td { background: #fff; font-style: italic; }
  /* A footnote: at the body's 11 pt it pushed the English report's by-source tables onto a 16th page. */
  .basis { font-size: 9pt; }
}
`;
