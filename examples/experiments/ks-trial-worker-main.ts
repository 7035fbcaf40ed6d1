/**
 * Worker-thread body of ks-random.ts: receives one TrialJob per message, trains it, and posts
 * `{ ok: true, outcome }` (or `{ ok: false, message }`). One trial at a time per worker.
 */
import { parentPort } from "node:worker_threads";
import { runMemcapTrial, type TrialJob } from "./ks-tuning.ts";

const port = parentPort!;
port.on("message", async (job: TrialJob) => {
  try {
    port.postMessage({ ok: true, outcome: await runMemcapTrial(job) });
  } catch (e) {
    port.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});
