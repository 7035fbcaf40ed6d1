/**
 * Re-checks a certificate with the independent checker (proofs-check), in process, after a JSON
 * round trip: the checker sees exactly the bytes `memcap check` would read from a file, nothing
 * the builder holds in memory. The result is one report verdict plus the per-claim lines.
 */
import { checkCertificate, type ClaimResult, type Report } from "../../proofs-check/check.ts";
import { checkBytesInParallel } from "../../proofs-check/parallel.ts";
import type { Certificate } from "../../src/certificate/format.ts";
import type { Verdict } from "./types.ts";

/** A certificate the report re-checked, kept so that the report folder can hold it (write.ts). */
export interface KeptCertificate {
  subject: string;
  status: Verdict["status"];
  /** The certificate exactly as re-checked (compact JSON). */
  text: string;
}

const kept: KeptCertificate[] = [];

/** Hands over (and forgets) every certificate re-checked since the last call: runReport calls it once per run. */
export function takeRecheckedCertificates(): KeptCertificate[] {
  return kept.splice(0, kept.length);
}

export interface Recheck {
  verdict: Verdict;
  claims: ClaimResult[];
  arithmetic: "exact" | "interval" | "invalid";
  precisionDigits: number | null;
  /** Size of the certificate as written by `--out` (compact JSON), in bytes. */
  bytes: number;
  seconds: number;
}

/**
 * @example
 * const r = recheckCertificate(cert, "ks-next-token N=100"); r.verdict.status; // "VERIFIED"
 */
export function recheckCertificate(cert: Certificate, subject: string): Recheck {
  const text = JSON.stringify(cert);
  const t0 = performance.now();
  try {
    const r = checkCertificate(JSON.parse(text));
    kept.push({ subject, status: r.verdict, text });
    return recheckOf(r, subject, Buffer.byteLength(text), t0);
  } catch (e) {
    return invalid(e, subject, Buffer.byteLength(text), t0);
  }
}

/**
 * The same on a certificate's bytes (as written to a file, or encoded here when there is no file), with the
 * checker's worker threads for a large exact certificate (proofs-check/parallel.ts). Not kept for the report.
 */
export async function recheckBytes(bytes: Uint8Array, subject: string, threads: number): Promise<Recheck> {
  const t0 = performance.now();
  try {
    return recheckOf(await checkBytesInParallel(bytes, { threads }), subject, bytes.length, t0);
  } catch (e) {
    return invalid(e, subject, bytes.length, t0);
  }
}

function recheckOf(r: Report, subject: string, bytes: number, t0: number): Recheck {
  const first = r.claims.find((c) => c.status === (r.verdict === "REJECTED" ? "rejected" : "inconclusive"));
  const detail =
    r.verdict === "VERIFIED"
      ? `all ${r.claims.length} claims re-derived (${r.arithmetic}${r.precisionDigits ? ` at ${r.precisionDigits} digits` : ""}; ${r.examples} examples)`
      : `claim ${first?.id}: ${first?.detail}${first?.neededDigits ? ` (needs about ${first.neededDigits} digits)` : ""}`;
  return { verdict: { subject, status: r.verdict, detail }, claims: r.claims, arithmetic: r.arithmetic, precisionDigits: r.precisionDigits, bytes, seconds: (performance.now() - t0) / 1000 };
}

/** An invalid certificate from memcap's own builder is a rejection of that builder's output. */
function invalid(e: unknown, subject: string, bytes: number, t0: number): Recheck {
  return {
    verdict: { subject, status: "REJECTED", detail: `invalid certificate: ${(e as Error).message.split("\n")[0]}` },
    claims: [],
    arithmetic: "invalid",
    precisionDigits: null,
    bytes,
    seconds: (performance.now() - t0) / 1000,
  };
}
