// Worker-thread entry of the parallel checker (parallel.ts). Node 20 does not pass the main thread's
// TypeScript loader on to worker threads, so the worker registers tsx (the loader only: no checker code
// comes from it) before loading its TypeScript body, worker-main.ts.
import { register } from "tsx/esm/api";

register();
await import("./worker-main.ts");
