// Worker-thread entry for ks-random.ts's tuning trials. Node 20 does not pass the main thread's tsx loader hooks
// on to worker threads, so each worker registers tsx itself before loading the TypeScript worker body.
import { register } from "tsx/esm/api";

register();
await import("./ks-trial-worker-main.ts");
