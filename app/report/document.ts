/**
 * One document model for the report, rendered twice (HTML and Markdown) so that both always hold
 * the same content: headings, paragraphs, tables, plots and verdict lists, in order.
 */
import type { ReportData } from "./run.ts";
import { verdictCounts } from "./run.ts";
import type { PlotSpec, Table, Verdict, VerdictStatus } from "./types.ts";

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; text: string; anchor?: string }
  | { kind: "paragraph"; text: string }
  | { kind: "table"; table: Table }
  | { kind: "plot"; file: string; png: string; plot: PlotSpec }
  | { kind: "verdicts"; verdicts: Verdict[] };

export const STATUS_MEANING: Record<VerdictStatus, string> = {
  VERIFIED: "the independent checker (proofs-check) re-derived every claim of the certificate with exact or rigorous interval arithmetic",
  REJECTED: "the checker found a claim false (it names the claim and the example)",
  INCONCLUSIVE: "the interval enclosure at the certificate's precision was too wide to decide; more precision is needed (never a guess)",
  HOLDS: "an exact comparison made by the report (integers, rationals or certified enclosures) is true",
  FAILS: "an exact comparison made by the report is false: a finding about the paper's literal statement, not a crash",
  HELD: "a registered claim held on every one of K random valid inputs, each decided exactly (for an open search target: searched, none found, budget K): evidence, not proof",
  COUNTEREXAMPLE: "a registered claim failed on an input, shrunk to a minimal one; expected for claims registered as false in their literal form",
  FLOAT: "a floating-point measurement (e.g. training accuracy): evidence, not proof",
  ERROR: "the section could not run; the message says why",
};

/** Plot file stem: section id and plot id, so two sections never collide. */
export function plotStem(sectionId: string, plotId: string): string {
  return `${sectionId}-${plotId}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
}

/** A short per-status tally like "3 VERIFIED, 1 FLOAT". */
export function tally(verdicts: Verdict[]): string {
  const c = new Map<string, number>();
  for (const v of verdicts) c.set(v.status, (c.get(v.status) ?? 0) + 1);
  return [...c].map(([k, n]) => `${n} ${k}`).join(", ") || "—";
}

/** The summary table: one row per section (by id on the terminal, by title in the documents). */
export function summaryTable(data: ReportData, o: { short?: boolean } = {}): Table {
  return {
    columns: ["section", "result", "verdicts", "time (s)"],
    rows: data.sections.map((s) => [o.short ? s.id : s.title, s.result.summary, tally(s.result.verdicts), s.seconds.toFixed(1)]),
  };
}

/**
 * Lays out the whole report.
 * @example
 * const blocks = buildDocument(data); blocks[0]; // { kind: "heading", level: 1, text: "memcap report" }
 */
export function buildDocument(data: ReportData): Block[] {
  const b: Block[] = [];
  b.push({ kind: "heading", level: 1, text: "memcap report" });
  const counts = verdictCounts(data);
  b.push({
    kind: "paragraph",
    text:
      `Generated ${data.createdAt} by ${data.tool} with seed ${data.seed}${data.quick ? " (quick suite)" : ""} in ${data.seconds.toFixed(1)} s ` +
      `on ${data.environment.platform}, ${data.environment.cpus} CPUs, Node ${data.environment.node}, load average ${data.environment.loadAverage.join(" ")}. ` +
      `Verdicts: ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(", ") || "none"}.`,
  });
  b.push({ kind: "heading", level: 2, text: "Summary", anchor: "summary" });
  b.push({ kind: "table", table: summaryTable(data) });
  b.push({ kind: "heading", level: 2, text: "What the verdicts mean", anchor: "verdicts" });
  b.push({
    kind: "table",
    table: { columns: ["verdict", "meaning"], rows: (Object.keys(STATUS_MEANING) as VerdictStatus[]).map((k) => [k, STATUS_MEANING[k]]) },
  });
  for (const s of data.sections) {
    b.push({ kind: "heading", level: 2, text: s.title, anchor: s.id });
    b.push({ kind: "paragraph", text: `${s.description} Options: \`${JSON.stringify(s.options)}\`; ran in ${s.seconds.toFixed(1)} s.` });
    for (const n of s.result.notes ?? []) b.push({ kind: "paragraph", text: n });
    for (const t of s.result.tables) {
      if (t.title) b.push({ kind: "heading", level: 3, text: t.title });
      b.push({ kind: "table", table: t });
    }
    for (const p of s.result.plots) {
      const stem = plotStem(s.id, p.id);
      b.push({ kind: "heading", level: 3, text: p.title });
      b.push({ kind: "plot", file: `plots/${stem}.svg`, png: `plots/${stem}.png`, plot: p });
    }
    if (s.result.verdicts.length) {
      b.push({ kind: "heading", level: 3, text: "Verdicts" });
      b.push({ kind: "verdicts", verdicts: s.result.verdicts });
    }
  }
  const files = certificateFiles(data);
  b.push({ kind: "heading", level: 2, text: "Certificates: check them yourself", anchor: "certificates" });
  b.push({
    kind: "paragraph",
    text:
      `Every certificate this report calls VERIFIED is in the folder certificates/ (gzip-compressed above 1 MB). ` +
      `Re-check one from the project root with the command beside it; each exits 0 when VERIFIED. ` +
      `Produced from commit ${data.provenance.commit ?? "unknown (not a git checkout)"}${data.provenance.dirty ? " with uncommitted changes" : ""}; ` +
      `dependencies: ${Object.entries(data.provenance.dependencies).map(([k, v]) => `${k} ${v}`).join(", ") || "unknown"}.`,
  });
  b.push({ kind: "table", table: { columns: ["certificate", "subject", "command"], rows: files.map((f) => [f.file, f.subject, f.command]) } });
  return b;
}

/** The VERIFIED certificates of a report, with the file each is written to and the command that re-checks it. */
export function certificateFiles(data: ReportData): { file: string; subject: string; command: string; text: string; gzip: boolean }[] {
  const seen = new Map<string, number>();
  return data.certificates
    .filter((c) => c.status === "VERIFIED")
    .map((c) => {
      const stem = c.subject.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "certificate";
      const k = (seen.get(stem) ?? 0) + 1;
      seen.set(stem, k);
      const gzip = c.text.length > 1 << 20;
      const file = `certificates/${stem}${k > 1 ? `-${k}` : ""}.json${gzip ? ".gz" : ""}`;
      const command = gzip ? `gunzip -c ${file} > /tmp/c.json && memcap check /tmp/c.json` : `memcap check ${file}`;
      return { file, subject: c.subject, command, text: c.text, gzip };
    });
}
