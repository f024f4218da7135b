/*
 * Attribution maps each buyer to source(s) and device(s) under a model (first-touch, last-touch,
 * linear); the weights of every model are built once per dataset in cube-data.ts, over the sessions that
 * start at or before the buyer's first order, and summed per window in cube-window.ts.
 */

/** Name under which buyers without a qualifying session are reported. */
export const UNATTRIBUTED = "unattributed";
