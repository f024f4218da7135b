import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { reportFailure, UsageError } from "./errors.ts";
import { commandHelp } from "./flag-help.ts";
import { nearestName, unknownOptionMessage } from "./suggest.ts";

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
  return `channelscope: which traffic sources pay off.\n\n${commands.join("\n\n")}\n\n  channelscope --version\n\n\`channelscope COMMAND --help\` lists every flag of a command. See README.md for formats, column\nmapping and the config file.\n`;
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
  if (!load) {
    const guess = nearestName(name, Object.keys(COMMANDS));
    throw new UsageError(
      `unknown command "${name}" (expected ${Object.keys(COMMANDS).join(", ")})${guess ? `. Did you mean ${guess}?` : ""}`,
    );
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${commandHelp(name, command.help, command.flags)}\n`);
    return 0;
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: rest, options: command.flags, strict: true, allowPositionals: false }));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    // Node names the option in quotes; we add the nearest known flag, if one is near enough.
    const option = /^Unknown option '([^']+)'/.exec(e.message)?.[1];
    if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option)
      throw new UsageError(`${name}: ${unknownOptionMessage(option, Object.keys(command.flags))}`);
    throw new UsageError(`${name}: ${e.message.split("\n")[0]}`);
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
