/**
 * Plain-text table for the terminal summary: columns padded to their widest cell, long cells cut
 * to `maxCell` characters with an ellipsis so one row stays one line.
 */
import type { Table } from "./types.ts";

/**
 * @example
 * formatTextTable({ columns: ["a", "b"], rows: [[1, "xy"]] });
 * // "a  b \n-  --\n1  xy"
 */
export function formatTextTable(t: Table, maxCell = 60): string {
  const cut = (v: unknown) => {
    const s = v === null ? "—" : String(v);
    return s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s;
  };
  const rows = [t.columns.map(cut), ...t.rows.map((r) => r.map(cut))];
  const widths = t.columns.map((_, j) => Math.max(...rows.map((r) => (r[j] ?? "").length)));
  const line = (r: string[]) => r.map((c, j) => c.padEnd(widths[j]!)).join("  ").trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}
