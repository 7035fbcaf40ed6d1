/**
 * Learning-rate schedules: linear warmup from 0 over `warmup` steps, then cosine decay to 0,
 * linear decay to 0, or constant.
 */
export const SCHEDULES = ["cosine", "linear", "constant"] as const;
export type Schedule = (typeof SCHEDULES)[number];

/**
 * Learning rate at 0-based step t of `steps`.
 * @example learningRate("cosine", 1e-2, 10, 100, 0) === 1e-3
 */
export function learningRate(schedule: Schedule, lr: number, warmup: number, steps: number, t: number): number {
  if (t < warmup) return (lr * (t + 1)) / warmup;
  if (schedule === "constant") return lr;
  const p = Math.min(1, (t - warmup) / Math.max(1, steps - warmup));
  return schedule === "cosine" ? 0.5 * lr * (1 + Math.cos(Math.PI * p)) : lr * (1 - p);
}
