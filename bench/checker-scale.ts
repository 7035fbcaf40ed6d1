/**
 * Checker scale benchmark (issue 5, "Scale"): for each construction at its benchmark size, build the
 * certificate with the builder's API, time the builder's own verification of the network, then time
 * the independent checker (proofs-check/check.ts) on the same certificate, and print the ratio
 * checker / builder (target ≤ 2), peak memory and the certificate's file size.
 *
 * Each construction runs in its own child process (`--one CASE`, a clean heap); the checker is then
 * run once more alone in a fresh process on the written file (`--check FILE`: read + JSON.parse +
 * check), so that its peak RSS is not the builder's.
 *
 * What "the builder's own verification" is, per construction:
 *   ks     exact rational evaluation of every example (compileExact, inside runKs: run.seconds.verify)
 *   mha    the certification at the certificate's precision: encloseFeatures (softmax features) +
 *          certifyOutputs (every output decided); the readout solve and the rank certificate are not
 *          counted (the checker does neither), printed apart as "builder attempt".
 *   dana   fastVerdicts: float64 interval enclosure of every logit vector and the argmax verdicts;
 *          the builder's decimal confirmation at the certificate's digits (certificatePrecision)
 *          is printed apart.
 *
 *   npx tsx bench/checker-scale.ts                    # ks 10000, mha, dana10, dana50
 *   npx tsx bench/checker-scale.ts ks:1000 ks:3000    # named cases (ks:N for another N)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkCertificate } from "../proofs-check/check.ts";
import type { Certificate } from "../src/certificate/format.ts";
import { Rational } from "../src/numbers/rational.ts";

interface Row {
  case: string;
  shape: string;
  examples: number;
  buildSeconds: number;
  builderVerify: number;
  builderVerifyWhat: string;
  builderExtra?: string;
  checkSeconds: number;
  parseSeconds: number;
  verdict: string;
  arithmetic: string;
  bytes: number;
  rssAfterBuildMiB: number;
  maxRssMiB: number;
  file: string;
  alone?: { seconds: number; verdict: string; maxRssMiB: number };
}

const mib = () => process.resourceUsage().maxRSS / 1024;
const secs = (t0: number) => (performance.now() - t0) / 1000;
const say = (m: string) => process.stderr.write(`  ${m}\n`);

async function build(name: string): Promise<{ cert: Certificate; shape: string; buildSeconds: number; builderVerify: number; what: string; extra?: string }> {
  const t0 = performance.now();
  if (name.startsWith("ks")) {
    const N = Number(name.split(":")[1] ?? 10000);
    const { generateSequenceDataset } = await import("../src/data/sequences.ts");
    const { runKs, ksCertificate } = await import("../constructions/kajitsuka-sato/certify.ts");
    const shape = { N, n: 16, d: 8, classes: 2, vocab: 256, seed: 1 };
    const ds = generateSequenceDataset(shape);
    const { run, certificateParts } = runKs(ds, { seq2seq: false, seed: 1 });
    if (run.memorized !== N) throw new Error(`ks: builder memorized ${run.memorized}/${N}`);
    return { cert: ksCertificate(ds, run, certificateParts.network, shape), shape: `ks-next-token N=${N} n=16 d=8 C=2 V=256`, buildSeconds: secs(t0) - run.seconds.verify, builderVerify: run.seconds.verify, what: "exact evaluation (compileExact)" };
  }
  if (name === "mha") {
    const { generateMhaDataset } = await import("../src/data/mha.ts");
    const { certifyMha } = await import("../constructions/mahdavi/certify.ts");
    const { encloseFeatures, scaleRationals } = await import("../constructions/mahdavi/enclosure.ts");
    const { minNormReadout, certifyOutputs } = await import("../constructions/mahdavi/solve.ts");
    const d = 64, n = 32, H = 8, T = 249;
    const ds = generateMhaDataset({ d, n, T, context: "random", seed: 1 });
    const b = certifyMha(ds, { H, dh: n, seed: 1, progress: say });
    if (!b.certificate || !b.network) throw new Error(`mha: ${b.status} ${b.reason ?? ""}`);
    const buildSeconds = secs(t0);
    // the builder's certification again, at the certificate's precision, on the network's own heads
    const att = b.network.layers[0]!;
    if (att.type !== "attention") throw new Error("mha: unexpected network");
    const R = (M: (string | number)[][]) => M.map((r) => r.map((v) => Rational.from(v)));
    const heads = att.heads.map((h) => ({ WQ: scaleRationals(R(h.WQ))[0]!, WK: scaleRationals(R(h.WK))[0]! }));
    const [X, ...E] = scaleRationals(ds.queries, ...ds.contexts);
    const F = Math.ceil(b.precisionDigits * Math.log2(10));
    const Y = ds.labels.kind === "regression" ? ds.labels.values.map((y) => [y]) : [];
    const eps = Rational.parse("1e-9");
    let t1 = performance.now();
    const enc = encloseFeatures(X!.num, E.map((e) => e.num), X!.den, heads, F);
    let verify = secs(t1);
    const ro = minNormReadout(enc, Y, F + 24);
    t1 = performance.now();
    const out = certifyOutputs(enc, ro, { kind: "abs-error", epsilon: eps, y: ds.labels.values as Rational[] });
    verify += secs(t1);
    if (out.undecided.length) throw new Error("mha: builder re-certification left outputs undecided");
    const last = b.attempts.at(-1)!;
    return { cert: b.certificate, shape: `mahdavi d=64 n=32 H=8 T=249 (random contexts, regression ε=1e-9)`, buildSeconds, builderVerify: verify, what: `encloseFeatures + certifyOutputs at ${b.precisionDigits} digits`, extra: `builder attempt incl. solve + rank: ${last.seconds.toFixed(2)} s` };
  }
  if (name === "dana10" || name === "dana50") {
    const big = name === "dana50";
    const c = big ? { N: 50, d: 10, dh: 10, H: 249 } : { N: 10, d: 2, dh: 2, H: 49 };
    const T = c.H * c.dh + c.d;
    const { randomLookupTable } = await import("../src/data/associations.ts");
    const { constructAot, fastVerdicts } = await import("../constructions/dana/association.ts");
    const { decimalLogitEnclosures } = await import("../constructions/dana/decimal-interval.ts");
    const { aotCertificate, certificatePrecision } = await import("../constructions/dana/certify.ts");
    const table = randomLookupTable({ N: c.N, S: 2, T, seed: 1 });
    const r = constructAot(table, { d: c.d, dh: c.dh, H: c.H, seed: 1, decimalEnclosure: decimalLogitEnclosures, progress: say });
    const idx = r.verdicts.flatMap((v, i) => (v === "certified" ? [i] : []));
    const buildSeconds = secs(t0);
    let t1 = performance.now();
    const v = fastVerdicts(r.network, table);
    const fast = secs(t1);
    const fastOk = v.filter((x) => x === "certified").length;
    // what the builder needed: float64 verdicts, then decimal intervals on what they left open (as in
    // constructAot); the CLI also re-checks every float64 verdict in decimal before writing a
    // certificate, at T₀ = 2500 that takes hours: timed on a sample of 20 and extrapolated (labelled)
    const open = idx.filter((i) => v[i] !== "certified");
    const part = (xs: number[]) => (xs.length > 100 ? xs.slice(0, 20) : xs);
    t1 = performance.now();
    const digits = certificatePrecision(r.network, table, part(open.length ? open : idx), r.precisionDigits ?? 20, 200);
    const decSample = secs(t1);
    if (digits === null) throw new Error("dana: decimal confirmation failed");
    const decOpen = open.length ? (decSample * open.length) / part(open).length : 0;
    const decAll = (decSample * idx.length) / part(open.length ? open : idx).length;
    const est = (xs: number[]) => (part(xs).length < xs.length ? " (extrapolated from 20)" : "");
    const fastWhat = `fastVerdicts float64 (${fastOk}/${T} certified)${open.length ? ` + decimal at ${digits} digits on ${open.length} open${est(open)}` : ""}`;
    const shape = { vocab: c.N, S: 2, d: c.d, dh: c.dh, H: c.H, T };
    const cert = aotCertificate("aot", { N: c.N, S: 2, d: c.d, dh: c.dh, H: c.H, T }, 1, r.network, table, idx, digits, shape);
    return { cert, shape: `dana N=${c.N} S=2 d=d_h=${c.d} H=${c.H} T₀=${T} (${idx.length} certified)`, buildSeconds, builderVerify: fast + decOpen, what: fastWhat, extra: `the CLI's decimal re-check of all ${idx.length} before writing, at ${digits} digits: ${decAll.toFixed(1)} s${est(idx)}` };
  }
  throw new Error(`unknown case ${name}`);
}

async function one(name: string, dir: string): Promise<Row> {
  say(`${name}: building`);
  const b = await build(name);
  const rssAfterBuildMiB = mib();
  const text = JSON.stringify(b.cert);
  const file = join(dir, `${name.replace(":", "-")}.json`);
  writeFileSync(file, text + "\n");
  say(`${name}: built in ${b.buildSeconds.toFixed(1)} s; builder verification ${b.builderVerify.toFixed(2)} s (${b.what})${b.extra ? `; ${b.extra}` : ""}; checking (${text.length} bytes)`);
  let t = performance.now();
  const data = JSON.parse(text) as unknown;
  const parseSeconds = secs(t);
  t = performance.now();
  const rep = checkCertificate(data);
  const checkSeconds = secs(t);
  return {
    case: name, shape: b.shape, examples: rep.examples, buildSeconds: b.buildSeconds, builderVerify: b.builderVerify, builderVerifyWhat: b.what, builderExtra: b.extra,
    checkSeconds, parseSeconds, verdict: rep.verdict, arithmetic: rep.arithmetic, bytes: statSync(file).size, rssAfterBuildMiB, maxRssMiB: mib(), file,
  };
}

function alone(file: string): NonNullable<Row["alone"]> {
  const t = performance.now();
  const rep = checkCertificate(JSON.parse(readFileSync(file, "utf8")));
  return { seconds: secs(t), verdict: rep.verdict, maxRssMiB: mib() };
}

const self = fileURLToPath(import.meta.url);
function child<T>(args: string[]): T {
  const res = spawnSync(process.execPath, ["--import", "tsx", self, ...args], { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "inherit"] });
  if (res.status !== 0) throw new Error(`child ${args.join(" ")} failed (${res.status})`);
  return JSON.parse(res.stdout.trim().split("\n").pop()!) as T;
}

const args = process.argv.slice(2);
if (args[0] === "--one") process.stdout.write(JSON.stringify(await one(args[1]!, args[2]!)) + "\n");
else if (args[0] === "--check") process.stdout.write(JSON.stringify(alone(args[1]!)) + "\n");
else {
  const cases = args.length ? args : ["ks:10000", "mha", "dana10", "dana50"];
  const dir = mkdtempSync(join(tmpdir(), "checker-scale-"));
  const rows: Row[] = [];
  for (const c of cases) {
    const r = child<Row>(["--one", c, dir]);
    r.alone = child<Row["alone"]>(["--check", r.file]);
    rows.push(r);
    const ratio = r.checkSeconds / r.builderVerify;
    console.log(`${r.shape}: builder verify ${r.builderVerify.toFixed(2)} s [${r.builderVerifyWhat}]; checker ${r.checkSeconds.toFixed(2)} s (${r.verdict}, ${r.arithmetic}; JSON.parse ${r.parseSeconds.toFixed(2)} s); ratio ${ratio.toFixed(2)}${ratio <= 2 ? "" : "  > 2"}; alone ${r.alone!.seconds.toFixed(2)} s, peak ${r.alone!.maxRssMiB.toFixed(0)} MiB; file ${r.bytes.toLocaleString("en-US")} bytes; build ${r.buildSeconds.toFixed(1)} s, peak ${r.maxRssMiB.toFixed(0)} MiB${r.builderExtra ? `; ${r.builderExtra}` : ""}`);
  }
  console.log("\n| construction | examples | builder verification | s | checker s (in-process) | ratio | checker alone s | checker peak RSS MiB | build+check peak RSS MiB | certificate bytes | verdict |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows)
    console.log(`| ${r.shape} | ${r.examples} | ${r.builderVerifyWhat} | ${r.builderVerify.toFixed(2)} | ${r.checkSeconds.toFixed(2)} | ${(r.checkSeconds / r.builderVerify).toFixed(2)} | ${r.alone!.seconds.toFixed(2)} | ${r.alone!.maxRssMiB.toFixed(0)} | ${r.maxRssMiB.toFixed(0)} | ${r.bytes.toLocaleString("en-US")} | ${r.verdict} |`);
  if (rows.some((r) => r.checkSeconds / r.builderVerify > 2 || r.verdict !== "VERIFIED")) process.exitCode = 1;
}
