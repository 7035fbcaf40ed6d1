/**
 * The report's chart vocabulary as vega-lite specs: measured series drawn as lines with points,
 * reference curves and bounds as dashed lines, and grouped bars for side-by-side comparisons.
 * Specs are plain data, so a section can build them without rendering anything.
 */
import type { TopLevelSpec } from "vega-lite";

/** One curve: `measured` values come from built networks/runs; `reference` and `bound` are formulas. */
export interface Series {
  name: string;
  role: "measured" | "reference" | "bound";
  points: { x: number; y: number }[];
}

export interface SeriesChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  xLog?: boolean;
  yLog?: boolean;
  /** Integer ticks on x (head counts). */
  xInteger?: boolean;
  series: Series[];
  width?: number;
  height?: number;
}

const ROLE_DASH: Record<Series["role"], number[]> = { measured: [1, 0], reference: [6, 4], bound: [2, 3] };
/** Bounds are drawn wide and translucent underneath, so a measurement lying exactly on its bound stays visible. */
const ROLE_WIDTH: Record<Series["role"], number> = { measured: 2, reference: 2, bound: 7 };
const ROLE_OPACITY: Record<Series["role"], number> = { measured: 1, reference: 0.9, bound: 0.45 };

/**
 * A line chart of several series against one x axis; dashed lines for formulas, solid with points for measurements.
 * Non-positive values are dropped on a log axis (vega would place them at -∞).
 * @example
 * const spec = seriesChart({ title: "parameters vs N", xTitle: "N", yTitle: "parameters", xLog: true,
 *   series: [{ name: "built", role: "measured", points: [{ x: 100, y: 900 }, { x: 400, y: 1800 }] },
 *            { name: "√N", role: "reference", points: [{ x: 100, y: 10 }, { x: 400, y: 20 }] }] });
 */
export function seriesChart(o: SeriesChartOptions): TopLevelSpec {
  const values = o.series.flatMap((s) =>
    s.points
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!o.xLog || p.x > 0) && (!o.yLog || p.y > 0))
      .map((p) => ({ x: p.x, y: p.y, series: s.name, role: s.role })),
  );
  const names = o.series.map((s) => s.name);
  const x = {
    field: "x",
    type: "quantitative" as const,
    title: o.xTitle,
    scale: o.xLog ? { type: "log" as const } : { zero: false },
    ...(o.xInteger ? { axis: { format: "d", tickMinStep: 1 } } : {}),
  };
  const y = { field: "y", type: "quantitative" as const, title: o.yTitle, scale: o.yLog ? { type: "log" as const } : { zero: true } };
  const color = { field: "series", type: "nominal" as const, title: null, scale: { domain: names }, legend: { orient: "bottom" as const, columns: 1, labelLimit: 520 } };
  const roles = [...new Set(o.series.map((s) => s.role))];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: o.title,
    width: o.width ?? 420,
    height: o.height ?? 260,
    data: { values },
    layer: [
      {
        mark: { type: "line" },
        encoding: {
          x,
          y,
          color,
          strokeDash: { field: "role", type: "nominal", title: null, scale: { domain: roles, range: roles.map((r) => ROLE_DASH[r]) }, legend: null },
          strokeWidth: { field: "role", type: "ordinal", scale: { domain: roles, range: roles.map((r) => ROLE_WIDTH[r]) }, legend: null },
          opacity: { field: "role", type: "ordinal", scale: { domain: roles, range: roles.map((r) => ROLE_OPACITY[r]) }, legend: null },
          tooltip: [{ field: "series" }, { field: "x" }, { field: "y" }],
        },
      },
      // one point layer per measured series, smaller on top, so series lying on each other stay distinguishable
      ...o.series
        .filter((s) => s.role === "measured")
        .map((s, i) => ({
          transform: [{ filter: { field: "series", equal: s.name } }],
          mark: { type: "point" as const, filled: true, size: Math.max(25, 120 - 45 * i) },
          encoding: { x, y, color },
        })),
    ],
  } as TopLevelSpec;
}

export interface Bar {
  category: string;
  group: string;
  value: number;
}

/**
 * Grouped bars: one cluster per category, one bar per group (e.g. certified vs trained capacity per model).
 * @example
 * const spec = groupedBarChart({ title: "capacity", xTitle: "model", yTitle: "examples",
 *   bars: [{ category: "aot", group: "certified", value: 6 }, { category: "aot", group: "trained", value: 9 }] });
 */
export function groupedBarChart(o: { title: string; xTitle: string; yTitle: string; bars: Bar[]; width?: number; height?: number }): TopLevelSpec {
  const groups = [...new Set(o.bars.map((b) => b.group))];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: o.title,
    width: o.width ?? 420,
    height: o.height ?? 260,
    data: { values: o.bars.filter((b) => Number.isFinite(b.value)) },
    mark: { type: "bar" },
    encoding: {
      x: { field: "category", type: "nominal", title: o.xTitle, axis: { labelAngle: 0 } },
      xOffset: { field: "group", type: "nominal", scale: { domain: groups } },
      y: { field: "value", type: "quantitative", title: o.yTitle },
      color: { field: "group", type: "nominal", title: null, scale: { domain: groups }, legend: { orient: "bottom", columns: 1, labelLimit: 520 } },
      tooltip: [{ field: "category" }, { field: "group" }, { field: "value" }],
    },
  } as TopLevelSpec;
}

/**
 * Reference curve c·f(x) through the first measured point, so the eye compares growth rates, not constants.
 * @example
 * referenceThrough([{ x: 100, y: 50 }, { x: 400, y: 90 }], Math.sqrt, "c·√N");
 * // { name: "c·√N", role: "reference", points: [{ x: 100, y: 50 }, { x: 400, y: 100 }] }
 */
export function referenceThrough(measured: { x: number; y: number }[], f: (x: number) => number, name: string): Series {
  const first = measured[0];
  const c = first && f(first.x) !== 0 ? first.y / f(first.x) : 1;
  return { name, role: "reference", points: measured.map((p) => ({ x: p.x, y: c * f(p.x) })) };
}

