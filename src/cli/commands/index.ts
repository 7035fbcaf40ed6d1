/** The registry of CLI commands: one line per command module. */
import type { Command } from "commander";
import { register as rank } from "./rank.ts";
import { register as kruskal } from "./kruskal.ts";
import { register as construct } from "./construct.ts";
import { register as bounds } from "./bounds.ts";
import { register as check } from "./check.ts";
import { register as claims } from "./claims.ts";
import { register as assumptions } from "./assumptions.ts";
import { register as train } from "./train.ts";
import { register as report } from "./report.ts";

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [rank, kruskal, construct, bounds, check, claims, assumptions, train, report];
