// Growth fits for plots and captions (float evidence): exponent, its 95% interval, a fitted reference curve.
import { describe, expect, it } from "vitest";
import { fitExponent, fitExponentCI, fittedReference } from "../../src/numbers/fit.ts";

describe("exponent fits", () => {
  it("recover an exact power law with a zero-width interval, and widen with noise", () => {
    const exact = [10, 20, 40, 80].map((x) => ({ x, y: 3 * x ** 0.5 }));
    expect(fitExponent(exact)).toBeCloseTo(0.5, 12);
    expect(fitExponentCI(exact).halfWidth).toBeLessThan(1e-9);
    const noisy = exact.map((p, i) => ({ x: p.x, y: p.y * (i % 2 ? 1.2 : 0.85) }));
    const f = fitExponentCI(noisy);
    expect(f.halfWidth).toBeGreaterThan(0.05);
    expect(Math.abs(f.k - 0.5)).toBeLessThan(f.halfWidth);
    expect(Number.isNaN(fitExponentCI(exact.slice(0, 2)).halfWidth)).toBe(true);
  });
  it("fit the constant of a reference curve by least squares on logs", () => {
    const pts = [4, 16, 64].map((x) => ({ x, y: 7 * Math.sqrt(x) }));
    expect(fittedReference(pts, Math.sqrt).c).toBeCloseTo(7, 12);
  });
});
