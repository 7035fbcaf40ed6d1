/**
 * Mahdavi, Liao & Thrampoulidis, accuracy vs H (shared/papers/mahdavi-liao-thrampoulidis.md) at reduced size.
 *
 * `--recipe memcap` (default): memcap's `mha` model (query token attends to its n context tokens, d_v = 1
 * per head), random contexts, uniform classes, cross-entropy, memcap's own training (Adam full batch,
 * warmup + cosine); training-set accuracy after training against H, with the reconstructed Theorem 1's
 * H(min(n, d_h) − 1) + 1 as the fraction of the N examples it guarantees.
 *
 * `--recipe authors`: the authors' recipe read from their code (mahdavi-recipe.ts has every fact and its
 * file), memcap's `mha` with mhaArch "authors"; restarts averaged; beside it the authors' own code run here
 * at the same size through bench/mahdavi_authors.py when it is present (--authors-dir DIR or
 * MEMCAP_MAHDAVI_AUTHORS; --python PY or MEMCAP_PYTHON), else that column says why it is missing.
 *
 *   npx tsx examples/experiments/mahdavi.ts [--seed 1 --steps 1500 --N 256 --d 16 --n 8 --dh 8 --classes 10]  → mahdavi-h.md
 *   npx tsx examples/experiments/mahdavi.ts --recipe authors [--H 1,2,4,8 --restarts 3 --seed 42 --fixed --json | --render A.json,B.json
 *       --authors-dir /tmp/mahdavi-authors --python /tmp/train-f32-venv/bin/python]                         → mahdavi-authors.md
 */
import { readFileSync } from "node:fs";
import { mahdaviCapacity } from "../../src/bounds/mahdavi.ts";
import { MODEL_DEFAULTS } from "../../src/train/models.ts";
import { ARITHMETIC, fitLine, flags, say, takeStringFlag, trainOnce, writeTable } from "./common.ts";
import { AUTHORS_FULL, authorsParameters, findAuthors, meanSd, REDUCED, runAuthors, runMemcap, theorem1Fraction, trainSteps, type MahdaviSize, type RunResult } from "./mahdavi-recipe.ts";

const recipe = takeStringFlag("recipe") ?? "memcap";
if (recipe === "authors") await authorsRecipe();
else if (recipe === "memcap") await memcapRecipe();
else throw new Error(`--recipe must be memcap or authors, got "${recipe}"`);

async function memcapRecipe(): Promise<void> {
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
    "Accuracy = training-set argmax accuracy after training — a **" + ARITHMETIC + " measurement**, not a certificate. The authors' own recipe: `--recipe authors` (mahdavi-authors.md).",
    "",
    "| H | parameters | accuracy | examples memorized | Theorem 1 H(min(n,d_h)−1)+1 | Theorem 1 as a fraction of N |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    `Least-squares slope: **${fit.slope.toFixed(1)} examples per head** (Theorem 1: min(n, d_h) − 1 = ${Math.min(f.n, f.dh) - 1} per head). The paper reports accuracy linear in H (R² ≥ 0.98) at d = 64.`,
    "",
    `Regenerate: \`npx tsx examples/experiments/mahdavi.ts --seed ${f.seed} --steps ${f.steps} --N ${f.N} --d ${f.d} --n ${f.n} --dh ${f.dh} --classes ${f.classes}\``,
  ].join("\n"));
}

/** What one run of `--recipe authors` measured (its --json output; --render merges several, e.g. more seeds). */
interface AuthorsRuns {
  size: MahdaviSize;
  seeds: number[];
  Hs: number[];
  authorsNote: string;
  memcapRuns: RunResult[];
  authorsRuns: RunResult[];
}

/** Several saved runs of the same size as one: their seeds and runs concatenated (the sizes must agree). */
function mergeRuns(parts: AuthorsRuns[]): AuthorsRuns {
  const [first, ...rest] = parts;
  for (const p of rest) {
    if (JSON.stringify(p.size) !== JSON.stringify(first!.size) || p.Hs.join() !== first!.Hs.join()) throw new Error("--render: the files were run at different sizes or H");
    if (p.seeds.some((s) => first!.seeds.includes(s))) throw new Error(`--render: seed repeated across files (${p.seeds.join(", ")})`);
  }
  return { ...first!, seeds: parts.flatMap((p) => p.seeds), authorsNote: [...new Set(parts.map((p) => p.authorsNote))].join("; "), memcapRuns: parts.flatMap((p) => p.memcapRuns), authorsRuns: parts.flatMap((p) => p.authorsRuns) };
}

function summarize(Hs: number[], size: MahdaviSize, memcap: RunResult[], authors: RunResult[]) {
  return Hs.map((H) => {
    const m = memcap.filter((r) => r.H === H), a = authors.filter((r) => r.H === H);
    const ms = meanSd(m.map((r) => r.accuracy)), as = a.length ? meanSd(a.map((r) => r.accuracy)) : null;
    const spread = as ? 2 * Math.sqrt((ms.sd ** 2 + as.sd ** 2) / 2) : NaN;
    return { H, parameters: m[0]!.parameters, memcap: { ...ms, runs: m.map((r) => r.accuracy), steps: m.map((r) => r.steps!), seconds: m.reduce((s, r) => s + r.wallS, 0) }, authors: as ? { ...as, runs: a.map((r) => r.accuracy), seconds: a.reduce((s, r) => s + r.wallS, 0) } : null, difference: as ? ms.mean - as.mean : null, withinSpread: as ? Math.abs(ms.mean - as.mean) <= spread : null, theorem1: theorem1Fraction(size, H) };
  });
}

async function authorsRecipe(): Promise<void> {
  const dirFlag = takeStringFlag("authors-dir"), pyFlag = takeStringFlag("python"), renderFrom = takeStringFlag("render");
  if (renderFrom) return render(mergeRuns(renderFrom.split(",").map((file) => JSON.parse(readFileSync(file, "utf8")) as AuthorsRuns)), renderFrom.split(","));
  const R = REDUCED;
  const f = flags({ seed: 42, restarts: 3, H: [1, 2, 4, 8], N: R.N, d: R.d, n: R.n, dh: R.dh, classes: R.classes, epochs: R.epochs, minSteps: R.minSteps, validateEvery: R.validateEvery, fixed: false, noAuthors: false, json: false });
  const size: MahdaviSize = { ...R, N: f.N, d: f.d, n: f.n, dh: f.dh, classes: f.classes, epochs: f.epochs, minSteps: f.minSteps, validateEvery: f.validateEvery, context: f.fixed ? "fixed" : "random" };
  const seeds = Array.from({ length: f.restarts }, (_, r) => f.seed + r);
  const memcap: RunResult[] = [];
  for (const H of f.H) {
    for (const seed of seeds) {
      const r = await runMemcap(size, H, seed);
      if (r.parameters !== authorsParameters(size, H)) throw new Error(`memcap's model has ${r.parameters} parameters, the authors' shape ${authorsParameters(size, H)}`);
      memcap.push(r);
      say(`memcap H=${H} seed ${seed}: accuracy ${r.accuracy.toFixed(4)} after ${r.steps} steps (${r.wallS.toFixed(1)} s)`);
    }
  }
  const setup = f.noAuthors ? { skip: "not run (--noAuthors)" } : findAuthors(dirFlag, pyFlag);
  let authors: RunResult[] = [], authorsNote: string;
  if ("skip" in setup) authorsNote = `the authors' code was not run: ${setup.skip}`;
  else {
    try {
      const a = await runAuthors(setup, size, f.H, seeds, (r) => say(`authors H=${r.H} seed ${r.seed}: accuracy ${r.accuracy.toFixed(4)} (${r.wallS.toFixed(1)} s)`));
      authors = a.runs;
      const bad = authors.find((r) => r.parameters !== authorsParameters(size, r.H));
      if (bad) throw new Error(`torch counts ${bad.parameters} parameters at H = ${bad.H}, the shape formula ${authorsParameters(size, bad.H)}`);
      authorsNote = `the authors' code (${setup.dir}, torch ${a.torch}, float32, one thread) run here through bench/mahdavi_authors.py`;
    } catch (e) {
      authorsNote = `the authors' code failed: ${(e as Error).message}`;
    }
  }
  const result: AuthorsRuns = { size, seeds, Hs: f.H, authorsNote, memcapRuns: memcap, authorsRuns: authors };
  if (f.json) process.stdout.write(JSON.stringify({ paper: "Mahdavi, Liao & Thrampoulidis 2024", measurement: "FLOAT", ...result, rows: summarize(f.H, size, memcap, authors) }, null, 1) + "\n");
  else render(result);
}

/** One sentence: at how many H memcap's mean is within the spread of the authors' code, and the signed gaps. */
function verdict(rows: ReturnType<typeof summarize>): string {
  const compared = rows.filter((r) => r.withinSpread !== null);
  if (!compared.length) return "No comparison: the authors' code was not run.";
  const inside = compared.filter((r) => r.withinSpread);
  const outside = compared.filter((r) => !r.withinSpread).map((r) => `H = ${r.H} (${(r.difference! >= 0 ? "+" : "") + r.difference!.toFixed(3)})`);
  const meanGap = compared.reduce((s, r) => s + r.difference!, 0) / compared.length;
  return `memcap's mean lies within the restarts' spread of the authors' code at ${inside.length} of ${compared.length} H${outside.length ? `; outside at ${outside.join(", ")}` : ""}. Mean signed difference over H: ${(meanGap >= 0 ? "+" : "") + meanGap.toFixed(3)}.`;
}

/** Writes mahdavi-authors.md (or -fixed) from the measured rows (also from a saved --json output: --render FILE). */
function render({ size, seeds, Hs, authorsNote, memcapRuns, authorsRuns }: AuthorsRuns, sources: string[] = []): void {
  const R = REDUCED;
  const rows = summarize(Hs, size, memcapRuns, authorsRuns);
  const steps = trainSteps(size);
  const recipeLine = `N = ${size.N} examples (context ${size.context}), d = n_dims = d_model = ${size.d}, n = ${size.n} context tokens, d_h = ${size.dh}, ${size.classes} classes; Adam lr ${size.lr}, batch ${size.batch}, max(${size.epochs} epochs, ${size.minSteps}) = ${steps} steps, warmup LinearLR(0.01 → 1) over ${Math.floor(steps / 20)} steps then cosine to 0, whole-set validation every ${size.validateEvery} steps keeping the lowest-loss weights, early stop at accuracy 1; seeds ${seeds.join(", ")}`;
  const fmt = (x: number) => x.toFixed(3);
  const cell = (s: { mean: number; sd: number; runs: number[] } | null) => (s ? `${fmt(s.mean)} ± ${fmt(s.sd)} (${s.runs.length})` : "—");
  const name = size.context === "fixed" ? "mahdavi-authors-fixed" : "mahdavi-authors";
  const flagsUsed = [`--H ${Hs.join(",")}`, `--restarts ${seeds.length}`, `--seed ${seeds[0]}`, ...(["N", "d", "n", "dh", "classes", "epochs", "minSteps", "validateEvery"] as const).filter((k) => size[k] !== R[k]).map((k) => `--${k} ${size[k]}`), ...(size.context === "fixed" ? ["--fixed"] : [])];
  const memcapSeconds = rows.reduce((s, r) => s + r.memcap.seconds, 0), authorsSeconds = rows.reduce((s, r) => s + (r.authors?.seconds ?? 0), 0);
  writeTable(name, [
    `# Mahdavi et al.: accuracy vs number of heads, the authors' recipe (reduced size)`,
    "",
    "The recipe, read from the authors' code (smahdavi4/attention-memorization; files and lines in examples/experiments/mahdavi-recipe.ts):",
    "",
    "- **Data** (src/task_datasets.py l. 171–210, `RandomDataset`): N examples; a query e ~ U[0,1]^{n_dims} and n context tokens ~ U[0,1]^{n_dims}, a new context per example (`context_type 'random'`; `'fixed'` shares one, l. 186–188); the class uniform over n_classes (l. 200–203); the sequence is (query, context) (l. 208). One seed (main.py l. 116–119, default 42) draws data, weights and the shuffling, the same for every H.",
    "- **Model** (src/attn_models.py, `BaselineAttention`, `CustomAttention` with d_v = 1, d_o = d_model): one embedding Linear(n_dims → d_model) with bias on every token (l. 16, 33), sinusoidal positions added after it (l. 18, 34, 90–103), per head W_Q, W_K ∈ R^{d×d_h} and W_V ∈ R^{d×1}, W_O ∈ R^{H×d}, no biases there (l. 51–54); every token is barred from attending to token 0, so the query attends to the n contexts only (l. 30–32); scores divided by √d_model, not √d_h (l. 75); no residual; a decoder Linear(d_model → n_classes) with bias read at token 0 (l. 23; src/tasks.py l. 37). d_h = d_model unless `dh` is set (main.py l. 29, 78). Parameters: d² + d + H(2·d·d_h + 2d) + classes·(d + 1) (the positional table is a buffer).",
    "- **Initialization** (attn_models.py l. 56–60): Xavier-uniform per head for W_Q, W_K, W_V, on the whole W_O; PyTorch's nn.Linear default U(±1/√fan_in) for embedding and decoder weights and biases.",
    "- **Loss**: cross-entropy of the query token's logits (src/tasks.py l. 34–39).",
    "- **Training** (src/main.py l. 31–38, 122–130; src/trainers.py l. 99–111): Adam (PyTorch defaults), lr 1e-3, batch 256 reshuffled every epoch, train_steps = max(500·N // 256, 50 000); warmup LinearLR(0.01 → 1) over train_steps // 20 steps, then CosineAnnealingLR to 0 over the rest, stepped every step.",
    "- **Accuracy** (src/trainers.py l. 62–73, 80–89, 125–137; src/main.py l. 103, 109): every 500 steps the whole training set is evaluated, the weights with the lowest whole-set loss are kept, training stops at the first evaluation with accuracy 1; the reported figure (`mem_acc`) is the whole-set argmax accuracy of the kept weights.",
    "- **Restarts**: reproduce.sh runs one seed per configuration (its README: one seed each, 6 seeds take about 20 V100 GPU-days). Here: restarts averaged (mean ± sample sd), not best-of.",
    "",
    `**Reduced size** (their defaults → here): n_dims = d_model ${AUTHORS_FULL.d} → ${size.d}, n ${AUTHORS_FULL.n} → ${size.n}, d_h = d_model (${AUTHORS_FULL.dh} → ${size.dh}), classes ${AUTHORS_FULL.classes} → ${size.classes}, N ≥ ${AUTHORS_FULL.N} (reproduce.sh: 30 000 – 130 000) → ${size.N}, min_train_steps ${AUTHORS_FULL.minSteps} → ${size.minSteps}, validation every ${AUTHORS_FULL.validateEvery} → ${size.validateEvery} steps (≈ 100 validations per run, as theirs at 50 000 steps), H ∈ {1, 5, …, 60} → {${Hs.join(", ")}}. Everything else is theirs. memcap: \`mha\` with \`mhaArch: "authors"\`, \`init: "torch"\`, the trainer's \`warmupStart: 0.01\` and \`keepBest\`.`,
    "",
    `${recipeLine}.`,
    `Accuracy is a **FLOAT measurement** (memcap ${ARITHMETIC}; the authors' code float32), not a certificate. Reference column: ${authorsNote}. The paper's own figure values are not available (its full text is not), so the authors' code at the same size is the reference.`,
    "",
    "| H | parameters (memcap = authors') | memcap mean ± sd (restarts) | authors' code mean ± sd (restarts) | difference | within the spread | Theorem 1 reference H(min(n,d_h)−1)+1 / N |",
    "|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.H} | ${r.parameters} | ${cell(r.memcap)} | ${cell(r.authors)} | ${r.difference === null ? "—" : (r.difference >= 0 ? "+" : "") + fmt(r.difference)} | ${r.withinSpread === null ? "—" : r.withinSpread ? "yes" : "no"} | ${fmt(r.theorem1)} |`),
    "",
    "\"Within the spread\": |difference| ≤ 2·√((sd_memcap² + sd_authors²)/2), twice the pooled restart sd. The last column is a reference line of memcap's reconstruction of Theorem 1 (the count it guarantees, as a fraction of N) — not a figure of the paper.",
    "",
    verdict(rows),
    "",
    "Same function and same training, checked by `bench/authors-mahdavi.ts` (output: bench/results/authors-mahdavi.md): memcap's initial weights loaded into their `BaselineAttention` give the same per-example cross-entropy, and both trained from the same weights on the same examples in the same batches (memcap's order given to their DataLoader) give the same whole-set validation losses (measured here: 4e-7 apart after 1000 steps at N = 512, H = 2; float64 against float32). The two columns therefore differ only in their random draws — data, initial weights, batch order (numpy/torch generators against memcap's) —, which is what the restarts sample: a gap of a few hundredths with restart sds of 0.03–0.10 is not resolved by 6 restarts (standard error of each difference ≈ √((sd_m² + sd_a²)/6)).",
    "",
    "Per restart (accuracy; memcap's updates made before the early stop or the end):",
    "",
    ...rows.map((r) => `- H = ${r.H}: memcap ${r.memcap.runs.map((x, i) => `${fmt(x)} (${r.memcap.steps[i]} steps)`).join(", ")}; authors' code ${r.authors ? r.authors.runs.map(fmt).join(", ") : "—"}`),
    "",
    `Training time on this (shared, loaded) 2-core machine: memcap ${memcapSeconds.toFixed(0)} s, the authors' code ${authorsSeconds.toFixed(0)} s (one thread each; \`bench/authors-mahdavi.ts\` times them side by side).`,
    "",
    `Regenerate: \`npx tsx examples/experiments/mahdavi.ts --recipe authors ${flagsUsed.join(" ")} [--authors-dir DIR --python PY, or MEMCAP_MAHDAVI_AUTHORS and MEMCAP_PYTHON]\`${sources.length ? ` (this table: rendered with \`--render ${sources.map((f) => f.replace(/^.*\//, "")).join(",")}\` from saved \`--json\` runs of consecutive seeds, which that one command repeats)` : ""}`,
  ].join("\n"));
}
