/**
 * `memcap construct <kind>`: builds a paper's network as a real IR network, verifies it and (with --out)
 * writes a certificate for `memcap check`.
 *
 * HOW TO ADD A KIND (other constructions: mha, aot, aot-distribution, …): export a `ConstructionKind`
 * (name, one-line summary, `configure(cmd)` adding its options — include `--out` and `--json` — and
 * `run(opts)`) from your construction's folder, import it here and add it to `CONSTRUCTION_KINDS`.
 * That is the only edit this file needs; `memcap construct --help` lists every kind.
 *
 * @example
 *   memcap construct ks-next-token --N 200 --n 6 --d 4 --classes 3 --seed 7 --out ks.json
 */
import type { Command } from "commander";
import { checkOutput } from "../../../src/io/output.ts";
import { KS_KINDS } from "../constructions/kajitsuka-sato.ts";
import { AOT_KINDS } from "../constructions/dana.ts";
import { MHA_KIND } from "../constructions/mahdavi.ts";

export interface ConstructionKind {
  /** The subcommand name: `memcap construct <name>`. */
  name: string;
  /** Other names accepted for the subcommand (the paper's canonical name, src/papers.ts). */
  aliases?: string[];
  summary: string;
  /** Adds the kind's options to its subcommand and returns it. */
  configure(cmd: Command): Command;
  /** Runs with the parsed options (throw UserError for bad input; set process.exitCode for a failed verification). */
  run(opts: Record<string, unknown>): void | Promise<void>;
}

/** The registry: one entry per construction kind. */
export const CONSTRUCTION_KINDS: ConstructionKind[] = [...KS_KINDS, MHA_KIND, ...AOT_KINDS];

export function register(program: Command): void {
  const construct = program.command("construct").description("build a paper's network, verify it exactly, optionally write a certificate (--out)");
  for (const k of CONSTRUCTION_KINDS) {
    const sub = construct.command(k.name).description(k.summary);
    for (const a of k.aliases ?? []) sub.alias(a);
    k.configure(sub).action(async (opts: Record<string, unknown>) => {
      if (typeof opts.out === "string") checkOutput(opts.out, { what: "certificate" }); // before any work
      await k.run(opts);
    });
  }
}
