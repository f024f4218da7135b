import { parseArgs } from "node:util";
import { checkCommand, checkFlags, checkHelp } from "./check-command.ts";
import { demoCommand, demoFlags, demoHelp } from "./demo-command.ts";
import { reportFailure, UsageError } from "./errors.ts";
import { generateCommand, generateFlags, generateHelp } from "./generate-command.ts";
import { reportCommand, reportFlags, reportHelp } from "./report-command.ts";
import { serveCommand, serveFlags, serveHelp } from "./serve-command.ts";

interface Command {
  help: string;
  flags: Record<string, { type: "string" | "boolean"; multiple?: boolean }>;
  run: (flags: Record<string, unknown>) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  demo: { help: demoHelp, flags: demoFlags, run: (f) => demoCommand(f) },
  report: { help: reportHelp, flags: reportFlags, run: (f) => reportCommand(f) },
  check: { help: checkHelp, flags: checkFlags, run: (f) => checkCommand(f) },
  generate: { help: generateHelp, flags: generateFlags, run: (f) => generateCommand(f) },
  serve: { help: serveHelp, flags: serveFlags, run: (f) => serveCommand(f) },
};

function usage(): string {
  const commands = Object.values(COMMANDS)
    .map((c) => c.help)
    .join("\n\n");
  return `channelscope: which traffic sources pay off.\n\n${commands}\n\nSee README.md for formats, column mapping and the config file.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command)
    throw new UsageError(`unknown command "${name}" (expected ${Object.keys(COMMANDS).join(", ")})`);
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
