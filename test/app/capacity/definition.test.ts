/**
 * The one capacity definition (app/capacity/definition.ts) and its users: a 35/36 run is a best
 * accuracy at a size, not a capacity of 35; a search that memorized its largest size is capped; the
 * report's training section reports the largest size some run memorized 100% and flags a cap.
 */
import { describe, expect, it } from "vitest";
import { bestAccuracyAt, capacityOf, formatCapacity } from "../../../app/capacity/definition.ts";
import { searchCapacity } from "../../../app/capacity/search.ts";
import { trainingSection } from "../../../app/report/sections/training.ts";

describe("capacity definition", () => {
  it("35 of 36 correct is not a capacity of 35: capacity is the largest size memorized 100%", () => {
    const probes = [
      { n: 24, ok: true, restarts: [{ correct: 24, accuracy: 1 }] },
      { n: 36, ok: false, restarts: [{ correct: 33, accuracy: 33 / 36 }, { correct: 35, accuracy: 35 / 36 }] },
    ];
    expect(capacityOf(probes, 100)).toEqual({ capacity: 24, capped: false, largestTried: 36 });
    expect(bestAccuracyAt(probes)).toEqual({ n: 36, correct: 35, accuracy: 35 / 36 });
  });
  it("memorizing the largest size allowed is capped; nothing memorized is 0, not capped", () => {
    expect(capacityOf([{ n: 8, ok: true }, { n: 16, ok: true }], 16)).toMatchObject({ capacity: 16, capped: true });
    expect(formatCapacity(capacityOf([{ n: 16, ok: true }], 16))).toBe("16+");
    expect(capacityOf([{ n: 1, ok: false }], 16)).toMatchObject({ capacity: 0, capped: false });
    expect(bestAccuracyAt([{ n: 16, ok: true, restarts: [{ correct: 16, accuracy: 1 }] }])).toBeNull();
  });
  it("the search's figure is the definition's", async () => {
    for (const cap of [0, 1, 5, 37, 64]) {
      const r = await searchCapacity(async (n) => ({ n, ok: n <= cap }), { min: 1, max: 64 });
      expect({ capacity: r.capacity, capped: r.capped }).toEqual({ capacity: Math.min(cap, 64), capped: cap >= 64 });
      expect(capacityOf(r.probes, 64)).toMatchObject({ capacity: r.capacity, capped: r.capped });
    }
  });
});

describe("report training section", () => {
  it("reports the largest size tried that a run memorized 100%, with the cap and the best accuracy labelled apart", async () => {
    const o = trainingSection.options.parse({ H: [1], multiples: [1, 3], restarts: 1, steps: 200 });
    const res = await trainingSection.run(o, { seed: 3, progress: { total() {}, tick() {} } } as never);
    const row = (res.json as { rows: { trainedBest: number; trainedCapped: boolean; trainedAt: number; runs: { T: number; correct: number }[] }[] }).rows[0]!;
    const memorized = row.runs.filter((u) => u.correct === u.T).map((u) => u.T);
    expect(row.trainedBest).toBe(memorized.length ? Math.max(...memorized) : 0);
    expect(row.trainedCapped).toBe(row.trainedBest === Math.max(...row.runs.map((u) => u.T)));
    const table = res.tables![0]!;
    expect(table.columns.join("|")).toContain("largest size memorized 100%");
    expect(table.columns.join("|")).toContain("best accuracy at the first size not memorized");
    expect(String(table.rows[0]![4])).toBe(`${row.trainedBest}${row.trainedCapped ? "+" : ""}`);
  }, 120_000);
});
