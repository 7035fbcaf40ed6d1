/**
 * memcap's command line. Each command lives in src/cli/commands/<name>.ts and exports
 * `register(program)`; this file only wires them and owns the single error path:
 * a UserError (or a commander usage error) prints one line on stderr and exits non-zero,
 * anything else is a bug and prints its stack.
 */
import { Command, CommanderError } from "commander";
import { UserError } from "../../src/errors.ts";
import { loadCommands, type RegisterCommand } from "./commands/index.ts";
import { version } from "./help.mjs";

export function buildProgram(commands: RegisterCommand[]): Command {
  const program = new Command();
  program
    .name("memcap")
    .description("Memorization-capacity theorems for Transformers: build, certify, check, train, compare.")
    .version(version())
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of commands) register(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
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
