/**
 * Dana, Pydi & Chevaleyre, Experiments 1 and 6, with the authors' recipe (their repository
 * leodana2000/Transformer_Attentional_Memory: experiments.ipynb cells "Common hyper-parameters" and
 * "Experiment 6", train.py, utils.py, models.py), as memcap expresses it:
 *
 *   data      a look-up table g(t1, t2) uniformly random over N² pairs; a fixed sample of 2⁸·2⁶ = 16,384
 *             sequences drawn with replacement (utils.py generate_data), shared by every H and restart,
 *             reshuffled every epoch, batches of 256 (64 per epoch)
 *   model     memcap's aot-code with PyTorch's initialization (models.py AoT: H parallel single-head
 *             attentions on d_h, causal mask, positions on the attention input only, no biases)
 *   training  Adam, lr 0.1 scaled by LinearLR(start 0.1, end 0.005, 64 epochs) stepped once per epoch
 *             (train.py), 64 epochs
 *   accuracy  argmax accuracy on each batch before its update, averaged over the 100 batches before the last
 *             (experiments.ipynb: sum(Acc[-101:-1])/100), then averaged over restarts (not best-of)
 *
 * The paper's figures are the authors' CSV files (Scaling laws/Data_exp_1_10.csv and Data_exp_6.csv).
 * Every number is a float training measurement (float64 by default, `--precision f32` for float32), not a
 * certificate. bench/authors-dana.ts runs this script beside the authors' own code at the same settings.
 *
 *   npx tsx examples/experiments/dana.ts --exp 1 [--H 1,6,11 --restarts 3 --seed 1 --epochs 64 --precision f64 --json]   → dana-exp1.md
 *   npx tsx examples/experiments/dana.ts --exp 6 [--restarts 20]                              → dana-exp6.md
 */
import { danaBounds } from "../../src/bounds/dana.ts";
import { MODEL_DEFAULTS, type ModelConfig } from "../../src/train/models.ts";
import { ARITHMETIC, BACKEND, PRECISION, flags, say, trainOnce, writeTable } from "./common.ts";

const RECIPE = { examples: 2 ** 8 * 2 ** 6, batch: 2 ** 8, epochs: 2 ** 6, lr: 0.1, start: 0.1, end: 0.1 * 5e-2, lastBatches: 100 };
const SPECS = {
  1: { N: 50, d: 10, dh: 10, Hs: [1, 6, 11, 16, 21, 26, 31], paper: [0.1298125, 0.324265625, 0.50625, 0.6851640625, 0.860796875, 0.9633671875, 0.9973515625], restarts: 5 },
  6: { N: 10, d: 2, dh: 2, Hs: [1, 5, 9, 13, 17, 21], paper: [0.330453125, 0.49689453125, 0.633392578125, 0.733966796875, 0.856708984375, 0.857771484375], restarts: 20 },
} as const;

const f = flags({ exp: 1, seed: 1, restarts: 0, H: [] as number[], epochs: RECIPE.epochs, json: false });
const spec = SPECS[f.exp as 1 | 6];
if (!spec) throw new Error("--exp must be 1 or 6");
const Hs = f.H.length ? f.H : [...spec.Hs];
const restarts = f.restarts || spec.restarts;
const steps = f.epochs * (RECIPE.examples / RECIPE.batch);
const config = (H: number): ModelConfig => ({ ...MODEL_DEFAULTS["aot-code"], vocab: spec.N, seqLen: 2, d: spec.d, dh: spec.dh, heads: H, examples: RECIPE.examples, draw: "replacement", init: "torch" });

interface Row {
  H: number;
  accuracy: number;
  restarts: number[];
  sd: number;
  paper: number | null;
  parameters: number;
  corollary2: number;
  seconds: number;
  /** the training processes' CPU seconds over the same windows as `seconds` */
  cpuSeconds: number;
}
const rows: Row[] = [];
for (const H of Hs) {
  const accs: number[] = [];
  let parameters = 0, seconds = 0, cpuSeconds = 0;
  for (let r = 0; r < restarts; r++) {
    // one dataset (seed) for every H and restart, a fresh initialization per restart and H
    const s = await trainOnce(config(H), { steps, batch: RECIPE.batch, lr: RECIPE.lr, epochLinear: { start: RECIPE.start, end: RECIPE.end, epochs: f.epochs }, recentBatches: RECIPE.lastBatches + 1, optimizer: "adam", weightDecay: 0, warmup: 0, logEvery: steps }, f.seed, f.seed + 1000 * (r + 1) + H);
    accs.push(s.recentBatchAccuracy!);
    parameters = s.parameters;
    seconds += s.seconds;
    cpuSeconds += s.cpuSeconds;
    say(`exp ${f.exp} H=${H} restart ${r + 1}/${restarts}: on-batch accuracy ${s.recentBatchAccuracy!.toFixed(4)} (${s.seconds.toFixed(1)} s)`);
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const sd = accs.length > 1 ? Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / (accs.length - 1)) : 0;
  const i = (spec.Hs as readonly number[]).indexOf(H);
  const corollary2 = Number(danaBounds({ vocab: spec.N, S: 2, d: spec.d, dh: spec.dh, H, T: spec.N ** 2 }).find((b) => b.id === "cor2-accuracy")!.value);
  rows.push({ H, accuracy: mean, restarts: accs, sd, paper: i >= 0 ? spec.paper[i]! : null, parameters, corollary2, seconds, cpuSeconds });
}

const recipe = `${RECIPE.examples} sequences drawn with replacement (seed ${f.seed}), batch ${RECIPE.batch}, ${f.epochs} epochs (${steps} steps), Adam lr ${RECIPE.lr} × LinearLR(${RECIPE.start} → ${+RECIPE.end.toPrecision(6)}) per epoch, PyTorch initialization; accuracy on-batch before each update over the last ${RECIPE.lastBatches} batches, mean of ${restarts} restart(s)`;
if (f.json) {
  const initSeeds = "seed + 1000·(restart + 1) + H (restart 0-based)";
  process.stdout.write(JSON.stringify({ experiment: f.exp, paper: "Dana, Pydi & Chevaleyre 2025", N: spec.N, d: spec.d, dh: spec.dh, seed: f.seed, initSeeds, epochs: f.epochs, batch: RECIPE.batch, examples: RECIPE.examples, backend: BACKEND, arithmetic: ARITHMETIC, recipe, measurement: "FLOAT", rows }, null, 1) + "\n");
} else {
  const fmt = (x: number) => x.toFixed(3);
  writeTable(`dana-exp${f.exp}`, [
    `# Dana et al. Experiment ${f.exp}, the authors' recipe`,
    "",
    `N = ${spec.N}, d = d_h = ${spec.d}, S = 2. ${recipe}. Model: memcap \`aot-code\` with \`init: "torch"\` (the authors' AoT).`,
    "Accuracy is a **" + ARITHMETIC + " measurement** (FLOAT), not a certificate; the paper column is the authors' CSV (Scaling laws/Data_exp_" + (f.exp === 1 ? "1_10" : "6") + ".csv).",
    "bench/authors-dana.ts runs the authors' own code beside this recipe at the same settings and compares the means against the spread of their restarts: bench/results/authors-dana.md.",
    "",
    "| H | paper | memcap (mean) | restarts (sd) | within 2 sd | parameters | Corollary 2 line |",
    "|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.H} | ${r.paper === null ? "—" : fmt(r.paper)} | ${fmt(r.accuracy)} | ${r.restarts.length} (${fmt(r.sd)}) | ${r.paper === null || r.restarts.length < 2 ? "—" : Math.abs(r.accuracy - r.paper) <= 2 * r.sd ? "yes" : "no"} | ${r.parameters} | ${fmt(r.corollary2)} |`),
    "",
    `Regenerate: \`npx tsx examples/experiments/dana.ts --exp ${f.exp} --seed ${f.seed} --restarts ${restarts}${f.H.length ? ` --H ${f.H.join(",")}` : ""}${f.epochs !== RECIPE.epochs ? ` --epochs ${f.epochs}` : ""}${BACKEND !== "cpu" ? ` --backend ${BACKEND}` : ""}${BACKEND === "cpu" && PRECISION !== "f64" ? ` --precision ${PRECISION}` : ""}\` (${rows.reduce((a, r) => a + r.seconds, 0).toFixed(0)} s of training on this machine).`,
  ].join("\n"));
}
