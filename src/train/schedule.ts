/**
 * Learning-rate schedules: linear warmup from 0 over `warmup` steps, then cosine decay to 0,
 * linear decay to 0, or constant; and PyTorch's LinearLR stepped once per epoch (`epochLinear`).
 */
export const SCHEDULES = ["cosine", "linear", "constant"] as const;
export type Schedule = (typeof SCHEDULES)[number];

/**
 * torch.optim.lr_scheduler.LinearLR(start_factor, end_factor, total_iters = epochs) stepped once per
 * epoch: in epoch e (0-based) the rate is lr·(start + (end − start)·min(e, epochs)/epochs).
 * @example epochLinear(0.1, { start: 0.1, end: 0.005, epochs: 64 }, 0) // 0.01
 */
export function epochLinear(lr: number, f: { start: number; end: number; epochs: number }, epoch: number): number {
  return lr * (f.start + ((f.end - f.start) * Math.min(epoch, f.epochs)) / f.epochs);
}

/**
 * Learning rate at 0-based step t of `steps`. The warmup is memcap's lr·(t + 1)/warmup, or with
 * `warmupStart` = s PyTorch's LinearLR(start_factor s, end_factor 1, total_iters warmup) as the first
 * scheduler of a SequentialLR: lr·(s + (1 − s)·t/warmup), the full rate reached at t = warmup where the
 * decay (CosineAnnealingLR with T_max = steps − warmup, or linear) starts.
 * @example learningRate("cosine", 1e-2, 10, 100, 0) === 1e-3
 * @example learningRate("cosine", 1e-3, 5, 100, 0, 0.01) // 1e-5 (the authors' Mahdavi recipe, trainers.py l. 101–110)
 */
export function learningRate(schedule: Schedule, lr: number, warmup: number, steps: number, t: number, warmupStart?: number): number {
  if (t < warmup) return warmupStart === undefined ? (lr * (t + 1)) / warmup : lr * (warmupStart + ((1 - warmupStart) * t) / warmup);
  if (schedule === "constant") return lr;
  const p = Math.min(1, (t - warmup) / Math.max(1, steps - warmup));
  return schedule === "cosine" ? 0.5 * lr * (1 + Math.cos(Math.PI * p)) : lr * (1 - p);
}
