/**
 * Standalone entry of the checker, without the CLI's dependencies (commander, the builders):
 *   npx tsx proofs-check/main.ts FILE [--precision DIGITS] [--decimal-only] [--threads K] [--json]
 * Prints one line per claim and the verdict. Exit 0 VERIFIED, 1 REJECTED, 2 unreadable or invalid
 * certificate (or bad arguments), 3 INCONCLUSIVE. An exact certificate with many examples is evaluated
 * on K threads (parallel.ts; default: the machine's available parallelism; --threads 1 for one). Never prints a stack trace: an unexpected error
 * (a checker bug) is reported in one line and exits 3, since nothing was verified.
 *
 * @example
 *   npx tsx proofs-check/main.ts out/ks.json   # "VERIFIED (4 claims, 0.21 s)", exit 0
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { MAX_PRECISION_DIGITS } from "../src/certificate/format.ts";
import type { Report } from "./check.ts";
import { checkBytesInParallel, readFileShared } from "./parallel.ts";
import { Invalid } from "./validate.ts";

/** V8 cannot hold a longer string, so larger files cannot be JSON.parsed. */
const MAX_BYTES = 0x1fffffe8;
const EXIT = { VERIFIED: 0, REJECTED: 1, INCONCLUSIVE: 3 } as const;

class Usage extends Error {}

function parseArgs(argv: string[]): { file: string; precision?: number; decimalOnly: boolean; json: boolean; threads: number } {
  let file: string | undefined;
  let threads = availableParallelism();
  let precision: number | undefined;
  let decimalOnly = false;
  let json = false;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    if (a === "--decimal-only") decimalOnly = true;
    else if (a === "--json") json = true;
    else if (a === "--threads") {
      const v = argv[++k];
      if (v === undefined || !/^\d+$/.test(v) || +v < 1 || +v > 256) throw new Usage("--threads needs an integer in 1..256");
      threads = +v;
    } else if (a === "--precision") {
      const v = argv[++k];
      if (v === undefined || !/^\d+$/.test(v) || +v < 10 || +v > MAX_PRECISION_DIGITS) throw new Usage(`--precision needs an integer in 10..${MAX_PRECISION_DIGITS}`);
      precision = +v;
    } else if (a.startsWith("-")) throw new Usage(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else throw new Usage(`one certificate file only (got ${file} and ${a})`);
  }
  if (file === undefined) throw new Usage("usage: proofs-check/main.ts FILE [--precision DIGITS] [--decimal-only] [--threads K] [--json]");
  return { file, precision, decimalOnly, json, threads };
}

function read(file: string): Uint8Array {
  let raw: Uint8Array;
  try {
    const bytes = statSync(file).size;
    if (bytes > MAX_BYTES) throw new Invalid(`${file}: ${bytes} bytes is beyond what a JavaScript string holds (about 512 MiB)`);
    raw = readFileShared(file);
  } catch (e) {
    if (e instanceof Invalid) throw e;
    throw new Invalid(`${file}: cannot read certificate (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return raw;
}

function text(r: Report, seconds: number): string {
  const claims = r.claims.map((c) => `  ${c.status.toUpperCase().padEnd(12)} ${c.id} (${c.kind}): ${c.detail}${c.neededDigits ? ` — rerun with --precision ${c.neededDigits}` : ""}`);
  return [...claims, `${r.verdict} (${r.claims.length} claims, ${r.examples} examples, ${r.arithmetic}${r.precisionDigits ? ` at ${r.precisionDigits} digits` : ""}, ${seconds.toFixed(2)} s)`].join("\n");
}

async function main(argv: string[]): Promise<number> {
  try {
    const o = parseArgs(argv);
    const t0 = performance.now();
    // the strict reader (parallel.ts → json.ts): duplicate keys, inexact integers, invalid UTF-8 are Invalid
    const r = await checkBytesInParallel(read(o.file), { precision: o.precision, decimalOnly: o.decimalOnly, threads: o.threads });
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write((o.json ? JSON.stringify({ file: o.file, ...r, seconds }) : text(r, seconds)) + "\n");
    return EXIT[r.verdict];
  } catch (e) {
    if (e instanceof Usage || e instanceof Invalid) {
      process.stderr.write(`proofs-check: ${e instanceof Invalid ? "invalid certificate: " : ""}${e.message}\n`);
      return 2;
    }
    const m = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    process.stderr.write(`proofs-check: INCONCLUSIVE: internal error, nothing verified (${m.split("\n")[0]})\n`);
    return 3;
  }
}

process.exitCode = await main(process.argv.slice(2));
