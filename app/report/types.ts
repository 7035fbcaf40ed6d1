/**
 * The report's building blocks. A section is one small module (app/report/sections/<name>.ts):
 * it declares its options (a strict zod object with defaults, plus smaller `--quick` overrides),
 * runs, and returns tables, plots, verdicts and raw JSON. The runner turns every section's result
 * into one document rendered as HTML, Markdown and JSON, so a construction joins the report by
 * adding one section module and one registry line.
 */
import type { z } from "zod";
import type { TopLevelSpec } from "vega-lite";

/**
 * What a line of the report asserts, and on what authority:
 *  VERIFIED / REJECTED / INCONCLUSIVE  the independent checker's answer on a certificate (exact or interval arithmetic)
 *  HOLDS / FAILS                        an exact comparison (integers, rationals, certified enclosures) made by the section
 *  HELD / COUNTEREXAMPLE                a claims-registry search: no violation on K random valid inputs (evidence),
 *                                       or a minimized input on which the claim fails
 *  FLOAT                                a floating-point measurement (training), never a proof
 *  ERROR                                the section could not run; the detail says why
 */
export type VerdictStatus = "VERIFIED" | "REJECTED" | "INCONCLUSIVE" | "HOLDS" | "FAILS" | "HELD" | "COUNTEREXAMPLE" | "FLOAT" | "ERROR";

export interface Verdict {
  subject: string;
  status: VerdictStatus;
  detail: string;
}

export interface Table {
  title?: string;
  columns: string[];
  rows: (string | number | boolean | null)[][];
}

export interface PlotSpec {
  /** File stem under plots/ (lowercase, digits, dashes). */
  id: string;
  title: string;
  /** One or two sentences: what is drawn and how to read it. */
  caption: string;
  spec: TopLevelSpec;
}

export interface SectionResult {
  /** One line for the terminal summary table. */
  summary: string;
  /** Free text paragraphs shown under the section title (what was run, with which sizes and seeds). */
  notes?: string[];
  tables: Table[];
  plots: PlotSpec[];
  verdicts: Verdict[];
  /** Everything a script would want (exact values as strings), written into report.json. */
  json: unknown;
}

/** Progress reporting from inside a section: declare the number of steps, then tick each with a label. */
export interface Progress {
  total(steps: number): void;
  tick(label: string): void;
}

export interface SectionContext {
  /** The suite's seed; a section derives every random choice from it (and records what it used). */
  seed: number;
  progress: Progress;
}

export interface Section<O extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  title: string;
  /** Which paper/issue it covers, one sentence. */
  description: string;
  /** Strict options schema with defaults for every field: `{}` parses to the default suite. */
  options: z.ZodType<O>;
  /** Overrides applied under `--quick` (before the user's own options). */
  quick: Partial<O>;
  run(options: O, ctx: SectionContext): Promise<SectionResult>;
}

/** Lets a registry hold sections with different option types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySection = Section<any>;
