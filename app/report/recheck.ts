/**
 * Re-checks a certificate with the independent checker (proofs-check), in process, after a JSON
 * round trip: the checker sees exactly the bytes `memcap check` would read from a file, nothing
 * the builder holds in memory. The result is one report verdict plus the per-claim lines.
 */
import { checkCertificate, type ClaimResult } from "../../proofs-check/check.ts";
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
    const first = r.claims.find((c) => c.status === (r.verdict === "REJECTED" ? "rejected" : "inconclusive"));
    const detail =
      r.verdict === "VERIFIED"
        ? `all ${r.claims.length} claims re-derived (${r.arithmetic}${r.precisionDigits ? ` at ${r.precisionDigits} digits` : ""}; ${r.examples} examples)`
        : `claim ${first?.id}: ${first?.detail}${first?.neededDigits ? ` (needs about ${first.neededDigits} digits)` : ""}`;
    return {
      verdict: { subject, status: r.verdict, detail },
      claims: r.claims,
      arithmetic: r.arithmetic,
      precisionDigits: r.precisionDigits,
      bytes: Buffer.byteLength(text),
      seconds: (performance.now() - t0) / 1000,
    };
  } catch (e) {
    // an invalid certificate from memcap's own builder is a rejection of that builder's output
    return {
      verdict: { subject, status: "REJECTED", detail: `invalid certificate: ${(e as Error).message.split("\n")[0]}` },
      claims: [],
      arithmetic: "invalid",
      precisionDigits: null,
      bytes: Buffer.byteLength(text),
      seconds: (performance.now() - t0) / 1000,
    };
  }
}
