import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { reportFailure, UsageError } from "./errors.ts";

interface Command {
  help: string;
  flags: Record<string, { type: "string" | "boolean"; multiple?: boolean }>;
  run: (flags: Record<string, unknown>) => Promise<number>;
}

// Each command's module is imported only when that command (or the full help) is asked for, so
// `channelscope generate` never loads the report's figure stack and `--help` loads almost nothing.
const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: async () => {
    const m = await import("./demo-command.ts");
    return { help: m.demoHelp, flags: m.demoFlags, run: (f) => m.demoCommand(f) };
  },
  report: async () => {
    const m = await import("./report-command.ts");
    return { help: m.reportHelp, flags: m.reportFlags, run: (f) => m.reportCommand(f) };
  },
  check: async () => {
    const m = await import("./check-command.ts");
    return { help: m.checkHelp, flags: m.checkFlags, run: (f) => m.checkCommand(f) };
  },
  generate: async () => {
    const m = await import("./generate-command.ts");
    return { help: m.generateHelp, flags: m.generateFlags, run: (f) => m.generateCommand(f) };
  },
  serve: async () => {
    const m = await import("./serve-command.ts");
    return { help: m.serveHelp, flags: m.serveFlags, run: (f) => m.serveCommand(f) };
  },
  backtest: async () => {
    const m = await import("./backtest-command.ts");
    return { help: m.backtestHelp, flags: m.backtestFlags, run: (f) => m.backtestCommand(f) };
  },
};

async function usage(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).help));
  return `channelscope: which traffic sources pay off.\n\n${commands.join("\n\n")}\n\n  channelscope --version\n\nSee README.md for formats, column mapping and the config file.\n`;
}

/** The package's version; src/cli/ and dist/cli/ both sit two levels below package.json. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return String(pkg.version);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(await usage());
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new UsageError(`unknown command "${name}" (expected ${Object.keys(COMMANDS).join(", ")})`);
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: rest, options: command.flags, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${name}: ${(error as Error).message.split("\n")[0]}`);
  }
  return command.run(values);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.exitCode = reportFailure(error);
  },
);
