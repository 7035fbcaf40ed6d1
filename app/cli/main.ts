/**
 * memcap's command line. Each command lives in app/cli/commands/<name>.ts and exports
 * `register(program)`; this file only wires them and owns the single error path:
 * a UserError (or a commander usage error) prints one line on stderr and exits non-zero,
 * anything else is a bug and prints its stack.
 */
import { Command, CommanderError } from "commander";
import { UserError } from "../../src/errors.ts";
import { keptOnInterrupt, removeTemporaries } from "../../src/io/output.ts";
import { loadCommands, type RegisterCommand } from "./commands/index.ts";
import { setInvocation } from "./output.ts";
import { version } from "./help.mjs";

export function buildProgram(commands: RegisterCommand[]): Command {
  const program = new Command();
  program
    .name("memcap")
    .description("Memorization-capacity theorems for Transformers: build, certify, check, train, compare.")
    .version(version())
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(`memcap: ${s.replace(/^error: /, "")}`) });
  for (const register of commands) register(program);
  program.hook("preAction", (_root, action) => {
    const path: string[] = [];
    for (let c: Command | null = action; c && c !== program; c = c.parent) path.unshift(c.name());
    setInvocation({ command: path.join(" "), inputs: { ...action.opts(), ...(action.args.length ? { args: action.args } : {}) } });
  });
  const configure = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(`memcap: ${s.replace(/^error: /, "")}`) });
    c.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

/** Exit code of an interrupted run (SIGINT or SIGTERM), as documented in the README's exit-code table. */
export const EXIT_INTERRUPTED = 130;

function onInterrupt(signal: NodeJS.Signals): void {
  removeTemporaries();
  const kept = keptOnInterrupt();
  process.stderr.write(`\nmemcap: interrupted (${signal}); ${kept.length ? `kept ${kept.join(", ")}` : "no partial output was kept"}\n`);
  process.exit(EXIT_INTERRUPTED);
}

/**
 * The shared vocabulary (README, "One vocabulary"): the papers' symbols --N (sequences; the vocabulary in
 * Dana et al.'s own notation), --vocab, --n (sequence length), --d, --dh, --H (heads), --T (examples) are
 * accepted by every command that has the quantity, next to the command's older spelling.
 */
export const SPELLINGS: Record<string, Record<string, string>> = {
  train: { "--H": "--heads", "--n": "--seq-len", "--T": "--examples" },
  "construct aot": { "--vocab": "--N", "--n": "--S" },
  "construct dana": { "--vocab": "--N", "--n": "--S" },
  "construct aot-distribution": { "--vocab": "--N", "--n": "--S" },
  "construct dana-distribution": { "--vocab": "--N", "--n": "--S" },
  "bounds dana": { "--vocab": "--N", "--n": "--S" },
  "bounds aot": { "--vocab": "--N", "--n": "--S" },
};

/** Rewrites the shared spellings to the command's own flag names (`--H 4` → `--heads 4` for train). */
export function normalizeSpellings(argv: string[]): string[] {
  const args = argv.slice(2);
  const words = args.filter((a) => !a.startsWith("-"));
  const key = [words.slice(0, 2).join(" "), words[0] ?? ""].find((k) => SPELLINGS[k]);
  if (!key) return argv;
  const table = SPELLINGS[key]!;
  return [
    ...argv.slice(0, 2),
    ...args.map((a) => {
      const [flag, ...value] = a.split("=");
      const to = table[flag!];
      return to ? [to, ...value].join("=") : a;
    }),
  ];
}

/**
 * Commands whose long phases return to the event loop (worker threads, awaited training steps): they take
 * SIGINT/SIGTERM with one line saying what was kept. Every other command keeps Node's default, so that an
 * interrupt stops it at once even inside a long exact computation (a JavaScript handler would run only
 * when that computation ends); its outputs are written atomically, so nothing half-written is left.
 */
const INTERRUPT_LINE = new Set(["report", "train", "capacity", "crosscheck"]);

export async function main(rawArgv: string[]): Promise<void> {
  const argv = normalizeSpellings(rawArgv);
  const top = argv.slice(2).find((a) => !a.startsWith("-"));
  if (top && INTERRUPT_LINE.has(top)) {
    process.once("SIGINT", onInterrupt);
    process.once("SIGTERM", onInterrupt);
  }
  try {
    const program = buildProgram(await loadCommands(argv));
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = exitCodeFor(e);
  }
}

function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) {
    // help and version are "errors" to commander; they already printed what they had to
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    return 2; // commander printed its one-line message already
  }
  if (e instanceof UserError) {
    process.stderr.write(`memcap: ${e.message.replace(/\s*\n\s*/g, " ")}\n`);
    return e.exitCode;
  }
  process.stderr.write(`memcap: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  return 70;
}
