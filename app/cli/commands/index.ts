/**
 * The registry of CLI commands: command name → its module, loaded lazily so that one command does
 * not pay for every other command's dependencies (constructions, mathjs, vega, Dawn). A module may
 * register several commands (claims.ts registers `claims` and `counterexample`).
 */
import type { Command } from "commander";

export type RegisterCommand = (program: Command) => void;
type Loader = () => Promise<{ register: RegisterCommand }>;

export const COMMAND_MODULES: Record<string, Loader> = {
  rank: () => import("./rank.ts"),
  kruskal: () => import("./kruskal.ts"),
  construct: () => import("./construct.ts"),
  bounds: () => import("./bounds.ts"),
  check: () => import("./check.ts"),
  claims: () => import("./claims.ts"),
  counterexample: () => import("./claims.ts"),
  assumptions: () => import("./assumptions.ts"),
  train: () => import("./train.ts"),
  import: () => import("./import.ts"),
  capacity: () => import("./capacity.ts"),
  crosscheck: () => import("./crosscheck.ts"),
  report: () => import("./report.ts"),
  export: () => import("./export.ts"),
};

/** The modules to load for this command line: the named command's only, or all (help, unknown names). */
export async function loadCommands(argv: string[]): Promise<RegisterCommand[]> {
  const name = argv.slice(2).find((a) => !a.startsWith("-"));
  const loaders = name && COMMAND_MODULES[name] ? [COMMAND_MODULES[name]] : [...new Set(Object.values(COMMAND_MODULES))];
  const mods = await Promise.all(loaders.map((l) => l()));
  return [...new Set(mods.map((m) => m.register))];
}
