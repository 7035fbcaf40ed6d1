// Runs a TypeScript module in a worker thread: `new Worker(TS_WORKER, { workerData: { module: url, … } })`.
// Node 20 does not pass the main thread's tsx loader hooks on to worker threads, so the worker registers
// tsx itself (as bin/memcap.mjs does for the main thread) and then imports `workerData.module`, which
// reads the rest of workerData. The loader only: no memcap code lives here.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
