/**
 * memcap's layering rules, as code (docs/architecture.md): the kernel (src/) imports nothing from
 * constructions/, app/ or proofs-check/; constructions/ import nothing from app/ and never commander;
 * proofs-check/ imports only its own files, the trusted kernel files its README lists, and a few
 * packages; no runtime import cycle anywhere. test/architecture/layering.test.ts runs it on the tree
 * and on planted violations; `npx tsx scripts/layering.ts` prints the violations and the folder graph.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/** What proofs-check may import from outside its folder (kept in step with proofs-check/README.md). */
export const PROOFS_CHECK_TRUSTED_FILES = ["src/numbers/rational.ts", "src/certificate/format.ts", "src/ir/network.ts"];
export const PROOFS_CHECK_PACKAGES = ["decimal.js", "zod"];
/** The one file outside its folder proofs-check may start (as a worker thread): the TypeScript loader's entry. */
export const PROOFS_CHECK_WORKER_ENTRY = "bin/ts-worker.mjs";

export const KERNEL_ROOT = "src";
export const LAYER_ROOTS = ["src", "constructions", "app", "proofs-check"] as const;

export interface ImportEdge {
  from: string;
  /** Repository-relative path for a relative import; the bare specifier for a package. */
  to: string;
  relative: boolean;
  /** `import type` / `export type`: erased at run time, so it cannot form a runtime cycle. */
  typeOnly: boolean;
}

const IMPORT_RE = /(?:^|[\s;])(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The import edges of one source file (static imports, re-exports and dynamic `import("…")`). */
export function importsOf(file: string, source: string): ImportEdge[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:'"`])\/\/.*$/gm, "$1");
  const out: ImportEdge[] = [];
  for (const m of code.matchAll(IMPORT_RE)) {
    const spec = m[3] ?? m[4]!;
    const typeOnly = !!m[2];
    if (spec.startsWith(".")) out.push({ from: file, to: normalize(join(dirname(file), spec)), relative: true, typeOnly });
    else out.push({ from: file, to: spec, relative: false, typeOnly });
  }
  return out;
}

const layerOf = (path: string) => LAYER_ROOTS.find((r) => path === r || path.startsWith(r + "/"));

/** Every rule the tree breaks, in words; an empty list when the layering holds. */
export function layeringViolations(files: Map<string, string>): string[] {
  const bad: string[] = [];
  const edges = [...files].flatMap(([f, s]) => importsOf(f, s));
  // files proofs-check starts by URL (worker threads) are held to the same boundary as its imports
  for (const [f, src] of files) {
    if (layerOf(f) !== "proofs-check") continue;
    for (const m of src.matchAll(/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)) {
      const to = normalize(join(dirname(f), m[1]!));
      if (layerOf(to) !== "proofs-check" && to !== PROOFS_CHECK_WORKER_ENTRY) bad.push(`proofs-check starts ${to} (${f}); outside its folder only ${PROOFS_CHECK_WORKER_ENTRY}`);
    }
  }
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = e.relative ? layerOf(e.to) : undefined;
    if (from === "proofs-check") {
      if (e.relative && to !== "proofs-check" && !PROOFS_CHECK_TRUSTED_FILES.includes(e.to)) bad.push(`proofs-check imports ${e.to} (${e.from}); only ${PROOFS_CHECK_TRUSTED_FILES.join(", ")} are trusted`);
      if (!e.relative && !e.to.startsWith("node:") && !PROOFS_CHECK_PACKAGES.includes(e.to)) bad.push(`proofs-check imports the package ${e.to} (${e.from}); only ${PROOFS_CHECK_PACKAGES.join(", ")} and node: builtins`);
    }
    if (from === "src" && (to === "constructions" || to === "app" || to === "proofs-check")) bad.push(`kernel file ${e.from} imports ${to}/ (${e.to})`);
    if (from === "constructions") {
      if (to === "app") bad.push(`construction ${e.from} imports application code ${e.to}`);
      if (!e.relative && (e.to === "commander" || e.to.startsWith("commander/"))) bad.push(`construction ${e.from} imports commander (CLI code belongs in app/cli)`);
    }
  }
  for (const cycle of runtimeCycles(files, edges)) bad.push(`runtime import cycle: ${cycle.join(" → ")}`);
  return bad;
}

/** Cycles among runtime (non-type) relative imports between the given files (Tarjan's SCCs). */
export function runtimeCycles(files: Map<string, string>, edges: ImportEdge[]): string[][] {
  const adj = new Map<string, string[]>();
  for (const e of edges) if (e.relative && !e.typeOnly && files.has(e.to)) (adj.get(e.from) ?? adj.set(e.from, []).get(e.from)!).push(e.to);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (adj.get(v) ?? []).includes(v)) out.push(scc.reverse().concat(scc[0]!));
    }
  };
  for (const v of files.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** The repository's TypeScript/JavaScript sources under the layer roots (repository-relative paths). */
export function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      const p = join(dir, name);
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else if (/\.(ts|mts|mjs)$/.test(name)) files.set(p, readFileSync(join(root, p), "utf8"));
    }
  };
  for (const r of LAYER_ROOTS) walk(r);
  return files;
}

/** Folder-level import graph ("a/b -> c/d  count"), for docs and closing notes. */
export function folderGraph(files: Map<string, string>): string[] {
  const count = new Map<string, number>();
  for (const [f, s] of files)
    for (const e of importsOf(f, s)) {
      if (!e.relative) continue;
      const a = dirname(f);
      const b = dirname(e.to);
      if (a !== b) count.set(`${a} -> ${b}`, (count.get(`${a} -> ${b}`) ?? 0) + 1);
    }
  return [...count].sort().map(([k, n]) => `${k}  ${n}`);
}

if (process.argv[1] && relative(process.cwd(), process.argv[1]).replace(/\\/g, "/") === "scripts/layering.ts") {
  const files = readTree(process.cwd());
  if (process.argv.includes("--graph")) console.log(folderGraph(files).join("\n"));
  const bad = layeringViolations(files);
  console.log(bad.length ? bad.join("\n") : `layering holds over ${files.size} files`);
  process.exitCode = bad.length ? 1 : 0;
}
