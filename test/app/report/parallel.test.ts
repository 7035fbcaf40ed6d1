// The report's sections on worker threads give the same report as one thread: same summaries, verdicts
// and certificates, in the plan's order (timings aside).
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../../app/report/config.ts";
import { runReport } from "../../../app/report/run.ts";
import { silentProgress } from "../../../app/report/progress.ts";
import { SECTIONS } from "../../../app/report/sections/index.ts";

describe("parallel report", () => {
  it("equals the sequential run", { timeout: 300_000 }, async () => {
    const plan = resolveConfig({ sections: ["mahdavi", "dana", "training"], options: { dana: { H: [1, 3], edge: 1 }, mahdavi: { H: [1, 2] }, training: { H: [1], multiples: [1], steps: 50 } } }, SECTIONS, { quick: true, where: "test" });
    const one = await runReport(plan, silentProgress);
    const two = await runReport(plan, silentProgress, undefined, { workers: 2 });
    const view = (d: typeof one) => ({
      sections: d.sections.map((s) => [s.id, s.result.summary, s.result.verdicts, s.error ?? null]),
      certificates: d.certificates.map((c) => [c.subject, c.status, c.text]),
    });
    expect(view(two)).toEqual(view(one));
    expect(one.certificates.length).toBeGreaterThan(3);
  });
});
