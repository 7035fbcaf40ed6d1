/**
 * Writes the report folder: index.html, report.md, report.json and plots/<stem>.svg|.png.
 * Everything is written into a sibling temporary folder first and swapped in at the end, so an
 * interrupted run leaves the previous report intact and never a half-written one.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commitTemporary, discardTemporary, prepareOutput, temporaryBeside } from "../../src/io/output.ts";
import { jsonReplacer } from "../cli/output.ts";
import { renderSvg, svgToPng } from "../plot/render.ts";
import { gzipSync } from "node:zlib";
import { buildDocument, certificateFiles } from "./document.ts";
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
  const dir = prepareOutput(outDir, { folder: true, what: "report folder" });
  const tmp = temporaryBeside(dir);
  mkdirSync(tmp);
  mkdirSync(join(tmp, "plots"));
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
    const certs = certificateFiles(data);
    if (certs.length) mkdirSync(join(tmp, "certificates"));
    for (const c of certs) writeFileSync(join(tmp, c.file), c.gzip ? gzipSync(c.text) : c.text);
    writeFileSync(join(tmp, "index.html"), toHtml(blocks, svgs));
    writeFileSync(join(tmp, "report.md"), toMarkdown(blocks));
    // the certificates themselves live in certificates/; report.json names their files
    const { certificates, ...rest } = data;
    const listed = { ...rest, certificates: certificates.map((c) => ({ subject: c.subject, status: c.status, bytes: c.text.length, file: certs.find((f) => f.text === c.text)?.file ?? null })) };
    writeFileSync(join(tmp, "report.json"), JSON.stringify(listed, jsonReplacer, 1) + "\n");
    const old = temporaryBeside(dir);
    if (existsSync(dir)) renameSync(dir, old);
    commitTemporary(tmp, dir);
    discardTemporary(old);
    return { dir, html: join(dir, "index.html"), markdown: join(dir, "report.md"), json: join(dir, "report.json"), plots };
  } catch (e) {
    discardTemporary(tmp);
    throw e;
  }
}
