/**
 * One checker thread (parallel.ts): reads the shared certificate bytes with the core's reader and
 * validator, evaluates the outputs of its shard of examples (i ≡ shard mod shards) with the core's
 * reference source, and posts the exact values back in batches. It decides nothing.
 */
import { parentPort, workerData } from "node:worker_threads";
import { readJson } from "./json.ts";
import type { WorkerMessage, WorkerValue } from "./parallel.ts";
import { referenceAt } from "./source.ts";
import { Undecided, validateCertificate } from "./validate.ts";

const BATCH = 64;
const { bytes, shard, shards } = workerData as { bytes: Uint8Array; shard: number; shards: number };
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

try {
  const c = validateCertificate(readJson(bytes));
  const N = c.sequences.length;
  const at = referenceAt(c, 0);
  let batch: WorkerValue[] = [];
  for (let i = shard; i < N; i += shards) {
    const v = at(i, "outputs");
    batch.push(v instanceof Undecided ? { i, undecided: v.message } : { i, exact: v.map((pos) => pos.map((e) => [e.lo.num, e.lo.den] as [bigint, bigint])) });
    if (batch.length === BATCH) post({ type: "values", values: batch, examples: N }), (batch = []);
  }
  if (batch.length) post({ type: "values", values: batch, examples: N });
  post({ type: "done", examples: N });
} catch (e) {
  post({ type: "error", message: e instanceof Error ? e.message : String(e) });
}
