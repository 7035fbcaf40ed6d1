// Worker-thread entry for report sections run in parallel. Node 20 does not pass the main thread's tsx
// loader hooks on to worker threads, so the worker registers tsx itself before loading its TypeScript body.
import { register } from "tsx/esm/api";

register();
await import("./section-worker-main.ts");
