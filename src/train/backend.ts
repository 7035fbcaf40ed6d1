/**
 * What a training backend does with a compiled Program: hold the memory, take a batch, run
 * forward / backward / an Adam(W) step, and report the batch's loss and accuracy.
 */
import type { Program } from "./graph.ts";
import type { Precision } from "./kernels-wasm.ts";

/** One step's optimizer settings (the learning rate already includes the schedule). */
export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** true: AdamW (decoupled decay); false: Adam with L2 added to the gradient */
  decoupled: boolean;
  /** 1-based step number, for the bias corrections */
  t: number;
}

/** A batch: float inputs by tensor name, int inputs by int-input name, in the graph's layout. */
export interface BatchData {
  floats: Map<string, Float64Array>;
  ints: Map<string, Int32Array>;
}

export interface BatchStats {
  /** mean loss over the batch rows */
  loss: number;
  /** fraction of batch rows the loss op counts as correct (a float measurement) */
  accuracy: number;
  /** per-row correctness (1/0) */
  correct: Float64Array;
  lossRows: Float64Array;
}

export interface Backend {
  readonly name: "cpu" | "webgpu";
  /** the arithmetic of the backend's memory and kernels */
  readonly precision: Precision;
  readonly program: Program;
  setParams(p: Float64Array): Promise<void>;
  setBatch(b: BatchData): void;
  /** forward + backward (gradients of the mean loss) */
  forwardBackward(): void;
  /** forward only (loss statistics, no gradients) */
  forward(): void;
  adamStep(h: AdamStep): void;
  /** statistics of the last forward pass (waits for the device) */
  stats(): Promise<BatchStats>;
  /** the whole memory (params, grads, activations, Adam moments) as float64 */
  readMemory(): Promise<Float64Array>;
  dispose(): void;
}

/** Mean of an array. @example mean(new Float64Array([1, 3])) === 2 */
export function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}
