/**
 * One checker thread (parallel.ts): reads the shared certificate bytes with the core's reader and
 * validator, evaluates the outputs of its shard of examples (i ≡ shard mod shards) with the core's
 * reference source — the integer tail of the network batched over examples by exact-batch.ts where
 * there is one — and posts the exact values back in batches. It decides nothing.
 */
import { parentPort, workerData } from "node:worker_threads";
import { readJson } from "./json.ts";
import type { WorkerMessage, WorkerValue } from "./parallel.ts";
import { referenceAt } from "./source.ts";
import { batchTail } from "./exact-batch.ts";
import { Evaluator } from "./evaluate.ts";
import { exactArith, toRationals, type XV } from "./exact.ts";
import { Undecided, validateCertificate } from "./validate.ts";

const BATCH = 512;
const { bytes, shard, shards } = workerData as { bytes: Uint8Array; shard: number; shards: number };
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

try {
  const c = validateCertificate(readJson(bytes));
  const N = c.sequences.length;
  const at = referenceAt(c, 0);
  const exact = (v: XV[]) => v.map((x) => toRationals(x).map((r) => [r.num, r.den] as [bigint, bigint]));
  const tail = batchTail(c, new Evaluator(c, exactArith()));
  let batch: WorkerValue[] = [];
  for (let i0 = shard; i0 < N; i0 += shards * BATCH) {
    const ids: number[] = [];
    for (let i = i0; i < N && ids.length < BATCH; i += shards) ids.push(i);
    if (tail) {
      // the batched integer tail (exact-batch.ts); an error there (e.g. Undecided) falls back to one example at a time
      let outs: XV[][] | null = null;
      try {
        outs = tail(ids);
      } catch (e) {
        if (!(e instanceof Undecided)) throw e;
      }
      if (outs) {
        post({ type: "values", values: ids.map((i, k) => ({ i, exact: exact(outs![k]!) })), examples: N });
        continue;
      }
    }
    for (const i of ids) {
      const v = at(i, "outputs");
      batch.push(v instanceof Undecided ? { i, undecided: v.message } : { i, exact: v.map((pos) => pos.map((e) => [e.lo.num, e.lo.den] as [bigint, bigint])) });
    }
    post({ type: "values", values: batch, examples: N }), (batch = []);
  }
  post({ type: "done", examples: N });
} catch (e) {
  post({ type: "error", message: e instanceof Error ? e.message : String(e) });
}
