// The Mahdavi section's capacity found: with n ≠ d_h, the largest certified T lies between the reconstructed
// Theorem 1's H(min(n,d_h)−1)+1 and Proposition 2's ceiling H(n−1)+1, and its certificate re-checks VERIFIED.
import { describe, expect, it } from "vitest";
import { mahdaviSection } from "../../../app/report/sections/mahdavi.ts";
import { MhaOptions } from "../../../app/report/sections/mahdavi.ts";

describe("report, Mahdavi et al.: capacity found", () => {
  it("lies between the theorem's line and Proposition 2's ceiling, VERIFIED", { timeout: 120_000 }, async () => {
    const o = MhaOptions.parse({ H: [1], found: { H: [1, 2], n: 6, dh: 3 } });
    const r = await mahdaviSection.run(o, { seed: 1, progress: { total() {}, tick() {} } });
    const found = (r.json as { capacityFound: { H: number; theorem: number; proposition2Ceiling: number; largestCertified: number; verdict: { status: string } | null }[] }).capacityFound;
    expect(found).toHaveLength(2);
    for (const f of found) {
      expect(f.verdict?.status).toBe("VERIFIED");
      expect(f.largestCertified).toBeGreaterThanOrEqual(f.theorem);
      expect(f.largestCertified).toBeLessThanOrEqual(f.proposition2Ceiling);
      expect(f.proposition2Ceiling).toBeGreaterThan(f.theorem); // n ≠ d_h: the two lines differ
    }
    expect(r.plots.map((p) => p.id)).toContain("capacity-found");
  });
});
