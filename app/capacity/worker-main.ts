/**
 * Worker-thread body: receives `{ job, index }` messages, searches the configuration, and posts
 * `{ type: "probe" }` after every probe and `{ type: "done", record }` (or `{ type: "error" }`) at the end.
 * One job at a time per worker; the pool (run.ts) hands out the next job when one is done.
 */
import { parentPort } from "node:worker_threads";
import type { CapacityJob } from "./probe.ts";
import { searchJob } from "./search-job.ts";

const port = parentPort!;
port.on("message", async (m: { job: CapacityJob; index: number }) => {
  try {
    const record = await searchJob(m.job, m.index, (probe) => port.postMessage({ type: "probe", index: m.index, probe }));
    port.postMessage({ type: "done", index: m.index, record });
  } catch (e) {
    port.postMessage({ type: "error", index: m.index, message: e instanceof Error ? e.message : String(e) });
  }
});
