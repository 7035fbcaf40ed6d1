/** The registry of CLI commands: one line per command module. */
import type { Command } from "commander";
import { register as train } from "./train.ts";

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  train,
];
