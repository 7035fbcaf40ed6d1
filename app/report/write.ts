/**
 * Writes the report folder: index.html, report.md, report.json and plots/<stem>.svg|.png.
 * Everything is written into a sibling temporary folder first and swapped in at the end, so an
 * interrupted run leaves the previous report intact and never a half-written one.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { jsonReplacer } from "../cli/output.ts";
import { renderSvg, svgToPng } from "../plot/render.ts";
import { buildDocument } from "./document.ts";
import { toHtml, toMarkdown } from "./render.ts";
import type { ReportData } from "./run.ts";

export interface WrittenReport {
  dir: string;
  html: string;
  markdown: string;
  json: string;
  plots: { svg: string; png: string }[];
}

/**
 * Renders every plot and writes the folder `outDir` (replacing a previous report there).
 * @example
 * const w = await writeReport(data, "report/latest"); w.html; // ".../report/latest/index.html"
 */
export async function writeReport(data: ReportData, outDir: string, onPlot: (file: string) => void = () => {}): Promise<WrittenReport> {
  const dir = resolve(outDir);
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, "plots"), { recursive: true });
  try {
    const blocks = buildDocument(data);
    const svgs = new Map<string, string>();
    const plots: { svg: string; png: string }[] = [];
    for (const b of blocks) {
      if (b.kind !== "plot") continue;
      const svg = await renderSvg(b.plot.spec);
      svgs.set(b.file, svg);
      writeFileSync(join(tmp, b.file), svg);
      writeFileSync(join(tmp, b.png), svgToPng(svg));
      plots.push({ svg: join(dir, b.file), png: join(dir, b.png) });
      onPlot(b.file);
    }
    writeFileSync(join(tmp, "index.html"), toHtml(blocks, svgs));
    writeFileSync(join(tmp, "report.md"), toMarkdown(blocks));
    writeFileSync(join(tmp, "report.json"), JSON.stringify(data, jsonReplacer, 1) + "\n");
    const old = `${dir}.old-${process.pid}`;
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
    return { dir, html: join(dir, "index.html"), markdown: join(dir, "report.md"), json: join(dir, "report.json"), plots };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
