/**
 * The report's suite configuration (`memcap report --config FILE`): which sections run, in which
 * order, with which seed and options. Every field is validated; the first problem becomes one line
 * naming the field, e.g. `suite.json: options.aot.H[2]: expected an integer between 1 and 64`.
 *
 * @example
 *   { "seed": 7, "sections": ["ks", "aot"], "options": { "aot": { "H": [1, 2, 4] } } }
 */
import { z } from "zod";
import { UserError } from "../../src/errors.ts";
import type { AnySection } from "./types.ts";
import { paperId } from "../../src/papers.ts";

export const ReportConfigSchema = z
  .object({
    /** Seed every section derives its random choices from. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    /** Section ids to run, in this order; absent: every registered section. */
    sections: z.array(z.string()).min(1).optional(),
    /** Per-section options, keyed by section id (each section validates its own). */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type ReportConfig = z.infer<typeof ReportConfigSchema>;

export interface PlannedSection {
  section: AnySection;
  options: Record<string, unknown>;
}

export interface ReportPlan {
  seed: number;
  quick: boolean;
  sections: PlannedSection[];
}

function pathOf(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

function issueLine(where: string, prefix: string, issue: z.core.$ZodIssue): string {
  const path = pathOf([...(prefix ? [prefix] : []), ...issue.path]);
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    return `${where}: ${path ? `${path}.` : ""}${key}: unknown field`;
  }
  message = message.replace(/^Invalid input: /, "");
  return `${where}: ${path || "(top level)"}: ${message}`;
}

/**
 * Validates a raw config object against the registry and resolves each section's options
 * (defaults, then `--quick` overrides, then the user's own). Throws a one-line UserError (exit 2).
 * @example
 * const plan = resolveConfig({ seed: 3 }, SECTIONS, { quick: true, where: "default suite" });
 * plan.sections.map((s) => s.section.id);
 */
export function resolveConfig(raw: unknown, registry: AnySection[], o: { quick: boolean; where: string }): ReportPlan {
  const parsed = ReportConfigSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(issueLine(o.where, "", parsed.error.issues[0]!));
  const cfg = parsed.data;
  const known = registry.map((s) => s.id);
  // a paper's section may be named by its short id too (src/papers.ts); messages quote what the user wrote
  const canonical = (id: string) => paperId(id) ?? id;
  const listed = cfg.sections ?? known;
  const ids = listed.map(canonical);
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (!known.includes(id)) throw new UserError(`${o.where}: sections[${i}]: unknown section "${listed[i]}" (known: ${known.join(", ") || "none"})`);
    if (seen.has(id)) throw new UserError(`${o.where}: sections[${i}]: section "${listed[i]}" listed twice`);
    seen.add(id);
  });
  const userOptions = new Map<string, { key: string; value: unknown }>();
  for (const [key, value] of Object.entries(cfg.options)) {
    const id = canonical(key);
    if (!known.includes(id)) throw new UserError(`${o.where}: options.${key}: unknown section "${key}" (known: ${known.join(", ") || "none"})`);
    if (!ids.includes(id)) throw new UserError(`${o.where}: options.${key}: section "${key}" is not in "sections", so its options would be ignored`);
    if (userOptions.has(id)) throw new UserError(`${o.where}: options.${key}: options for section "${id}" given twice (as "${userOptions.get(id)!.key}" and "${key}")`);
    userOptions.set(id, { key, value });
  }
  const sections = ids.map((id) => {
    const section = registry.find((s) => s.id === id)!;
    const key = userOptions.get(id)?.key ?? id;
    const user = userOptions.get(id)?.value ?? {};
    if (typeof user !== "object" || user === null || Array.isArray(user)) throw new UserError(`${o.where}: options.${key}: expected an object`);
    const merged = { ...(o.quick ? section.quick : {}), ...(user as Record<string, unknown>) };
    const r = section.options.safeParse(merged);
    if (!r.success) throw new UserError(issueLine(o.where, `options.${key}`, r.error.issues[0]!));
    return { section, options: r.data as Record<string, unknown> };
  });
  return { seed: cfg.seed, quick: o.quick, sections };
}
