/**
 * Writes app/cli/help.txt, the top-level `memcap --help` that bin/memcap.mjs prints without starting
 * the TypeScript loader: commander's own text for every registered command, at 80 columns.
 * Run after adding or renaming a command: `npx tsx scripts/cli-help.ts` (a test fails until then).
 */
import { writeFileSync } from "node:fs";
import { buildProgram } from "../app/cli/main.ts";
import { loadCommands } from "../app/cli/commands/index.ts";

export async function topLevelHelp(): Promise<string> {
  const program = buildProgram(await loadCommands(["node", "memcap"]));
  program.configureOutput({ getOutHelpWidth: () => 80, getErrHelpWidth: () => 80 });
  return program.helpInformation();
}

if (process.argv[1]?.endsWith("scripts/cli-help.ts")) writeFileSync("app/cli/help.txt", await topLevelHelp());
