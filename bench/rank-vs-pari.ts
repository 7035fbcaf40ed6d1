/**
 * Certified exact rank vs FLINT and PARI/GP, side by side (run: `npx tsx bench/rank-vs-pari.ts`).
 *
 * Matrices (seeded, `--seed`, default 11): 300×300 and 600×600 with random 64-bit entries (full
 * rank), and 300×300 products A·B of rank 200 (A 300×200, B 200×300, entries in [−1000, 1000]) —
 * the families of the acceptance check /work/shared/acceptance/rank-vs-pari. `--large` adds the
 * 600×600 product of rank 200.
 *
 * Every tool is timed inside itself, best of `--reps` (default 3; four times as many on the full-rank
 * cases, whose few milliseconds are at the mercy of the scheduler on a loaded machine), on the same
 * matrix:
 *   - memcap: certifiedRank (search, { verify: false }) + verifyRankCertificate (the independent
 *     re-check of the certificate), after reading the file; both times are printed and the ratios
 *     use their sum, so memcap pays for its proof;
 *   - FLINT (python-flint): fmpz_mat.rank(), exact over Z but with no re-checkable certificate, and
 *     nmod_mat.rank() modulo one prime below 2^26 (only a lower bound on the rank: the analogue of
 *     one step of memcap's search). The Python that imports `flint` is $MEMCAP_FLINT_PYTHON when
 *     set (only it), else /tmp/memcap-flint-venv/bin/python, else python3; without one the FLINT
 *     columns are skipped with a one-line message;
 *   - PARI/GP: matrank(M) timed with getwalltime() inside gp (wall time, as for the others; 1 thread).
 * Wall time is what the ratios use; the last two columns repeat them in CPU time (process CPU of
 * each tool: Node's, counting its GC threads; Python's process_time; gp's getabstime), which a
 * loaded machine distorts less.
 * `--cli` also times the whole `memcap rank FILE` process minus its start-up on a 1×1 matrix (what
 * the acceptance check measures). The machine's load average is printed before and after: the
 * development machine is shared, and load slows every column alike but makes ratios noisy.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Mulberry32 } from "../src/random.ts";
import { readMatrixFile } from "../src/linalg/read.ts";
import { certifiedRank, verifyRankCertificate } from "../src/linalg/certified.ts";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const reps = Number(arg("reps") ?? 3);
const seed = Number(arg("seed") ?? 11);
const large = process.argv.includes("--large");
const withCli = process.argv.includes("--cli");
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

const cases: { name: string; make: () => bigint[][]; rank: number; reps?: number }[] = [
  { name: "300x300 64-bit, full rank", make: () => matrix(300, 300, rand64), rank: 300, reps: 4 * reps },
  { name: "600x600 64-bit, full rank", make: () => matrix(600, 600, rand64), rank: 600, reps: 4 * reps },
  { name: "300x300 rank 200 (A·B)", make: () => product(matrix(300, 200, randSmall), matrix(200, 300, randSmall)), rank: 200 },
];
if (large) cases.push({ name: "600x600 rank 200 (A·B)", make: () => product(matrix(600, 200, randSmall), matrix(200, 600, randSmall)), rank: 200 });

const FLINT_PRIME = 67108859; // the largest prime below 2^26, memcap's largest prime size

function flintPython(): string | null {
  // an explicit $MEMCAP_FLINT_PYTHON is the only candidate (set it to a missing path to skip FLINT)
  const env = process.env.MEMCAP_FLINT_PYTHON;
  const candidates = env ? [env] : ["/tmp/memcap-flint-venv/bin/python", "python3"];
  for (const py of candidates) {
    if (py.includes("/") && !existsSync(py)) continue;
    if (spawnSync(py, ["-c", "import flint"], { encoding: "utf8" }).status === 0) return py;
  }
  return null;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${(r.stderr || "").split("\n")[0]}`);
  return r.stdout;
}

function bestWall(cmd: string, args: string[], times = reps): number {
  let b = Infinity;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    run(cmd, args);
    b = Math.min(b, (performance.now() - t) / 1000);
  }
  return b;
}

if (spawnSync("gp", ["--version-short"], { encoding: "utf8" }).status !== 0) {
  console.error("PARI/GP (gp) is not installed: install Debian's pari-gp to run this benchmark");
  process.exit(1);
}
const py = flintPython();
if (!py) console.log("FLINT column skipped: no Python with python-flint (set MEMCAP_FLINT_PYTHON or pip install python-flint into /tmp/memcap-flint-venv)");
const fmt = (x: number | null, w = 8) => (x === null ? "—" : x < 1 ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(2)} s`).padStart(w);
const ratio = (a: number, b: number | null) => (b === null ? "—" : (a / b).toFixed(2)).padStart(7);

const dir = mkdtempSync(join(tmpdir(), "memcap-bench-rank-"));
try {
  const load0 = loadavg();
  let startup = 0;
  if (withCli) {
    writeFileSync(join(dir, "one.json"), '[["1"]]');
    startup = bestWall(process.execPath, ["bin/memcap.mjs", "rank", join(dir, "one.json")]);
  }
  let flintVersion = "";
  console.log(`seed ${seed}, best of ${reps} (full rank: ${4 * reps}), load average ${load0.map((x) => x.toFixed(1)).join(" ")} (${cpus().length} cores)${withCli ? `; memcap CLI start-up ${startup.toFixed(3)} s subtracted` : ""}`);
  console.log(
    "matrix                      rank   memcap search   verify    total |  FLINT fmpz  nmod(1 prime) |  PARI/GP | memcap/FLINT memcap/PARI | CPU: /FLINT    /PARI" +
      (withCli ? " | memcap cli" : ""),
  );
  for (const c of cases) {
    const M = c.make();
    const n = c.reps ?? reps;
    const json = join(dir, "m.json");
    const gpf = join(dir, "m.gp");
    writeFileSync(json, JSON.stringify(M.map((r) => r.map(String))));
    writeFileSync(
      gpf,
      `default(parisizemax,4000000000);\nM=[${M.map((r) => r.join(",")).join(";")}];\n` +
        `b=10^12;c=10^12;r=-1;for(i=1,${n},t=getwalltime();u=getabstime();r=matrank(M);b=min(b,getwalltime()-t);c=min(c,getabstime()-u));print(r," ",b," ",c);\n`,
    );
    // memcap, in process
    let best = { total: Infinity, search: 0, verify: 0 };
    let cpu = Infinity;
    for (let i = 0; i < n; i++) {
      const f = readMatrixFile(json);
      const u0 = process.cpuUsage();
      const t0 = performance.now();
      const res = certifiedRank(f.int, { verify: false });
      const t1 = performance.now();
      const ok = verifyRankCertificate(f.int, res.certificate);
      const t2 = performance.now();
      const du = process.cpuUsage(u0);
      cpu = Math.min(cpu, (du.user + du.system) / 1e6);
      if (!ok || res.rank !== c.rank) throw new Error(`memcap: wrong or unverified rank on ${c.name}`);
      if (t2 - t0 < best.total * 1000) best = { total: (t2 - t0) / 1000, search: (t1 - t0) / 1000, verify: (t2 - t1) / 1000 };
    }
    // FLINT
    let fmpz: number | null = null;
    let fmpzCpu: number | null = null;
    let nmod: number | null = null;
    if (py) {
      let out: { fmpz_rank: number; fmpz_s: number; fmpz_cpu_s: number; nmod_s: number; flint: string; python_flint: string } | null = null;
      try {
        out = JSON.parse(run(py, ["bench/rank_flint.py", json, String(n), String(FLINT_PRIME)]).trim().split("\n").pop()!);
      } catch (e) {
        console.log(`FLINT column skipped for ${c.name}: ${(e as Error).message.split("\n")[0]}`);
      }
      if (out) {
        if (out.fmpz_rank !== c.rank) throw new Error(`FLINT fmpz rank ${out.fmpz_rank} on ${c.name}, expected ${c.rank}`);
        fmpz = out.fmpz_s;
        fmpzCpu = out.fmpz_cpu_s;
        nmod = out.nmod_s;
        flintVersion = `FLINT ${out.flint}, python-flint ${out.python_flint}`;
      }
    }
    // PARI/GP
    const [gpRank, gpMs, gpCpuMs] = run("gp", ["-q", gpf]).trim().split("\n").pop()!.split(" ").map(Number);
    if (gpRank !== c.rank) throw new Error(`PARI/GP rank ${gpRank} on ${c.name}, expected ${c.rank}`);
    const gp = gpMs! / 1000;
    const gpCpu = gpCpuMs! / 1000;
    let cli = "";
    if (withCli) {
      const wall = bestWall(process.execPath, ["bin/memcap.mjs", "rank", json], n);
      cli = ` | ${fmt(wall - startup, 10)}`;
    }
    console.log(
      `${c.name.padEnd(27)} ${String(c.rank).padStart(4)}  ${fmt(best.search, 14)} ${fmt(best.verify)} ${fmt(best.total)} | ${fmt(fmpz, 11)} ${fmt(nmod, 14)} | ${fmt(gp)} | ${ratio(best.total, fmpz).padStart(12)} ${ratio(best.total, gp).padStart(11)} | ${ratio(cpu, fmpzCpu).padStart(9)} ${ratio(cpu, gpCpu).padStart(8)}${cli}`,
    );
  }
  const load1 = loadavg();
  console.log(
    `load average at the end ${load1.map((x) => x.toFixed(1)).join(" ")}; ${flintVersion || "FLINT not run"}; ` +
      `${run("gp", ["--version-short"]).trim() ? `PARI/GP ${run("gp", ["--version-short"]).trim()}` : ""}. ` +
      "Ratios: memcap total (search + certificate verification) over the other tool's rank, wall time, " +
      "then the same ratios in CPU time (less sensitive to the load); below 1 is faster.",
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
