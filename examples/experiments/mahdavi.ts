/**
 * Mahdavi, Liao & Thrampoulidis, accuracy vs H (shared/papers/mahdavi-liao-thrampoulidis.md) at reduced
 * size: memcap's `mha` model (query token attends to its n context tokens, d_v = 1 per head), random
 * contexts, uniform classes, cross-entropy; training-set accuracy after training against H, with
 * Theorem 1's H(min(n, d_h) − 1) + 1 as the fraction of the N examples it guarantees.
 *
 *   npx tsx examples/experiments/mahdavi.ts [--seed 1 --steps 1500 --N 256 --d 16 --n 8 --dh 8 --classes 10]  → mahdavi-h.md
 */
import { mahdaviCapacity } from "../../src/bounds/mahdavi.ts";
import { MODEL_DEFAULTS } from "../../src/train/models.ts";
import { ARITHMETIC, fitLine, flags, say, trainOnce, writeTable } from "./common.ts";

const f = flags({ seed: 1, steps: 1500, N: 256, d: 16, n: 8, dh: 8, classes: 10, lr: 1e-2, H: [1, 2, 4, 8, 16] });
const rows: string[] = [];
const xs: number[] = [], ys: number[] = [];
for (const H of f.H) {
  const config = { ...MODEL_DEFAULTS.mha, d: f.d, seqLen: f.n, dh: f.dh, heads: H, examples: f.N, classes: f.classes };
  const s = await trainOnce(config, { steps: f.steps, batch: f.N, lr: f.lr, schedule: "cosine", warmup: Math.round(0.05 * f.steps), optimizer: "adam" }, f.seed + H);
  say(`H=${H}: accuracy ${s.accuracy.toFixed(4)} loss ${s.loss.toFixed(3)} (${s.seconds.toFixed(1)}s)`);
  const thm = mahdaviCapacity({ H, n: f.n, dh: f.dh });
  xs.push(H);
  ys.push(s.correct);
  rows.push(`| ${H} | ${s.parameters} | ${s.accuracy.toFixed(4)} | ${s.correct} | ${thm} | ${Math.min(1, thm / f.N).toFixed(4)} |`);
}
const fit = fitLine(xs, ys);
writeTable("mahdavi-h", [
  "# Mahdavi et al.: training accuracy vs number of heads (reduced size)",
  "",
  `Model: memcap \`mha\` (per-head W_Q, W_K ∈ R^{d×d_h}, W_V ∈ R^{d×1}, W_O ∈ R^{H×d}, linear readout, scores /√d_h), d = ${f.d} (paper: 64), n = ${f.n} context tokens (paper: 32), d_h = ${f.dh}, N = ${f.N} examples with a new U[0,1]^d context each, ${f.classes} uniform classes, cross-entropy.`,
  `Training: Adam, full batch, lr ${f.lr}, 5% warmup + cosine, **${f.steps} steps** (paper: max(500N/256, 50 000) steps at lr 1e-3 with batch 256; reduced for a 2-core CPU), seed ${f.seed} + H.`,
  "Accuracy = training-set argmax accuracy after training — a **" + ARITHMETIC + " measurement**, not a certificate.",
  "",
  "| H | parameters | accuracy | examples memorized | Theorem 1 H(min(n,d_h)−1)+1 | Theorem 1 as a fraction of N |",
  "|---|---|---|---|---|---|",
  ...rows,
  "",
  `Least-squares slope: **${fit.slope.toFixed(1)} examples per head** (Theorem 1: min(n, d_h) − 1 = ${Math.min(f.n, f.dh) - 1} per head). The paper reports accuracy linear in H (R² ≥ 0.98) at d = 64.`,
  "",
  `Regenerate: \`npx tsx examples/experiments/mahdavi.ts --seed ${f.seed} --steps ${f.steps} --N ${f.N} --d ${f.d} --n ${f.n} --dh ${f.dh} --classes ${f.classes}\``,
].join("\n"));
