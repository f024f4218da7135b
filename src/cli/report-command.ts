import {
  ENGINE_FLAGS,
  ENGINE_HELP,
  type EngineFlags,
  openChosenEngine,
  scanningEngine,
} from "./engine-option.ts";
import { UsageError } from "./errors.ts";
import { INPUT_FLAGS, type InputFlags, inputPaths, METRICS_MEMORY_LIMIT, resolveInputs } from "./inputs.ts";
import { startProgress } from "./progress.ts";

export const reportFlags = {
  ...INPUT_FLAGS,
  ...ENGINE_FLAGS,
  out: { type: "string" },
  horizon: { type: "string" },
  margin: { type: "string" },
  budget: { type: "string" },
  bounds: { type: "string" },
  attribution: { type: "string" },
  "cohort-grain": { type: "string" },
  currency: { type: "string" },
  confidence: { type: "string" },
  "forecast-model": { type: "string" },
  lang: { type: "string" },
  "no-figures": { type: "boolean" },
  png: { type: "boolean" },
  timings: { type: "boolean" },
} as const;

export const reportHelp = `channelscope report --visits V --orders O --costs C --out DIR
    [--from YYYY-MM-DD --to YYYY-MM-DD] [--horizon 6] [--margin 1] [--attribution first-touch|last-touch|linear]
    [--cohort-grain month|week] [--currency USD] [--confidence 0.9] [--lang en|ru] [--no-figures] [--png]
    [--forecast-model power|buyer] [--timings] [--budget AMOUNT_PER_MONTH] [--bounds 0.3]
${ENGINE_HELP}
  Computes every metric and writes DIR/index.html, DIR/metrics.json, DIR/tables/*.csv,
  DIR/figures/*.svg (and *.png with --png) and DIR/quarantine.csv (when rows were rejected);
  prints a summary.
  --timings prints each phase's wall time and CPU time to stderr (used by npm run bench); the budget
  plan is fitted on its own thread (its curves from before the trust numbers, the rest while the
  tables and figures are written), so "budget" is the wall time from the end of the metrics to the
  plan, overlapping write+figures, and their CPU time is one figure (write+figures+budget).
  --budget: monthly budget the plan allocates (default today's); --bounds: how far each source's
  spend may move, as a share of today's (default 0.3 = ±30 %).`;

type ReportFlags = InputFlags &
  EngineFlags & {
    out?: string;
    horizon?: string;
    margin?: string;
    budget?: string;
    bounds?: string;
    attribution?: string;
    "cohort-grain"?: string;
    currency?: string;
    confidence?: string;
    "forecast-model"?: string;
    lang?: string;
    "no-figures"?: boolean;
    png?: boolean;
    timings?: boolean;
  };

const OPTION_KEYS = [
  "horizon",
  "margin",
  "attribution",
  "cohortGrain",
  "currency",
  "confidence",
  "forecastModel",
  "from",
  "to",
  "budget",
  "bounds",
] as const;

export async function reportCommand(flags: ReportFlags): Promise<number> {
  if (!flags.out) throw new UsageError("missing --out DIR (where to write the report)");
  const lang = parseLang(flags.lang);
  const inputs = resolveInputs(flags, ["visits", "orders", "costs"]);
  const fromConfig = Object.fromEntries(
    OPTION_KEYS.filter((k) => k in inputs.config).map((k) => [k, inputs.config[k]]),
  );
  const fromFlags = {
    horizon: flags.horizon,
    margin: flags.margin,
    budget: flags.budget,
    bounds: flags.bounds,
    attribution: flags.attribution,
    cohortGrain: flags["cohort-grain"],
    currency: flags.currency,
    confidence: flags.confidence,
    forecastModel: flags["forecast-model"],
    from: flags.from,
    to: flags.to,
  };
  const raw = {
    ...fromConfig,
    ...Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined)),
    lang,
  };

  const { analyzeInStages } = await import("../analyze.ts");
  const { prepareReportDir, writeReport } = await import("../report/write-report.ts");
  // Before the computation: a report that cannot be saved, or that would replace an input, stops here.
  prepareReportDir(
    flags.out,
    inputPaths(inputs, flags).map((p) => p.path),
  );
  const { terminalSummary } = await import("../report/terminal-summary.ts");
  // The figure threads and the plan's thread start first and load their modules while DuckDB's
  // native module loads (~0.2 s) and the files are ingested.
  const figurePool = flags["no-figures"]
    ? undefined
    : new (await import("../charts/render-pool.ts")).RenderPool();
  const planThread = new (await import("../budget/plan-thread.ts")).PlanThread();
  const closeThreads = () => Promise.all([figurePool?.close(), planThread.close()]);
  const engine = await openChosenEngine(flags, inputs.sources, inputs.config).catch(async (error) => {
    await closeThreads();
    throw error;
  });
  // A live line on a terminal only; CI logs, pipes and the bench get the summary alone.
  const scanner = scanningEngine(engine);
  const progress = startProgress(scanner);
  try {
    if (progress.active) await scanner?.trackProgress();
    progress.step("ingest");
    // CPU time of the whole process (DuckDB's, the plan's and the figure workers' threads included)
    // beside wall time: on a shared machine wall time measures the neighbours too, CPU time mostly our
    // own work. The plan runs beside the writing (its "budget" wall time overlaps "write+figures"), so
    // the CPU after the metrics is one figure for both.
    let cpuMark = process.cpuUsage();
    const stderrLine = (line: string) => {
      if (flags.timings) process.stderr.write(`${line}\n`);
    };
    const timing = (phase: string, ms: number) => {
      stderrLine(`timing ${phase} ${ms.toFixed(0)} ms`);
      if (phase === "budget") return;
      const cpu = process.cpuUsage(cpuMark);
      cpuMark = process.cpuUsage();
      stderrLine(
        `cpu ${phase === "write+figures" || phase === "write" ? `${phase}+budget` : phase} ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`,
      );
    };
    const metricsMemoryLimit = flags["memory-limit"] ?? METRICS_MEMORY_LIMIT;
    const staged = await analyzeInStages(
      engine,
      inputs.sources,
      {
        ...raw,
        tables: inputs.tables,
        metricsMemoryLimit,
        onPhase: (phase, ms) => {
          if (phase === "ingest") progress.step("metrics");
          else if (phase === "metrics") progress.end();
          timing(phase, ms);
        },
      },
      async (metrics, settings) => (await planThread.fit(metrics, settings)).plan,
      (daily) => planThread.curvesAhead(daily),
    );
    const started = performance.now();
    const written = await writeReport(staged, engine, flags.out, {
      lang,
      visuals: !flags["no-figures"],
      png: flags.png ? {} : false,
      onStep: (step) => (step === "figures" ? progress.step(step) : progress.end()),
      onFigure: (done, total) => progress.count(done, total),
      figurePool,
    });
    progress.end();
    timing(flags["no-figures"] ? "write" : "write+figures", performance.now() - started);
    const analysis = await staged.complete;
    process.stdout.write(
      `${terminalSummary(analysis, lang, { html: written.html, out: written.metricsJson })}\n`,
    );
    return 0;
  } finally {
    progress.end();
    await closeThreads();
    await engine.close();
  }
}

function parseLang(raw: string | undefined): "en" | "ru" {
  if (raw === undefined || raw === "en" || raw === "ru") return raw ?? "en";
  throw new UsageError(`invalid lang: "${raw}" (expected en or ru)`);
}
