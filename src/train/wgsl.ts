/**
 * WGSL kernels of the WebGPU backend, one per primitive Kernel kind of ./graph.ts, each the f32
 * transcription of the CPU backend's loop (one invocation per output element or row). All kernels share
 * one binding layout: the f32 memory, the int inputs, this dispatch's parameter slots (u32, floats
 * bit-cast) and the per-step optimizer constants. `encodeKernel` gives a kernel's slot values; slot 0
 * is always the number of invocations.
 */
import type { Kernel } from "./graph.ts";

const HEADER = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> mem: array<f32>;
@group(0) @binding(1) var<storage, read> ints: array<i32>;
@group(0) @binding(2) var<uniform> P: array<vec4<u32>, 8>;
@group(0) @binding(3) var<uniform> STEP: array<vec4<f32>, 2>;
fn u(i: u32) -> u32 { return P[i / 4u][i % 4u]; }
fn f(i: u32) -> f32 { return bitcast<f32>(u(i)); }
const NONE: u32 = 0xffffffffu;
`;

const MAIN = (body: string) => /* wgsl */ `${HEADER}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let t = id.x + id.y * nw.x * 64u;
  if (t >= u(0u)) { return; }
${body}
}`;

/** Row-wise attention weights helpers (mask limit of row r). */
const LIMIT = /* wgsl */ `
  let cols = u(3u);
  var lim = cols;
  if (u(6u) == 1u) { lim = min(cols, u(5u) + (t % u(4u)) + 1u); }`;

export const WGSL: Record<Kernel["k"], string> = {
  fill: MAIN(`  mem[u(1u) + t] = f(2u);`),
  axpy: MAIN(`  mem[u(1u) + t] = mem[u(1u) + t] + mem[u(2u) + t];`),
  reduceMod: MAIN(`
  var s = 0.0;
  for (var i = t; i < u(3u); i = i + u(0u)) { s = s + mem[u(2u) + i]; }
  mem[u(1u) + t] = mem[u(1u) + t] + s;`),
  add: MAIN(`  mem[u(3u) + t] = mem[u(1u) + t] + mem[u(2u) + t % u(4u)];`),
  matmul: MAIN(`
  let n1 = u(1u); let M = u(2u); let N = u(3u); let K = u(4u);
  let j = t % N; let i = (t / N) % M; let o1 = (t / (N * M)) % n1; let o0 = t / (N * M * n1);
  let a = u(7u) + o0 * u(8u) + o1 * u(9u) + i * u(10u); let acs = u(11u);
  let b = u(12u) + o0 * u(13u) + o1 * u(14u) + j * u(16u); let brs = u(15u);
  var s = 0.0;
  for (var k = 0u; k < K; k = k + 1u) { s = s + mem[a + k * acs] * mem[b + k * brs]; }
  let c = u(17u) + o0 * u(18u) + o1 * u(19u) + i * u(20u) + j * u(21u);
  if (f(6u) == 0.0) { mem[c] = f(5u) * s; } else { mem[c] = mem[c] + f(5u) * s; }`),
  reluF: MAIN(`  mem[u(2u) + t] = max(mem[u(1u) + t], 0.0);`),
  reluB: MAIN(`  if (mem[u(1u) + t] > 0.0) { mem[u(3u) + t] = mem[u(3u) + t] + mem[u(2u) + t]; }`),
  rowsF: MAIN(`
  let cols = u(3u); let r = t / cols; let j = t % cols;
  mem[u(2u) + t] = mem[u(1u) + (r * u(4u) + u(5u)) * cols + j];`),
  rowsB: MAIN(`
  let cols = u(3u); let r = t / cols; let j = t % cols;
  let d = u(1u) + (r * u(4u) + u(5u)) * cols + j;
  mem[d] = mem[d] + mem[u(2u) + t];`),
  gatherF: MAIN(`
  let cols = u(4u); let r = t / cols; let j = t % cols;
  mem[u(3u) + t] = mem[u(1u) + u32(ints[u(2u) + r]) * cols + j];`),
  gatherB: MAIN(`
  let cols = u(4u); let v = i32(t / cols); let j = t % cols;
  var s = 0.0;
  for (var r = 0u; r < u(5u); r = r + 1u) { if (ints[u(2u) + r] == v) { s = s + mem[u(3u) + r * cols + j]; } }
  let d = u(1u) + t;
  mem[d] = mem[d] + s;`),
  attnF: MAIN(`${LIMIT}
  let x = u(1u) + t * cols; let o = u(2u) + t * cols; let mode = u(7u);
  for (var j = 0u; j < cols; j = j + 1u) { mem[o + j] = 0.0; }
  if (mode == 2u) { for (var j = 0u; j < lim; j = j + 1u) { mem[o + j] = 1.0 / f32(lim); } return; }
  var mx = mem[x];
  for (var j = 1u; j < lim; j = j + 1u) { mx = max(mx, mem[x + j]); }
  if (mode == 1u) {
    var cnt = 0.0;
    for (var j = 0u; j < lim; j = j + 1u) { if (mem[x + j] == mx) { cnt = cnt + 1.0; } }
    for (var j = 0u; j < lim; j = j + 1u) { if (mem[x + j] == mx) { mem[o + j] = 1.0 / cnt; } }
    return;
  }
  var s = 0.0;
  for (var j = 0u; j < lim; j = j + 1u) { let e = exp(mem[x + j] - mx); mem[o + j] = e; s = s + e; }
  for (var j = 0u; j < lim; j = j + 1u) { mem[o + j] = mem[o + j] / s; }`),
  attnB: MAIN(`${LIMIT}
  let x = u(1u) + t * cols; let d = u(2u) + t * cols; let dx = u(7u) + t * cols;
  var mx = mem[x];
  for (var j = 1u; j < lim; j = j + 1u) { mx = max(mx, mem[x + j]); }
  var s = 0.0;
  for (var j = 0u; j < lim; j = j + 1u) { s = s + exp(mem[x + j] - mx); }
  var dot = 0.0;
  for (var j = 0u; j < lim; j = j + 1u) { dot = dot + exp(mem[x + j] - mx) / s * mem[d + j]; }
  for (var j = 0u; j < lim; j = j + 1u) { mem[dx + j] = mem[dx + j] + exp(mem[x + j] - mx) / s * (mem[d + j] - dot); }`),
  ce: MAIN(`
  let C = u(4u); let l = u(1u) + t * C; let y = u32(ints[u(3u) + t]);
  var mx = mem[l]; var other = -3.0e38;
  for (var c = 0u; c < C; c = c + 1u) { mx = max(mx, mem[l + c]); if (c != y) { other = max(other, mem[l + c]); } }
  var s = 0.0;
  for (var c = 0u; c < C; c = c + 1u) { s = s + exp(mem[l + c] - mx); }
  mem[u(5u) + t] = log(s) + mx - mem[l + y];
  mem[u(6u) + t] = select(0.0, 1.0, mem[l + y] > other);
  if (u(2u) != NONE) {
    for (var c = 0u; c < C; c = c + 1u) { mem[u(2u) + t * C + c] = (exp(mem[l + c] - mx) / s - select(0.0, 1.0, c == y)) * f(7u); }
  }`),
  mse: MAIN(`
  let K = u(4u); var loss = 0.0; var ok = 1.0;
  for (var c = 0u; c < K; c = c + 1u) {
    let i = t * K + c; let p = mem[u(1u) + i]; let y = mem[u(3u) + i]; let e = p - y;
    loss = loss + e * e / f32(K);
    if (u(5u) == 0u) { if (!(p * y > 0.0)) { ok = 0.0; } } else { if (!(abs(e) < f(6u))) { ok = 0.0; } }
    if (u(2u) != NONE) { mem[u(2u) + i] = 2.0 * e / f32(K) * f(9u); }
  }
  mem[u(7u) + t] = loss;
  mem[u(8u) + t] = ok;`),
  adam: MAIN(`
  // STEP: lr, beta1, beta2, eps | weightDecay, decoupled, 1-beta1^t, 1-beta2^t
  let lr = STEP[0].x; let b1 = STEP[0].y; let b2 = STEP[0].z; let eps = STEP[0].w;
  let wd = STEP[1].x; let dec = STEP[1].y; let c1 = STEP[1].z; let c2 = STEP[1].w;
  let w = mem[u(1u) + t];
  var g = mem[u(2u) + t];
  if (dec == 0.0) { g = g + wd * w; }
  let m = b1 * mem[u(3u) + t] + (1.0 - b1) * g;
  let v = b2 * mem[u(4u) + t] + (1.0 - b2) * g * g;
  mem[u(3u) + t] = m; mem[u(4u) + t] = v;
  var upd = (m / c1) / (sqrt(v / c2) + eps);
  if (dec != 0.0) { upd = upd + wd * w; }
  mem[u(1u) + t] = w - lr * upd;`),
};

const F = (x: number): number => {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, x, true);
  return b.getUint32(0, true);
};
const OFF = (x: number): number => (x < 0 ? 0xffffffff : x);

/**
 * Slot values of one kernel dispatch (slot 0 = invocations).
 * @example encodeKernel({ k: "fill", dst: 0, n: 4, value: 0 }) // [4, 0, 0]
 */
export function encodeKernel(k: Kernel): number[] {
  switch (k.k) {
    case "fill": return [k.n, k.dst, F(k.value)];
    case "axpy": return [k.n, k.dst, k.src];
    case "reduceMod": return [k.bLen, k.dst, k.src, k.n];
    case "add": return [k.n, k.a, k.b, k.out, k.bLen];
    case "matmul": return [k.n0 * k.n1 * k.M * k.N, k.n1, k.M, k.N, k.K, F(k.alpha), F(k.beta), k.a, k.as0, k.as1, k.ars, k.acs, k.b, k.bs0, k.bs1, k.brs, k.bcs, k.c, k.cs0, k.cs1, k.crs, k.ccs];
    case "reluF": return [k.n, k.x, k.out];
    case "reluB": return [k.n, k.x, k.dout, k.dx];
    case "rowsF": return [k.rows * k.cols, k.x, k.out, k.cols, k.stride, k.first];
    case "rowsB": return [k.rows * k.cols, k.dx, k.dout, k.cols, k.stride, k.first];
    case "gatherF": return [k.rows * k.cols, k.table, k.idx, k.out, k.cols];
    case "gatherB": return [k.vocab * k.cols, k.dtable, k.idx, k.dout, k.cols, k.rows];
    case "attnF": return [k.rows, k.x, k.out, k.cols, k.groupRows, k.qFirst, k.causal, k.mode];
    case "attnB": return [k.rows, k.x, k.dout, k.cols, k.groupRows, k.qFirst, k.causal, k.dx];
    case "ce": return [k.rows, k.logits, OFF(k.dlogits), k.labels, k.classes, k.lossRows, k.correct, F(1 / k.rows)];
    case "mse": return [k.rows, k.pred, OFF(k.dpred), k.target, k.kdim, k.metric, F(k.tol), k.lossRows, k.correct, F(1 / k.rows)];
    case "adam": return [k.n, k.p, k.g, k.m, k.v];
  }
}

/**
 * Split-sum variants for long sums with few outputs (weight gradients X^T·dY over thousands of token
 * rows, bias gradients): one 64-thread workgroup per output element, each thread summing every 64th
 * term, then a tree reduction in workgroup memory. Same slots as the plain kernel except slot 0, which
 * is (number of outputs) × 64. The summation order differs from the CPU's (float32 rounding only).
 */
const SPLIT = (indices: string, term: string, write: string) => /* wgsl */ `${HEADER}
var<workgroup> partial: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = wid.x + wid.y * nw.x;
  let valid = t * 64u < u(0u);
  var s = 0.0;
  if (valid) {
${indices}
    ${term}
  }
  partial[li] = s;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride = stride / 2u) {
    if (li < stride) { partial[li] = partial[li] + partial[li + stride]; }
    workgroupBarrier();
  }
  if (valid && li == 0u) {
    s = partial[0];
${write}
  }
}`;

export const WGSL_SPLIT: Partial<Record<Kernel["k"], string>> = {
  matmul: SPLIT(
    `    let n1 = u(1u); let M = u(2u); let N = u(3u); let K = u(4u);
    let j = t % N; let i = (t / N) % M; let o1 = (t / (N * M)) % n1; let o0 = t / (N * M * n1);
    let a = u(7u) + o0 * u(8u) + o1 * u(9u) + i * u(10u); let acs = u(11u);
    let b = u(12u) + o0 * u(13u) + o1 * u(14u) + j * u(16u); let brs = u(15u);`,
    `for (var k = li; k < K; k = k + 64u) { s = s + mem[a + k * acs] * mem[b + k * brs]; }`,
    `    let n1 = u(1u); let M = u(2u); let N = u(3u);
    let j = t % N; let i = (t / N) % M; let o1 = (t / (N * M)) % n1; let o0 = t / (N * M * n1);
    let c = u(17u) + o0 * u(18u) + o1 * u(19u) + i * u(20u) + j * u(21u);
    if (f(6u) == 0.0) { mem[c] = f(5u) * s; } else { mem[c] = mem[c] + f(5u) * s; }`,
  ),
  reduceMod: SPLIT(
    `    let bLen = u(0u) / 64u;`,
    `for (var i = t + li * bLen; i < u(3u); i = i + 64u * bLen) { s = s + mem[u(2u) + i]; }`,
    `    mem[u(1u) + t] = mem[u(1u) + t] + s;`,
  ),
};

/**
 * The split-sum variant pays off when there are few outputs and each is a long sum.
 * @example useSplitSum({ k: "reduceMod", dst: 0, src: 8, n: 40000, bLen: 8 }) // true
 */
export function useSplitSum(k: Kernel): boolean {
  if (k.k === "matmul") return k.n0 * k.n1 * k.M * k.N <= 16384 && k.K >= 256;
  if (k.k === "reduceMod") return k.bLen <= 16384 && k.n / k.bLen >= 256;
  return false;
}


/**
 * A kernel rewritten for M models side by side (BatchedWebGpuBackend): every `mem[`/`ints[` access is
 * shifted by the model's base (workgroup z index × stride), the rest of the kernel unchanged — so each
 * model runs exactly the single-model arithmetic on its own slice of the buffers.
 * @example batchedWgsl(WGSL.fill, 100, 1).includes("MB = id.z * 100u")
 */
export function batchedWgsl(code: string, memStride: number, intStride: number): string {
  const zVar = code.includes("@builtin(global_invocation_id) id") ? "id" : code.includes("@builtin(workgroup_id) wid") ? "wid" : null;
  if (zVar === null) throw new Error("batchedWgsl: kernel entry point has no id/wid builtin");
  const fn = code.indexOf("fn main(");
  if (fn < 0) throw new Error("batchedWgsl: no fn main");
  const at = code.indexOf("{", fn) + 1;
  const body = code.slice(0, at).replace(/\bmem\[/g, "mem[MB + ").replace(/\bints\[/g, "ints[IB + ") + `\n  MB = ${zVar}.z * ${memStride}u; IB = ${zVar}.z * ${intStride}u;` + code.slice(at).replace(/\bmem\[/g, "mem[MB + ").replace(/\bints\[/g, "ints[IB + ");
  return `var<private> MB: u32;\nvar<private> IB: u32;\n${body}`;
}
