/**
 * Mahdavi, Liao & Thrampoulidis (ICLR 2024): one H-head softmax attention layer memorizing
 * T = H(min(n, d_h) − 1) + 1 examples (Theorem 1 as reconstructed in src/bounds/mahdavi.ts).
 * For each H the construction is built at the theorem's T, certified by its builder with rigorous
 * intervals, and its certificate re-checked by proofs-check.
 */
import { z } from "zod";
import { generateMhaDataset } from "../../../src/data/mha.ts";
import { certifyMha } from "../../../constructions/mahdavi/certify.ts";
import { constructionCapacity, prefix } from "../../../constructions/mahdavi/explore.ts";
import type { MhaBuild } from "../../../constructions/mahdavi/build.ts";
import { MAHDAVI_RECONSTRUCTION_SOURCES, mahdaviCapacity, proposition2Bound } from "../../../src/bounds/mahdavi.ts";
import { seriesChart } from "../../plot/charts.ts";
import { recheckCertificate, type Recheck } from "../recheck.ts";
import type { Section, Verdict } from "../types.ts";

export const MhaOptions = z
  .object({
    /** Head counts to build. */
    H: z.array(z.number().int().min(1).max(64)).min(1).max(12).default([1, 2, 4, 8]),
    d: z.number().int().min(2).max(128).default(16),
    n: z.number().int().min(2).max(64).default(4),
    dh: z.number().int().min(1).max(64).default(4),
    context: z.enum(["shared", "random"]).default("shared"),
    /** ε of the regression claim |output − label| ≤ ε. */
    epsilon: z.string().regex(/^\d+(\.\d+)?(e-?\d+)?$/).default("1e-9"),
    /**
     * Capacity found: the largest T the construction certifies (rank(Z) = T, then every label certified and the
     * certificate re-checked), searched up to Proposition 2's ceiling + 1, with n ≠ d_h so that the ceiling
     * H(n − 1) + 1 and Theorem 1's H(min(n, d_h) − 1) + 1 differ. null: not searched.
     */
    found: z
      .strictObject({ H: z.array(z.number().int().min(1).max(16)).min(1).max(8), n: z.number().int().min(2).max(32), dh: z.number().int().min(1).max(32) })
      .nullable()
      .default({ H: [1, 2, 3], n: 6, dh: 3 }),
  })
  .strict();
export type MhaOptions = z.infer<typeof MhaOptions>;

interface MhaPoint {
  H: number;
  T: number;
  build: MhaBuild;
  check: Recheck | null;
}

export const mahdaviSection: Section<MhaOptions> = {
  id: "mahdavi",
  title: "Mahdavi, Liao & Thrampoulidis (reconstruction): one multi-head attention layer memorizing H(min(n,d_h)−1)+1 examples",
  description:
    "Theorem 1's count T = H(min(n,d_h)−1)+1 and its construction are " + MAHDAVI_RECONSTRUCTION_SOURCES + ". The saturated-softmax construction (head 1 takes min(n,d_h) examples, each later head min(n,d_h)−1 new ones) with a minimum-norm readout, built at that T for each H; outputs and rank(Z) certified by the builder with rigorous intervals, then the certificate re-checked by proofs-check. The paper's layer has 2Hd·d_h + 2Hd·d_v = Θ(Hd(d_h + d_v)) parameters (the abstract's Θ(Hd²) when d_h, d_v are of order d).",
  options: MhaOptions,
  quick: { H: [1, 2], found: { H: [2], n: 6, dh: 3 } },
  async run(o, ctx) {
    if (o.n >= o.d) throw new Error(`options.mha: n = ${o.n} must be below d = ${o.d} (the construction assumes n < d)`);
    ctx.progress.total(o.H.length);
    const points: MhaPoint[] = [];
    for (const H of o.H) {
      const T = mahdaviCapacity({ H, n: o.n, dh: o.dh });
      const ds = generateMhaDataset({ d: o.d, n: o.n, T, context: o.context, seed: ctx.seed });
      const build = certifyMha(ds, { H, dh: o.dh, seed: ctx.seed, epsilon: o.epsilon });
      const check = build.certificate ? recheckCertificate(build.certificate, `mha H=${H} T=${T}`) : null;
      points.push({ H, T, build, check });
      ctx.progress.tick(`H=${H} T=${T}: ${build.status}${check ? `, checker ${check.verdict.status}` : ""}`);
    }
    // capacity found beyond the theorem's T (shared context, n ≠ d_h)
    const found: { H: number; theorem: number; ceiling: number; T: number; probes: number; check: Recheck | null }[] = [];
    for (const H of o.found?.H ?? []) {
      const f = o.found!;
      if (f.n >= o.d) throw new Error(`options.mahdavi.found: n = ${f.n} must be below d = ${o.d}`);
      const c = constructionCapacity({ d: o.d, n: f.n, H, dh: f.dh, context: "shared", seed: ctx.seed });
      const b = c.largest > 0 ? certifyMha(prefix(c.full, c.largest), { H, dh: f.dh, seed: ctx.seed, epsilon: o.epsilon }) : null;
      const check = b?.certificate ? recheckCertificate(b.certificate, `mha found H=${H} n=${f.n} d_h=${f.dh} T=${c.largest}`) : null;
      found.push({ H, theorem: c.theorem, ceiling: c.ceiling, T: check?.verdict.status === "VERIFIED" ? c.largest : 0, probes: c.probes.length, check });
    }
    const verdicts: Verdict[] = points.map((p) =>
      p.check
        ? p.check.verdict
        : { subject: `mha H=${p.H} T=${p.T}`, status: "INCONCLUSIVE", detail: `the builder could not certify: ${p.build.reason ?? "no certificate"}` },
    );
    for (const p of points) {
      const cap = mahdaviCapacity({ H: p.H, n: o.n, dh: o.dh });
      if (p.build.status === "CERTIFIED")
        verdicts.push({ subject: `mha H=${p.H}: Theorem 1's T reached`, status: p.T >= cap ? "HOLDS" : "FAILS", detail: `certified T = ${p.T} ≥ H(min(n,d_h)−1)+1 = ${cap} (integers; builder's interval certificate)` });
    }
    const certifiedBy = (ok: (p: MhaPoint) => boolean) => points.filter(ok).map((p) => ({ x: p.H, y: p.T }));
    const Hs = [...o.H].sort((a, b) => a - b);
    const series = [
      { name: "T certified by the builder (intervals)", role: "measured" as const, points: certifiedBy((p) => p.build.status === "CERTIFIED") },
      { name: "T re-checked by proofs-check (VERIFIED)", role: "measured" as const, points: certifiedBy((p) => p.check?.verdict.status === "VERIFIED") },
      { name: "Theorem 1: H(min(n,d_h)−1)+1", role: "bound" as const, points: Hs.map((H) => ({ x: H, y: mahdaviCapacity({ H, n: o.n, dh: o.dh }) })) },
      ...(o.context === "shared" ? [{ name: "Prop. 2 (shared context): rank(Z) ≤ H(n−1)+1", role: "bound" as const, points: Hs.map((H) => ({ x: H, y: proposition2Bound({ H, n: o.n }) })) }] : []),
    ];
    const ok = points.filter((p) => p.check?.verdict.status === "VERIFIED").length;
    return {
      summary: `${points.filter((p) => p.build.status === "CERTIFIED").length}/${points.length} built and certified by the builder; ${ok}/${points.length} re-checked VERIFIED`,
      notes: [
        `Data: generateMhaDataset with d = ${o.d}, n = ${o.n}, ${o.context} context, regression labels U[0,1] (dyadic), seed ${ctx.seed}; claim |output − label| ≤ ${o.epsilon}. d_h = ${o.dh}. ` +
          "Parameters are counted on the built network; the paper's count 2Hd·d_h + 2Hd·d_v is shown next to it. cond(Z) is a float estimate.",
      ],
      tables: [
        {
          title: "Built layers",
          columns: ["H", "T", "H(min(n,d_h)−1)+1", "builder", "checker", "c (saturation)", "digits", "parameters", "paper 2Hd(d_h+d_v)", "cond(Z) (float)", "build (s)", "check (s)"],
          rows: points.map((p) => [
            p.H,
            p.T,
            mahdaviCapacity({ H: p.H, n: o.n, dh: o.dh }),
            p.build.status,
            p.check?.verdict.status ?? "—",
            p.build.c,
            p.build.precisionDigits,
            p.build.parameters?.measured ?? null,
            p.build.parameters?.paperFormulaValue ?? null,
            p.build.cond ? p.build.cond.cond.toExponential(2) : null,
            p.build.seconds.toFixed(2),
            p.check ? p.check.seconds.toFixed(2) : null,
          ]),
        },
      ],
      plots: [
        {
          id: "t-vs-h",
          title: "Mahdavi et al.: certified T vs H",
          caption: `Examples memorized by the built layer (d = ${o.d}, n = ${o.n}, d_h = ${o.dh}) against Theorem 1's line${o.context === "shared" ? " and Proposition 2's rank ceiling for a shared context" : ""}.`,
          spec: seriesChart({ title: "Mahdavi et al.: certified T vs H", xTitle: "H (heads)", xInteger: true, yTitle: "T (examples memorized)", series }),
        },
        ...(found.length
          ? [
              {
                id: "capacity-found",
                title: "Mahdavi et al.: capacity found vs H (n ≠ d_h)",
                caption: `The largest T at which the construction certifies rank(Z) = T and every label (certificate VERIFIED by proofs-check), searched up to Proposition 2's ceiling + 1 on one seeded dataset with a shared context (d = ${o.d}, n = ${o.found!.n}, d_h = ${o.found!.dh}), against the reconstructed Theorem 1's H(min(n,d_h)−1)+1 and Proposition 2's H(n−1)+1.`,
                spec: seriesChart({
                  title: "Mahdavi et al.: capacity found (certified) vs H",
                  xTitle: "H (heads)",
                  xInteger: true,
                  yTitle: "largest T certified",
                  series: [
                    { name: "capacity found, VERIFIED", role: "measured", points: found.filter((f) => f.T > 0).map((f) => ({ x: f.H, y: f.T })) },
                    { name: "Theorem 1 (reconstructed): H(min(n,d_h)−1)+1", role: "bound", points: found.map((f) => ({ x: f.H, y: f.theorem })) },
                    { name: "Proposition 2 ceiling: H(n−1)+1", role: "reference", points: found.map((f) => ({ x: f.H, y: f.ceiling })) },
                  ],
                }),
              },
            ]
          : []),
      ],
      verdicts: [...verdicts, ...found.flatMap((f) => (f.check ? [f.check.verdict] : []))],
      json: {
        options: o,
        seed: ctx.seed,
        capacityFound: found.map((f) => ({ H: f.H, theorem: f.theorem, proposition2Ceiling: f.ceiling, largestCertified: f.T, probes: f.probes, verdict: f.check?.verdict ?? null })),
        points: points.map((p) => ({ H: p.H, T: p.T, status: p.build.status, reason: p.build.reason ?? null, c: p.build.c, precisionDigits: p.build.precisionDigits, attempts: p.build.attempts, parameters: p.build.parameters ?? null, cond: p.build.cond ?? null, seconds: p.build.seconds, checker: p.check ? { verdict: p.check.verdict, claims: p.check.claims, bytes: p.check.bytes, seconds: p.check.seconds } : null })),
      },
    };
  },
};
