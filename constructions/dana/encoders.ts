/**
 * Target sequence encoders f(t) = W E(t) ∈ L(N, S, d) (Dana et al., Section 3).
 *  - `circleEncoder`: Proposition 3 — rows of W on the unit circle W_j = (cos 2πj/N, sin 2πj/N), E(t) = λ W_{g(t)};
 *    for d > 2 the remaining coordinates are 0 unless `spread` asks for random unit rows (better margins).
 *  - `fitLowRankEncoder`: the best rank-d encoder of log π by a heuristic (the paper does not say how):
 *    truncated SVD of the row-centered log π (exact when d ≥ N − 1, Proposition 2), then gradient descent
 *    (Adam) on Σ_t π(t) KL(π_t ‖ softmax(W E_t)) over W and E jointly. The KL it reaches is therefore an
 *    UPPER bound on d_KL(π, L(N,S,d)) — equal to it when d ≥ N − 1 (both zero), heuristic otherwise.
 *
 * @example
 *   const W = circleEncoder(10, 2).W; // 10 rows on the unit circle
 */
import { tableRng } from "../../src/random.ts";

/** Prop. 3's circle rows (float: W only enters through W_U = W·R, which is rounded anyway). */
export function circleEncoder(N: number, d: number, spreadSeed?: number): { W: number[][] } {
  if (d < 2) throw new RangeError("the circle encoder needs d ≥ 2 (Proposition 3)");
  if (spreadSeed !== undefined && d > 2) {
    const rng = tableRng(spreadSeed ^ 0xc12c1e);
    const W = Array.from({ length: N }, () => {
      const v = Array.from({ length: d }, () => rng.normal());
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    });
    return { W };
  }
  return { W: Array.from({ length: N }, (_, j) => [Math.cos((2 * Math.PI * j) / N), Math.sin((2 * Math.PI * j) / N), ...new Array<number>(d - 2).fill(0)]) };
}

/** Smallest gap W_g·W_g − max_{j≠g} W_j·W_g over the rows (float): the logit margin per unit λ. */
export function encoderMargin(W: number[][]): number {
  let m = Infinity;
  W.forEach((wg, g) =>
    W.forEach((wj, j) => {
      if (j !== g) m = Math.min(m, wg.reduce((a, v, i) => a + v * (v - wj[i]!), 0));
    }),
  );
  return m;
}

function logSoftmax(z: number[]): number[] {
  const mx = Math.max(...z);
  const ls = Math.log(z.reduce((a, v) => a + Math.exp(v - mx), 0)) + mx;
  return z.map((v) => v - ls);
}

/** Σ_t w_t KL(π_t ‖ softmax(z_t)) in float (labelled float wherever reported). */
export function weightedKLFloat(pi: number[][], weights: number[], logits: number[][]): number {
  let s = 0;
  pi.forEach((p, t) => {
    const ls = logSoftmax(logits[t]!);
    s += weights[t]! * p.reduce((a, v, j) => a + (v > 0 ? v * (Math.log(v) - ls[j]!) : 0), 0);
  });
  return s;
}

/** Truncated SVD by orthogonal (subspace) iteration on the T×N matrix C (float). */
function truncatedSvd(C: number[][], r: number, iters = 200): { U: number[][]; s: number[]; V: number[][] } {
  const T = C.length;
  const N = C[0]!.length;
  const rng = tableRng(12345);
  let V = Array.from({ length: N }, () => Array.from({ length: r }, () => rng.normal()));
  const orth = (A: number[][]) => {
    const n = A.length;
    const k = A[0]!.length;
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += A[i]![j]! * A[i]![p]!;
        for (let i = 0; i < n; i++) A[i]![j] = A[i]![j]! - dot * A[i]![p]!;
      }
      let nn = 0;
      for (let i = 0; i < n; i++) nn += A[i]![j]! ** 2;
      nn = Math.sqrt(nn) || 1;
      for (let i = 0; i < n; i++) A[i]![j] = A[i]![j]! / nn;
    }
    return A;
  };
  V = orth(V);
  let U: number[][] = [];
  for (let it = 0; it < iters; it++) {
    U = orth(C.map((row) => Array.from({ length: r }, (_, j) => row.reduce((a, v, i) => a + v * V[i]![j]!, 0))));
    V = orth(Array.from({ length: N }, (_, i) => Array.from({ length: r }, (_, j) => C.reduce((a, row, t) => a + row[i]! * U[t]![j]!, 0))));
  }
  const CV = C.map((row) => Array.from({ length: r }, (_, j) => row.reduce((a, v, i) => a + v * V[i]![j]!, 0)));
  const s = Array.from({ length: r }, (_, j) => Math.sqrt(CV.reduce((a, row) => a + row[j]! ** 2, 0)));
  U = CV.map((row) => row.map((v, j) => (s[j]! > 0 ? v / s[j]! : 0)));
  return { U, s, V };
}

/** The fitted encoder: W (N×d), E (T×d), the KL reached and how. */
export interface LowRankFit {
  W: number[][];
  E: number[][];
  kl: number;
  klSvd: number;
  method: string;
}

/**
 * Best rank-d encoder of log π (heuristic, see header).
 *
 * @example
 *   fitLowRankEncoder([[0.5, 0.5]], [1], 1).kl // ≈ 0 (d = 1 ≥ N − 1)
 */
export function fitLowRankEncoder(pi: number[][], weights: number[], d: number, o: { steps?: number; seed?: number } = {}): LowRankFit {
  const T = pi.length;
  const N = pi[0]!.length;
  const C = pi.map((p) => {
    const l = p.map(Math.log);
    const mean = l.reduce((a, b) => a + b, 0) / N;
    return l.map((v) => v - mean);
  });
  const r = Math.min(d, N, T);
  const { U, s, V } = truncatedSvd(C, r);
  // W = V (N×r, padded to d), E_t = s ∘ U_t
  const W = V.map((row) => [...row, ...new Array<number>(d - r).fill(0)]);
  const E = U.map((row) => [...row.map((v, j) => v * s[j]!), ...new Array<number>(d - r).fill(0)]);
  const logits = () => E.map((e) => W.map((w) => w.reduce((a, v, i) => a + v * e[i]!, 0)));
  const klSvd = weightedKLFloat(pi, weights, logits());
  if (d >= N - 1 || klSvd < 1e-14) return { W, E, kl: klSvd, klSvd, method: `truncated SVD of centered log π (rank ${r}; exact since d ≥ N − 1)` };
  // Adam on the weighted KL, jointly in W and E
  const steps = o.steps ?? 2000;
  const lr = 0.02;
  const params = [W, E];
  const mom = params.map((P) => P.map((row) => row.map(() => 0)));
  const vel = params.map((P) => P.map((row) => row.map(() => 0)));
  let best = { kl: klSvd, W: W.map((r) => r.slice()), E: E.map((r) => r.slice()) };
  for (let it = 1; it <= steps; it++) {
    const gW = W.map((row) => row.map(() => 0));
    const gE = E.map((row) => row.map(() => 0));
    E.forEach((e, t) => {
      const z = W.map((w) => w.reduce((a, v, i) => a + v * e[i]!, 0));
      const ls = logSoftmax(z);
      const g = ls.map((l, j) => weights[t]! * (Math.exp(l) - pi[t]![j]!)); // ∂KL/∂z
      for (let j = 0; j < N; j++)
        for (let i = 0; i < d; i++) {
          gW[j]![i] = gW[j]![i]! + g[j]! * e[i]!;
          gE[t]![i] = gE[t]![i]! + g[j]! * W[j]![i]!;
        }
    });
    [gW, gE].forEach((G, p) =>
      G.forEach((row, a) =>
        row.forEach((gv, b) => {
          mom[p]![a]![b] = 0.9 * mom[p]![a]![b]! + 0.1 * gv;
          vel[p]![a]![b] = 0.999 * vel[p]![a]![b]! + 0.001 * gv * gv;
          const mh = mom[p]![a]![b]! / (1 - 0.9 ** it);
          const vh = vel[p]![a]![b]! / (1 - 0.999 ** it);
          params[p]![a]![b] = params[p]![a]![b]! - (lr * mh) / (Math.sqrt(vh) + 1e-12);
        }),
      ),
    );
    if (it % 50 === 0 || it === steps) {
      const kl = weightedKLFloat(pi, weights, logits());
      if (kl < best.kl) best = { kl, W: W.map((r) => r.slice()), E: E.map((r) => r.slice()) };
    }
  }
  return { W: best.W, E: best.E, kl: best.kl, klSvd, method: `truncated SVD of centered log π (rank ${r}) refined by ${steps} Adam steps on the weighted KL (heuristic upper bound on d_KL(π, L(N,S,d)))` };
}
