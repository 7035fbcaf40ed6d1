/**
 * The checker's size, measured on its own source files (what an auditor has to read):
 * the number of lines of proofs-check/*.ts, like `wc -l proofs-check/*.ts`.
 *
 * @example checkerLines() // e.g. 620
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

export function checkerLines(): number {
  const dir = dirname(fileURLToPath(import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .reduce((s, f) => s + (readFileSync(`${dir}/${f}`, "utf8").match(/\n/g)?.length ?? 0), 0);
}
