/** `GET /api/filters`: what the dashboard's controls offer, and the defaults an empty query means. */
import { LANGS } from "../i18n/index.ts";
import { ATTRIBUTIONS, COHORT_GRAINS, DEFAULT_OPTIONS } from "../metrics/options.ts";
import type { Dataset } from "./dataset.ts";

export interface FilterChoices {
  sources: readonly string[];
  devices: readonly string[];
  /** The default window, `to` exclusive. */
  window: { from: string; to: string };
  currency: string;
  attributions: readonly string[];
  grains: readonly string[];
  langs: readonly string[];
  horizon: { min: number; max: number };
  defaults: { attribution: string; horizon: number; grain: string; margin: number };
}

export function filterChoices(dataset: Dataset): FilterChoices {
  const { catalog, dataQuality } = dataset;
  return {
    sources: catalog.sources,
    devices: catalog.devices,
    window: { from: dataQuality.window.from, to: dataQuality.window.to },
    currency: catalog.currency,
    attributions: ATTRIBUTIONS,
    grains: COHORT_GRAINS,
    langs: LANGS,
    horizon: { min: 1, max: 36 },
    defaults: {
      attribution: DEFAULT_OPTIONS.attribution,
      horizon: DEFAULT_OPTIONS.horizon,
      grain: DEFAULT_OPTIONS.cohortGrain,
      margin: DEFAULT_OPTIONS.margin,
    },
  };
}
