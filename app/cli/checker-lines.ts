/**
 * The checker's size, measured on its own source files (what an auditor has to read): lines of
 * proofs-check/*.ts, like `wc -l proofs-check/*.ts`, split into the core and the accelerator
 * (proofs-check/README.md "Audit order"). Lives outside proofs-check/: it is not part of what is trusted.
 *
 * @example checkerLines() // e.g. { core: 1400, accelerator: 390, total: 1790 }
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The accelerator's files: float64 fast path, precision escalation and the worker threads, never needed for soundness. */
export const ACCELERATOR_FILES = ["accelerate.ts", "float.ts", "parallel.ts", "worker-main.ts", "exact-batch.ts"];

export function checkerLines(dir = join(dirname(fileURLToPath(import.meta.url)), "../../proofs-check")): { core: number; accelerator: number; total: number } {
  let core = 0;
  let accelerator = 0;
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const n = readFileSync(join(dir, f), "utf8").match(/\n/g)?.length ?? 0;
    if (ACCELERATOR_FILES.includes(f)) accelerator += n;
    else core += n;
  }
  return { core, accelerator, total: core + accelerator };
}
