/**
 * The exact evaluator (exact.ts) on several threads: the sequences are cut into contiguous shards,
 * the first evaluated on the calling thread, each other one by a worker thread (exact-worker-main.ts)
 * that compiles the network itself and sends its outputs back as exact [numerator, denominator]
 * pairs. Same contract and same values as `compileExact(net).evaluate(sequences, vocabulary)`; one
 * thread (or few sequences) runs in process.
 * The builders use it to verify large constructions (Kajitsuka–Sato at N = 10⁵); the checker has
 * its own (proofs-check/parallel.ts).
 *
 * @example
 *   const out = await evaluateExactInParallel(net, seqs, vocab, { threads: 2 }); // out[i][p]: Rational[]
 */
import { Worker } from "node:worker_threads";
import { Rational } from "../numbers/rational.ts";
import type { Network } from "../ir/network.ts";
import { compileExact, type ExactProgress } from "./exact.ts";

/** Fewer sequences than this per thread are evaluated in process (starting a worker costs ~0.3 s). */
export const MIN_SEQUENCES_PER_THREAD = 500;

export interface ParallelExactOptions {
  threads: number;
  /** Sequences done so far (summed over threads) out of the total, at most every ~2 s per thread. */
  onProgress?: (done: number, total: number) => void;
  /** internal (tests): the fewest sequences a thread is given (default MIN_SEQUENCES_PER_THREAD) */
  minPerThread?: number;
}

/** Messages of exact-worker-main.ts. */
export type ExactWorkerMessage = { type: "progress"; done: number } | { type: "done"; outputs: [bigint, bigint][][][] } | { type: "error"; message: string };

const toPairs = (rows: Rational[][]): [bigint, bigint][][] => rows.map((r) => r.map((q) => [q.num, q.den]));
const fromPairs = (rows: [bigint, bigint][][]): Rational[][] => rows.map((r) => r.map(([n, d]) => Rational.of(n, d)));

function shards(total: number, threads: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < threads; k++) out.push([Math.floor((k * total) / threads), Math.floor(((k + 1) * total) / threads)]);
  return out;
}

/** Outputs of every sequence, evaluated exactly on up to `threads` threads. Rejects with the first worker's error. */
export async function evaluateExactInParallel(net: Network, sequences: number[][], vocabulary: Rational[][] | undefined, o: ParallelExactOptions): Promise<Rational[][][]> {
  const threads = Math.max(1, Math.min(o.threads, Math.floor(sequences.length / (o.minPerThread ?? MIN_SEQUENCES_PER_THREAD))));
  if (threads === 1) {
    let last = 0;
    return compileExact(net).evaluate(sequences, vocabulary, {
      onProgress: (p: ExactProgress) => {
        const now = performance.now();
        if (p.stage === p.stages - 1 && now - last > 2000) (last = now), o.onProgress?.(p.done, sequences.length);
      },
    });
  }
  const vocab = vocabulary ? toPairs(vocabulary) : undefined;
  const parts = shards(sequences.length, threads);
  const done = parts.map(() => 0);
  const report = () => o.onProgress?.(done.reduce((s, x) => s + x, 0), sequences.length);
  const workers: Worker[] = [];
  let failed = false;
  // shards 1… on worker threads; shard 0 on this thread meanwhile (one isolate fewer: its heap is the memory saved)
  const others = Promise.all(
    parts.slice(1).map(
      ([a, b], j) =>
        new Promise<Rational[][][]>((resolve, reject) => {
          const k = j + 1;
          const w = new Worker(new URL("../../bin/ts-worker.mjs", import.meta.url), { workerData: { module: new URL("./exact-worker-main.ts", import.meta.url).href, net, sequences: sequences.slice(a, b), vocabulary: vocab } });
          workers.push(w);
          const fail = (e: Error) => {
            if (!failed) (failed = true), workers.forEach((x) => void x.terminate());
            reject(e);
          };
          w.on("message", (m: ExactWorkerMessage) => {
            if (m.type === "progress") (done[k] = m.done), report();
            else if (m.type === "error") fail(new RangeError(m.message));
            else resolve(m.outputs.map(fromPairs));
          });
          w.on("error", (e: Error) => fail(e));
          w.on("exit", (code) => code !== 0 && fail(new Error(`an evaluation thread exited with code ${code}`)));
        }),
    ),
  );
  others.catch(() => {}); // awaited below; a worker failing while this thread evaluates is reported there
  let mine: Rational[][][];
  try {
    let last = 0;
    mine = compileExact(net).evaluate(sequences.slice(parts[0]![0], parts[0]![1]), vocabulary, {
      onProgress: (p: ExactProgress) => {
        const now = performance.now();
        if (p.stage === p.stages - 1 && now - last > 2000) (last = now), (done[0] = p.done), report();
      },
    });
  } catch (e) {
    failed = true;
    workers.forEach((x) => void x.terminate());
    throw e;
  }
  return [mine, ...(await others)].flat();
}
