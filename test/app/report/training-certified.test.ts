// The report's training section shows, next to the float count, what the trained weights are certified
// to memorize (re-checked by proofs-check), never more than the float run counted where both decide.
import { describe, expect, it } from "vitest";
import { trainingSection, TrainingOptions } from "../../../app/report/sections/training.ts";

describe("report training section: certified from training", () => {
  it("reports a VERIFIED certified-from-training count per H, next to the FLOAT one", async () => {
    const o = TrainingOptions.parse({ H: [1, 2], multiples: [1], restarts: 1, steps: 200 });
    const res = await trainingSection.run(o, { seed: 7, progress: { total() {}, tick() {} } });
    const rows = (res.json as { rows: { H: number; trainedBest: number; trainedCertified: number; runs: { correct: number; certified: number; checker: string }[] }[] }).rows;
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      for (const u of r.runs) {
        expect(u.checker).toBe("VERIFIED");
        expect(u.certified).toBe(u.correct); // the intervals agree with the float run here: none refuted, none undecided
      }
      expect(r.trainedCertified).toBeGreaterThan(0);
    }
    const v = res.verdicts.filter((x) => x.subject.startsWith("certified from training"));
    expect(v.map((x) => x.status)).toEqual(["VERIFIED", "VERIFIED"]);
    expect(res.verdicts.filter((x) => x.subject.startsWith("trained AoT")).every((x) => x.status === "FLOAT")).toBe(true);
    expect(res.tables[0]!.columns).toContain("certified from training (re-checked)");
  });
});
