/**
 * `memcap check FILE`: runs the independent checker (proofs-check/) on a certificate.
 * Exit 0 VERIFIED, 1 REJECTED, 2 unreadable/invalid certificate, 3 INCONCLUSIVE (docs/certificate.md).
 *
 * @example
 *   node bin/memcap.mjs check out/ks.json --json
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import type { Report } from "../../../proofs-check/check.ts";
import { MAX_PRECISION_DIGITS } from "../../../src/certificate/format.ts";
import { checkerLines } from "../checker-lines.ts";
import { UserError } from "../../../src/errors.ts";
import { emit, intFlag } from "../output.ts";

/** V8 cannot hold a string longer than this many UTF-16 units: larger certificates cannot be JSON.parsed. */
const MAX_STRING = 0x1fffffe8;

const EXIT = { VERIFIED: 0, REJECTED: 1, INCONCLUSIVE: 3 } as const;

/** The certificate's bytes, in shared memory so that the checker's threads read the same bytes. */
async function load(file: string): Promise<{ raw: Uint8Array; bytes: number }> {
  let bytes: number;
  let raw: Uint8Array;
  try {
    bytes = statSync(file).size;
    if (bytes > MAX_STRING) throw new UserError(`${file}: ${bytes} bytes is beyond the ${MAX_STRING}-character limit of a JavaScript string; the checker reads certificates up to about 512 MiB`);
    // straight into shared memory, so that the checker's threads read the same bytes (and no second copy is made)
    const { readFileShared } = await import("../../../proofs-check/parallel.ts");
    raw = readFileShared(file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot read certificate${code === "ENOENT" ? " (no such file)" : code ? ` (${code})` : ""}`);
  }
  return { raw, bytes };
}

function text(file: string, bytes: number, r: Report, seconds: number): string {
  const lines = [
    `certificate ${file} (${bytes.toLocaleString("en-US")} bytes): construction ${r.construction}, ${r.examples} examples, ${r.arithmetic} arithmetic${r.precisionDigits ? ` at ${r.precisionDigits} digits` : ""}${r.decimalExamples !== null ? ` (float64 intervals, ${r.decimalExamples} example${r.decimalExamples === 1 ? "" : "s"} re-enclosed in decimal)` : ""}`,
    ...r.claims.map((c) => `  ${c.status.toUpperCase().padEnd(12)} ${c.id} (${c.kind}): ${c.detail}${c.neededDigits ? ` — rerun with --precision ${c.neededDigits}` : ""}`),
  ];
  const first = r.claims.find((c) => c.status === "rejected") ?? r.claims.find((c) => c.status === "inconclusive");
  lines.push(`${r.verdict}${first ? `: claim ${first.id}${first.example !== undefined ? `, example ${first.example}` : ""}` : ""} (${r.claims.length} claims, ${seconds.toFixed(2)} s, checker ${checkerLines().core} core + ${checkerLines().accelerator} accelerator lines)`);
  return lines.join("\n");
}

/** Progress on stderr each time another thousand examples are done (workers report in batches). */
function everyThousand(): (done: number, total: number) => void {
  let shown = 0;
  return (k, n) => {
    if (Math.floor(k / 1000) <= shown) return;
    shown = Math.floor(k / 1000);
    process.stderr.write(`check: ${k}/${n} examples\n`);
  };
}

export function register(program: Command): void {
  program
    .command("check")
    .description("Independently re-check every claim of a certificate (exit 0 VERIFIED, 1 REJECTED, 2 invalid, 3 INCONCLUSIVE)")
    .argument("<file>", "certificate JSON (docs/certificate.md)")
    .option("--precision <digits>", "raise the interval precision above the certificate's", intFlag("precision", 10, MAX_PRECISION_DIGITS))
    .option("--decimal-only", "the checker's core alone: decimal intervals, no float64 fast path")
    .option("--threads <k>", "evaluate an exact certificate's examples on k threads (default: the available cores; 1: one thread)", intFlag("threads", 1, 256))
    .option("--json", "print the result as one JSON document")
    .action(async (file: string, o: { precision?: number; json?: boolean; decimalOnly?: boolean; threads?: number }) => {
      const t0 = performance.now();
      const { raw, bytes } = await load(file);
      // loaded here, not at startup, so that other commands do not pay for the checker's dependencies
      const { checkBytesInParallel } = await import("../../../proofs-check/parallel.ts");
      const { Invalid } = await import("../../../proofs-check/validate.ts");
      let r: Report;
      try {
        // the checker's own strict reader: duplicate keys, inexact integers and invalid UTF-8 are refused
        r = await checkBytesInParallel(raw, {
          precision: o.precision,
          decimalOnly: o.decimalOnly,
          threads: o.threads ?? availableParallelism(),
          progress: everyThousand(),
        });
      } catch (e) {
        if (e instanceof Invalid) throw new UserError(`${file}: invalid certificate: ${e.message}`);
        throw e;
      }
      const seconds = (performance.now() - t0) / 1000;
      emit(!!o.json, { file, bytes, ...r, seconds, checkerLines: checkerLines().total, checkerCoreLines: checkerLines().core, checkerAcceleratorLines: checkerLines().accelerator }, () => text(file, bytes, r, seconds));
      process.exitCode = EXIT[r.verdict];
    });
}
