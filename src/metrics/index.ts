/** The metric engine's public surface, for src/index.ts, the CLI and the server. */
export { UNATTRIBUTED } from "./attribution.ts";
export { TOO_FEW_BUYERS } from "./by-source.ts";
export { computeAllModels, computeMetrics } from "./compute.ts";
export { type AcquisitionFilter, buildCube, type Cube, clampWindow, dropCube, sliceCube } from "./cube.ts";
export {
  type AnalysisOptions,
  ATTRIBUTIONS,
  COHORT_GRAINS,
  type DataBounds,
  DEFAULT_OPTIONS,
  normalizeOptions,
  OptionsError,
  readDataBounds,
} from "./options.ts";
export type * from "./result.ts";
export * from "./tables.ts";
