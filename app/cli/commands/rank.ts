/**
 * `memcap rank FILE`: exact rank of a rational matrix, with a certificate that is re-checked
 * independently before anything is printed (src/linalg/certified.ts). `--float` adds the float64
 * SVD rank, labelled as float.
 *
 * @example
 *   memcap rank m.json            # rank: 2 (certified: …)
 *   memcap rank m.json --json     # {"rank":2,"certificate":{…},"verified":true}
 */
import type { Command } from "commander";
import { intFlag, numberFlag, emit, jsonReplacer } from "../output.ts";
import { writeFileAtomic } from "../../../src/io/output.ts";

export function register(program: Command): void {
  program
    .command("rank")
    .description("exact rank of the matrix in FILE (JSON array of rows; entries numbers or strings like \"3\", \"-2/7\", \"0.125\"), with a verified certificate")
    .argument("<file>", "JSON matrix file")
    .option("--json", "machine-readable output")
    .option("--float", "also report the float64 SVD rank (an estimate, labelled float)")
    .option("--tolerance <t>", "tolerance for --float (default max(m,n)·σmax·2^-52)", numberFlag("tolerance", 0, Number.MAX_VALUE))
    .option("--seed <s>", "seed of the random primes", intFlag("seed", 0, 2 ** 31 - 1), 1)
    .option("--certificate <out>", "write the full certificate (with the null vectors) to this JSON file")
    .option("--full-certificate", "with --json: include the null vectors in the output (can be large)")
    .action(async (file: string, o: { json?: boolean; float?: boolean; tolerance?: number; seed: number; certificate?: string; fullCertificate?: boolean }) => {
      const { readMatrixFile } = await import("../../../src/linalg/read.ts");
      const { certifiedRank, verifyRankCertificate } = await import("../../../src/linalg/certified.ts");
      const f = readMatrixFile(file);
      // progress on stderr only for a person watching (stdout stays parseable, pipes stay quiet)
      const onProgress = process.stderr.isTTY
        ? (i: { primes: number; bits: number }) => process.stderr.write(`\rrank: null-space certificate, ${i.primes} primes (${i.bits} bits)`)
        : undefined;
      const res = certifiedRank(f.int, { seed: o.seed, verify: false, onProgress });
      if (onProgress) process.stderr.write("\r\x1b[K");
      // the proof: an independent re-check of the certificate (the search's own checks were modular)
      let cert = res.certificate;
      if (!verifyRankCertificate(f.int, cert)) {
        cert = certifiedRank(f.int, { seed: o.seed, verify: true }).certificate;
        if (!verifyRankCertificate(f.int, cert)) throw new Error("rank certificate failed verification (bug)");
      }
      const floatRes = o.float ? (await import("../../../src/linalg/float.ts")).floatRank(f.rational(), o.tolerance) : undefined;
      if (o.certificate) writeFileAtomic(o.certificate, JSON.stringify({ matrix: file, m: f.m, n: f.n, certificate: cert }, jsonReplacer) + "\n");
      const nullity = cert.nullVectors?.length ?? 0;
      const summary = {
        rank: cert.rank,
        rows: f.m,
        cols: f.n,
        certificate:
          o.fullCertificate || !cert.nullVectors
            ? cert
            : { rank: cert.rank, rows: cert.rows, cols: cert.cols, prime: cert.prime, nullVectorCount: nullity, nullVectorMaxBits: maxBits(cert.nullVectors), side: cert.side ?? "right" },
        verified: true,
        ...(floatRes ? { float: floatRes } : {}),
      };
      emit(!!o.json, summary, () => {
        const lines = [`rank: ${cert.rank}`];
        const why =
          cert.rank === Math.min(f.m, f.n)
            ? `a ${cert.rank}×${cert.rank} minor with nonzero determinant mod ${cert.prime}`
            : `a ${cert.rank}×${cert.rank} minor nonzero mod ${cert.prime} and ${nullity} exact ${cert.side === "left" ? "left " : ""}null vectors (up to ${maxBits(cert.nullVectors)} bits)`;
        lines.push(`certified (${f.m}×${f.n}): ${why}; verified`);
        if (floatRes) lines.push(`float64 rank (estimate, not a proof): ${floatRes.rank} at tolerance ${floatRes.tolerance.toExponential(3)}`);
        return lines.join("\n");
      });
    });
}

function maxBits(vs: (bigint | string)[][] | undefined): number {
  let best = 0;
  for (const v of vs ?? [])
    for (const x of v) {
      const b = BigInt(x);
      const hex = (b < 0n ? -b : b).toString(16);
      if (b !== 0n) best = Math.max(best, (hex.length - 1) * 4 + parseInt(hex[0]!, 16).toString(2).length);
    }
  return best;
}
