/**
 * Worker-thread body of the parallel report (parallel.ts): receives `{ index, id, options, seed }`, runs
 * that registered section, and posts its progress, then `{ type: "done", result, certificates }` (the
 * certificates it re-checked, which the report folder keeps) or `{ type: "error", message }`.
 */
import { parentPort } from "node:worker_threads";
import { SECTIONS } from "./sections/index.ts";
import { takeRecheckedCertificates } from "./recheck.ts";

const port = parentPort!;
port.on("message", async (m: { index: number; id: string; options: Record<string, unknown>; seed: number }) => {
  const section = SECTIONS.find((s) => s.id === m.id);
  try {
    if (!section) throw new Error(`no registered section "${m.id}"`);
    takeRecheckedCertificates();
    const result = await section.run(m.options, {
      seed: m.seed,
      progress: { total: (n) => port.postMessage({ type: "total", index: m.index, n }), tick: (label) => port.postMessage({ type: "tick", index: m.index, label }) },
    });
    port.postMessage({ type: "done", index: m.index, result, certificates: takeRecheckedCertificates() });
  } catch (e) {
    port.postMessage({ type: "error", index: m.index, message: e instanceof Error ? e.message : String(e), certificates: takeRecheckedCertificates() });
  }
});
