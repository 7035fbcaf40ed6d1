/** One thread of exact-parallel.ts: compiles the network, evaluates its shard, posts the exact outputs. */
import { parentPort, workerData } from "node:worker_threads";
import { Rational } from "../numbers/rational.ts";
import type { Network } from "../ir/network.ts";
import { compileExact } from "./exact.ts";
import type { ExactWorkerMessage } from "./exact-parallel.ts";

const { net, sequences, vocabulary } = workerData as { net: Network; sequences: number[][]; vocabulary?: [bigint, bigint][][] };
const post = (m: ExactWorkerMessage) => parentPort!.postMessage(m);
try {
  const vocab = vocabulary?.map((r) => r.map(([n, d]) => Rational.of(n, d)));
  let last = performance.now();
  const out = compileExact(net).evaluate(sequences, vocab, {
    onProgress: (p) => {
      const now = performance.now();
      if (p.stage === p.stages - 1 && now - last > 2000) (last = now), post({ type: "progress", done: p.done });
    },
  });
  post({ type: "done", outputs: out.map((seq) => seq.map((v) => v.map((q) => [q.num, q.den] as [bigint, bigint]))) });
} catch (e) {
  post({ type: "error", message: e instanceof Error ? e.message : String(e) });
}
