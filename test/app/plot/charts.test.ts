/** The plotting module on synthetic data: well-formed SVG with the marks and axis titles asked for, and a PNG. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Resvg } from "@resvg/resvg-js";
import { groupedBarChart, referenceThrough, seriesChart } from "../../../app/plot/charts.ts";
import { fitExponent } from "../../../src/numbers/fit.ts";
import { renderSvg, svgToPng } from "../../../app/plot/render.ts";

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe("seriesChart", () => {
  const measured = [
    { x: 100, y: 900 },
    { x: 400, y: 1800 },
    { x: 1600, y: 3700 },
  ];
  it("renders measured lines with points, dashed references, titles and legend entries", async () => {
    const svg = await renderSvg(
      seriesChart({
        title: "parameters vs N",
        xTitle: "N (sequences)",
        yTitle: "parameters",
        xLog: true,
        yLog: true,
        series: [
          { name: "built network", role: "measured", points: measured },
          referenceThrough(measured, Math.sqrt, "c·√N"),
          { name: "upper bound", role: "bound", points: measured.map((p) => ({ x: p.x, y: 5 * p.y })) },
        ],
      }),
    );
    expect(svg.startsWith("<svg")).toBe(true);
    expect(() => new Resvg(svg)).not.toThrow(); // resvg's XML parser rejects malformed documents
    expect(svg.match(/class="mark-line role-mark/g)?.length).toBe(3); // one path group per series
    expect(svg).toContain("mark-symbol role-mark"); // points on the measured series only
    const t = texts(svg);
    for (const s of ["parameters vs N", "N (sequences)", "parameters", "built network", "c·√N", "upper bound"]) expect(t).toContain(s);
    expect(svg).toMatch(/stroke-dasharray="6,4"/); // the reference curve is dashed
    const png = svgToPng(svg);
    expect([...png.slice(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
  });

  it("drops non-positive points on log axes instead of drawing them at -∞", () => {
    const spec = seriesChart({ title: "t", xTitle: "x", yTitle: "y", yLog: true, series: [{ name: "s", role: "measured", points: [{ x: 1, y: 0 }, { x: 2, y: 3 }] }] });
    expect((spec as { data: { values: unknown[] } }).data.values).toEqual([{ x: 2, y: 3, series: "s", role: "measured" }]);
  });
});

describe("groupedBarChart", () => {
  it("renders one bar per (category, group)", async () => {
    const svg = await renderSvg(
      groupedBarChart({
        title: "capacity",
        xTitle: "model",
        yTitle: "examples memorized",
        bars: [
          { category: "aot", group: "certified", value: 6 },
          { category: "aot", group: "trained", value: 9 },
          { category: "mha", group: "certified", value: 4 },
        ],
      }),
    );
    expect(() => new Resvg(svg)).not.toThrow();
    const bars = svg.match(/class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s)?.[1] ?? "";
    expect(bars.match(/<path/g)?.length).toBe(3);
    for (const s of ["capacity", "model", "examples memorized", "certified", "trained"]) expect(texts(svg)).toContain(s);
  });
});

describe("fitExponent / referenceThrough", () => {
  it("recovers the exponent of an exact power law", () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 3, noNaN: true }), fc.double({ min: 0.1, max: 100, noNaN: true }), (k, c) => {
        const pts = [1, 3, 10, 30, 100].map((x) => ({ x, y: c * x ** k }));
        expect(fitExponent(pts)).toBeCloseTo(k, 9);
      }),
      { numRuns: 100 },
    );
  });
  it("passes the reference curve through the first measured point", () => {
    const r = referenceThrough([{ x: 4, y: 10 }, { x: 16, y: 30 }], Math.sqrt, "√N");
    expect(r.points).toEqual([{ x: 4, y: 10 }, { x: 16, y: 20 }]);
    expect(fitExponent([{ x: 5, y: 1 }])).toBeNaN();
  });
});
