/**
 * Certified exact rank vs PARI/GP's matrank, side by side (run: `npx tsx bench/rank-vs-pari.ts`).
 *
 * Matrices (seeded): 200×200 and 300×300 with random 64-bit entries (full rank), and a 300×300
 * product A·B of rank 200 (A 300×200, B 200×300, entries in [−1000, 1000]) — the same families as
 * the acceptance check /work/shared/acceptance/rank-vs-pari.
 *
 * Two memcap figures per matrix, best of `--reps` (default 3):
 *   - cli: the whole `node bin/memcap.mjs rank FILE` process (parse + certified rank + the
 *     certificate's independent verification) minus the start-up of the same command on a 1×1
 *     matrix — what the acceptance check measures;
 *   - lib: certifiedRank + verifyRankCertificate in this process, after reading the file.
 * PARI/GP: `gp -q FILE.gp` (the matrix literal is parsed by gp, as the CLI parses its JSON), minus
 * nothing (gp's own start-up is ~0.05 s and is printed). The ratio is cli / gp.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Mulberry32 } from "../src/random.ts";
import { readMatrixFile } from "../src/linalg/read.ts";
import { certifiedRank, verifyRankCertificate } from "../src/linalg/certified.ts";

const reps = Number(process.argv.find((a) => a.startsWith("--reps="))?.slice(7) ?? 3);
const seed = Number(process.argv.find((a) => a.startsWith("--seed="))?.slice(7) ?? 11);
const rng = new Mulberry32(seed);
const rand64 = (): bigint => {
  let x = 0n;
  for (let k = 0; k < 4; k++) x = (x << 16n) | BigInt(rng.int(65536));
  return x - (1n << 63n);
};
const randSmall = () => BigInt(rng.int(2001) - 1000);

function matrix(m: number, n: number, f: () => bigint): bigint[][] {
  return Array.from({ length: m }, () => Array.from({ length: n }, f));
}
function product(A: bigint[][], B: bigint[][]): bigint[][] {
  return A.map((row) => B[0]!.map((_, j) => row.reduce((s, a, k) => s + a * B[k]![j]!, 0n)));
}

const cases: { name: string; M: bigint[][]; rank: number }[] = [
  { name: "200x200 64-bit, full rank", M: matrix(200, 200, rand64), rank: 200 },
  { name: "300x300 64-bit, full rank", M: matrix(300, 300, rand64), rank: 300 },
  { name: "300x300 rank 200 (A·B)", M: product(matrix(300, 200, randSmall), matrix(200, 300, randSmall)), rank: 200 },
];

function best(cmd: string, args: string[]): { secs: number; out: string } {
  let b = Infinity;
  let out = "";
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 26 });
    const dt = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.split("\n")[0]}`);
    out = r.stdout;
    b = Math.min(b, dt);
  }
  return { secs: b, out };
}

const gpOk = spawnSync("gp", ["--version-short"], { encoding: "utf8" }).status === 0;
if (!gpOk) {
  console.error("PARI/GP (gp) is not installed: install Debian's pari-gp to run this benchmark");
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), "memcap-bench-rank-"));
try {
  writeFileSync(join(dir, "one.json"), '[["1"]]');
  writeFileSync(join(dir, "one.gp"), "print(1);\n");
  const startup = best(process.execPath, ["bin/memcap.mjs", "rank", join(dir, "one.json")]).secs;
  const gpStart = best("gp", ["-q", join(dir, "one.gp")]).secs;
  console.log(`seed ${seed}, best of ${reps}; memcap start-up ${startup.toFixed(3)} s (subtracted), gp start-up ${gpStart.toFixed(3)} s (not subtracted)`);
  console.log("matrix                          rank  memcap-cli  memcap-lib  pari-gp   ratio(cli/gp)");
  for (const c of cases) {
    const json = join(dir, "m.json");
    const gpf = join(dir, "m.gp");
    writeFileSync(json, JSON.stringify(c.M.map((r) => r.map(String))));
    writeFileSync(gpf, `default(parisizemax,2000000000);\nM=[${c.M.map((r) => r.join(",")).join(";")}];\nprint(matrank(M));\n`);
    const cli = best(process.execPath, ["bin/memcap.mjs", "rank", json, "--json"]);
    const got = JSON.parse(cli.out).rank;
    const gp = best("gp", ["-q", gpf]);
    const gpRank = Number(gp.out.trim().split("\n").pop());
    let lib = Infinity;
    for (let i = 0; i < reps; i++) {
      const f = readMatrixFile(json);
      const t = performance.now();
      const r = certifiedRank(f.int, { verify: false });
      if (!verifyRankCertificate(f.int, r.certificate) || r.rank !== c.rank) throw new Error(`memcap library: wrong or unverified rank on ${c.name}`);
      lib = Math.min(lib, (performance.now() - t) / 1000);
    }
    if (got !== c.rank || gpRank !== c.rank) throw new Error(`rank mismatch on ${c.name}: memcap ${got}, gp ${gpRank}, expected ${c.rank}`);
    const mc = cli.secs - startup;
    console.log(
      `${c.name.padEnd(31)} ${String(c.rank).padStart(4)}  ${mc.toFixed(3).padStart(9)}s ${lib.toFixed(3).padStart(10)}s ${gp.secs.toFixed(3).padStart(8)}s   ${(mc / gp.secs).toFixed(2)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
