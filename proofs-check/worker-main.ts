/**
 * One checker thread (parallel.ts): reads the shared certificate bytes with the core's reader and
 * validator, evaluates the outputs of its shard of examples (i ≡ shard mod shards) with the core's
 * reference source — or, unless the check is --decimal-only, with the network's integer tail batched
 * over examples by exact-batch.ts where it has one — and posts the exact values back in batches.
 * It decides nothing.
 */
import { parentPort, workerData } from "node:worker_threads";
import { readJson } from "./json.ts";
import type { WorkerMessage, WorkerValue } from "./parallel.ts";
import { referenceAt } from "./source.ts";
import { BATCH_EXAMPLES, batchedOutputs } from "./exact-batch.ts";
import type { Rational } from "../src/numbers/rational.ts";
import { Undecided, validateCertificate } from "./validate.ts";

const { bytes, shard, shards, batched } = workerData as { bytes: Uint8Array; shard: number; shards: number; batched: boolean };
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

try {
  const c = validateCertificate(readJson(bytes));
  const N = c.sequences.length;
  const ids: number[] = [];
  for (let i = shard; i < N; i += shards) ids.push(i);
  const send = (values: WorkerValue[]) => post({ type: "values", values, examples: N });
  const pairs = (v: Rational[][]) => v.map((pos) => pos.map((r) => [r.num, r.den] as [bigint, bigint]));
  if (!(batched && batchedOutputs(c, ids, (b) => send(b.map(([i, v]) => ({ i, exact: pairs(v) })))))) {
    const at = referenceAt(c, 0);
    for (let a = 0; a < ids.length; a += BATCH_EXAMPLES) {
      send(
        ids.slice(a, a + BATCH_EXAMPLES).map((i) => {
          const v = at(i, "outputs");
          return v instanceof Undecided ? { i, undecided: v.message } : { i, exact: pairs(v.map((pos) => pos.map((e) => e.lo))) };
        }),
      );
    }
  }
  post({ type: "done", examples: N });
} catch (e) {
  post({ type: "error", message: e instanceof Error ? e.message : String(e) });
}
