/**
 * The three papers, one name each, and the short ids users already type. Every command, report
 * section, config key and claim uses the canonical name; `paperId` accepts either spelling.
 *
 * @example paperId("aot") // "dana"
 * @example paperId("kajitsuka-sato") // "kajitsuka-sato"
 */
export const PAPER_IDS = ["kajitsuka-sato", "mahdavi", "dana"] as const;
export type PaperId = (typeof PAPER_IDS)[number];

/** Short ids, as in construction kinds (`ks-next-token`, `mha`, `aot`) and older flags. */
export const PAPER_ALIASES: Readonly<Record<string, PaperId>> = { ks: "kajitsuka-sato", mha: "mahdavi", aot: "dana" };

export const PAPER_TITLES: Readonly<Record<PaperId, string>> = {
  "kajitsuka-sato": "Kajitsuka & Sato, On the Optimal Memorization Capacity of Transformers (ICLR 2025)",
  mahdavi: "Mahdavi, Liao & Thrampoulidis, Memorization Capacity of Multi-Head Attention in Transformers (ICLR 2024)",
  dana: "Dana, Pydi & Chevaleyre, Memorization in Attention-only Transformers (AISTATS 2025)",
};

/** The canonical paper id for a canonical name or an alias; undefined for anything else. */
export function paperId(name: string): PaperId | undefined {
  if ((PAPER_IDS as readonly string[]).includes(name)) return name as PaperId;
  return Object.prototype.hasOwnProperty.call(PAPER_ALIASES, name) ? PAPER_ALIASES[name] : undefined;
}

/** "kajitsuka-sato (ks), mahdavi (mha), dana (aot)": for help texts and error messages. */
export function paperNames(): string {
  const short = Object.fromEntries(Object.entries(PAPER_ALIASES).map(([a, p]) => [p, a]));
  return PAPER_IDS.map((p) => `${p} (${short[p]})`).join(", ");
}
