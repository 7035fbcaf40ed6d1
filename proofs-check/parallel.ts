/**
 * Accelerator: a large exact certificate checked on several threads. Networks without softmax or
 * layernorm have exact outputs, and evaluating example i needs nothing from any other example, so
 * worker threads (worker-main.ts) evaluate interleaved shards of the examples with the core's own
 * reference source (source.ts `referenceAt`) and send the exact values back; the main thread decides
 * every claim with check.ts as always, taking those values where it would have computed them.
 *
 * Why this is as sound as the sequential checker: every worker reads the SAME bytes (one
 * SharedArrayBuffer, never written after it is filled), parses and validates them with the core's
 * reader and validator, and evaluates with the core's exact arithmetic. A worker that fails or
 * disagrees about the certificate (a different example count) makes the whole check fail, and any
 * example a worker did not return is evaluated by the main thread. Nothing here decides a claim.
 * Unless the check is --decimal-only, the workers (and one thread, in process, from BATCH_EXAMPLES
 * examples on) evaluate a network's integer tail in batches with exact-batch.ts instead.
 *
 * @example
 *   const r = await checkBytesInParallel(sharedBytes, { threads: 2 }); r.verdict // "VERIFIED"
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { Rational } from "../src/numbers/rational.ts";
import { checkValidated, type CheckOptions, type Report } from "./check.ts";
import { readJson } from "./json.ts";
import { needsIntervals, type Enc } from "./source.ts";
import { Undecided, validateCertificate } from "./validate.ts";
import { BATCH_EXAMPLES, batchedOutputs } from "./exact-batch.ts";

/** Below this many examples one thread is faster than starting workers (each parses the certificate). */
export const PARALLEL_MIN_EXAMPLES = 2000;

/** What a worker sends: per example, per read position, exact values as [numerator, denominator]. */
export type WorkerValue = { i: number; exact: [bigint, bigint][][] } | { i: number; undecided: string };
export type WorkerMessage = { type: "values"; values: WorkerValue[]; examples: number } | { type: "done"; examples: number } | { type: "error"; message: string };

/** Copies a file's bytes into shared memory once, so that every thread reads the same bytes. */
export function sharedBytes(bytes: Uint8Array): Uint8Array {
  const view = new Uint8Array(new SharedArrayBuffer(bytes.length));
  view.set(bytes);
  return view;
}

/** Reads a file straight into shared memory (no second copy of its bytes). Throws the fs error. */
export function readFileShared(path: string): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const view = new Uint8Array(new SharedArrayBuffer(size));
    let at = 0;
    while (at < size) {
      const got = readSync(fd, view, at, size - at, at);
      if (got === 0) break;
      at += got;
    }
    return at === size ? view : view.slice(0, at);
  } finally {
    closeSync(fd);
  }
}

function fromWorker(v: WorkerValue): Enc[][] | Undecided {
  if ("undecided" in v) return new Undecided(v.undecided);
  return v.exact.map((pos) => pos.map(([n, d]) => {
    const r = Rational.of(n, d);
    return { lo: r, hi: r };
  }));
}

/** Evaluates the outputs of every example on `threads` worker threads (shard k: examples i ≡ k mod threads). */
function outputsOnWorkers(shared: Uint8Array, threads: number, N: number, batched: boolean, progress?: (done: number, total: number) => void): Promise<Map<number, Enc[][] | Undecided>> {
  const values = new Map<number, Enc[][] | Undecided>();
  const workers: Worker[] = [];
  return new Promise((resolve, reject) => {
    let running = threads;
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      workers.forEach((w) => void w.terminate());
      reject(e);
    };
    for (let k = 0; k < threads; k++) {
      // bin/ts-worker.mjs only registers the TypeScript loader that runs this thread too, then loads worker-main.ts
      const w = new Worker(new URL("../bin/ts-worker.mjs", import.meta.url), { workerData: { module: new URL("./worker-main.ts", import.meta.url).href, bytes: shared, shard: k, shards: threads, batched } });
      workers.push(w);
      w.on("message", (m: WorkerMessage) => {
        if (m.type === "error") return fail(new Error(`internal: a checker thread failed on bytes the main thread validated: ${m.message}`));
        if (m.examples !== N) return fail(new Error(`internal: a checker thread read ${m.examples} examples, the main thread ${N}`));
        if (m.type === "values") {
          for (const v of m.values) values.set(v.i, fromWorker(v));
          progress?.(values.size, N);
          return;
        }
        if (--running === 0) resolve(values); // the worker's script ends by itself after "done"
      });
      w.on("error", (e: Error) => fail(e));
      w.on("exit", (code) => code !== 0 && !failed && running > 0 && fail(new Error(`internal: a checker thread exited with code ${code}`)));
    }
  });
}

/** How many threads to use: the requested number, at most one per `min / 2` examples, 1 for interval networks. */
export function threadsFor(exact: boolean, N: number, requested: number, min = PARALLEL_MIN_EXAMPLES): number {
  if (!exact || N < min) return 1;
  return Math.max(1, Math.min(requested, Math.floor(N / Math.max(1, min / 2))));
}

/**
 * Checks a certificate from its bytes (ideally `sharedBytes(…)`, else they are copied once) with up to
 * `threads` threads. Throws Invalid like checkCertificate.
 */
export async function checkBytesInParallel(bytes: Uint8Array, opts: CheckOptions & { threads: number; /** internal (tests): fewer examples may be split */ minExamples?: number }): Promise<Report> {
  const c = validateCertificate(readJson(bytes));
  const N = c.sequences.length;
  const exact = !needsIntervals(c);
  const threads = threadsFor(exact, N, opts.threads, opts.minExamples);
  if (threads <= 1) {
    // one thread: the integer tail batched in process (exact-batch.ts), unless --decimal-only asks for the core alone
    if (!exact || opts.decimalOnly || N < BATCH_EXAMPLES) return checkValidated(c, opts);
    const values = new Map<number, Enc[][] | Undecided>();
    const ids = Array.from({ length: N }, (_, i) => i);
    const enc = (v: Rational[][]) => v.map((pos) => pos.map((r) => ({ lo: r, hi: r })));
    const batched = batchedOutputs(c, ids, (b) => {
      for (const [i, v] of b) values.set(i, enc(v));
      opts.progress?.(values.size, N);
    });
    return checkValidated(c, opts, batched ? values : undefined);
  }
  const shared = bytes.buffer instanceof SharedArrayBuffer ? bytes : sharedBytes(bytes);
  const values = await outputsOnWorkers(shared, threads, N, !opts.decimalOnly, opts.progress);
  return checkValidated(c, opts, values);
}
