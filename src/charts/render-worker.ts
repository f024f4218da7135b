/**
 * One figure renderer thread (see render-pool.ts): receives Vega-Lite specs, answers with the SVG and,
 * when asked, the PNG. Vega's module state (text-metrics hook, SVG id counters) is per thread, and
 * renderSvg resets the counters for every figure, so a figure's bytes do not depend on the thread.
 */
import { parentPort } from "node:worker_threads";
import { type PngOptions, renderPng, renderSvg } from "./render.ts";
import type { VegaLiteSpec } from "./types.ts";

export interface RenderRequest {
  id: number;
  spec: VegaLiteSpec;
  png: PngOptions | false;
}

export type RenderReply =
  | { id: number; svg: string; png: Uint8Array | null }
  | { id: number; error: string; stack?: string };

const port = parentPort;
if (!port) throw new Error("render-worker.ts runs as a worker thread (see render-pool.ts)");

port.on("message", async ({ id, spec, png }: RenderRequest) => {
  try {
    const svg = await renderSvg(spec);
    const raster = png === false ? null : renderPng(svg, png);
    const reply: RenderReply = { id, svg, png: raster };
    port.postMessage(reply);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ id, error: e.message, stack: e.stack } satisfies RenderReply);
  }
});
