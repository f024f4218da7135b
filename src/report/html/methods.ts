/** The methods note: every definition in the report's own words (a reader has no spec), and this run's choices. */
import { formatNumber, type MessageKey, tMaybe } from "../../i18n/index.ts";
import type { MetricsResult } from "../../metrics/result.ts";
import type { RunContext } from "../../presentation.ts";
import { attributionName, fmtWindow, tr } from "./format.ts";
import { type Html, html } from "./html.ts";
import { TRUST_TABLES, trustMethods } from "./methods-trust.ts";

/** Term and definition keys, in the order a reader meets the numbers. */
const DEFINITIONS: readonly [term: MessageKey, text: MessageKey][] = [
  ["report.kpi.users", "report.def.users"],
  ["report.kpi.buyers", "report.def.buyers"],
  ["report.kpi.conversionRate", "report.def.conversion"],
  ["report.def.activityTerm", "report.def.activity"],
  ["report.kpi.sticky", "report.def.sticky"],
  ["report.kpi.asl", "report.def.asl"],
  ["report.sub.retention", "report.def.retention"],
  ["report.def.ltvTerm", "report.def.ltv"],
  ["report.def.cacTerm", "report.def.cac"],
  ["report.def.romiTerm", "report.def.romi"],
  ["report.sub.payback", "report.def.payback"],
];

/** Definitions, then the choices of this run (all from the run context). */
export function methodsBody(v: RunContext, csvTables: readonly string[] = [], m?: MetricsResult): Html {
  const trust = trustMethods(v, m);
  const tables = trust ? [...csvTables, ...TRUST_TABLES] : csvTables;
  const defs = DEFINITIONS.map(([term, text]) => html`<dt>${tr(v, term)}</dt><dd>${tr(v, text)}</dd>`);
  const model = tMaybe(v.lang, `report.choice.attribution.${v.attribution}`, "");
  const choices: string[] = [
    tr(v, "report.choice.horizon"),
    model || tr(v, "report.choice.attributionOther", { model: attributionName(v, v.attribution) }),
  ];
  choices.push(
    tr(v, v.margin === 1 ? "report.choice.marginDefault" : "report.choice.margin", {
      margin: formatNumber(v.lang, v.margin, 2),
    }),
    tr(v, `report.choice.grain.${v.cohortGrain}`),
    tr(v, "report.choice.window", { window: fmtWindow(v, v.from, v.to) }),
  );
  choices.push(tr(v, "report.choice.partial"), tr(v, "report.choice.unobserved"), tr(v, "report.choice.cac"));
  return html`<p>${tr(v, "report.methods.intro")}</p>
<h3>${tr(v, "report.methods.choices")}</h3><ul>${choices.map((x) => html`<li>${x}</li>`)}</ul>
<h3>${tr(v, "report.methods.definitions")}</h3><dl class="methods">${defs}</dl>${trust ?? ""}${
    tables.length > 0
      ? html`<h3>${tr(v, "report.methods.tables")}</h3><p class="csv-links">${tables.map(
          (name) => html`<a href="tables/${name}.csv"><code>${name}.csv</code></a> `,
        )}</p>`
      : ""
  }`;
}
