// Worker-thread entry of the parallel exact evaluator (exact-parallel.ts). Node 20 does not pass the main
// thread's tsx loader hooks on to worker threads, so the worker registers tsx before loading its body.
import { register } from "tsx/esm/api";

register();
await import("./exact-worker-main.ts");
