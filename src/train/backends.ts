/**
 * Backend selection by name and precision. The WebGPU module (and Dawn with it) is loaded only when asked
 * for, so the CPU path never starts a GPU instance.
 */
import type { BackendFactory } from "./trainer.ts";
import { CpuBackend } from "./cpu.ts";
import type { Precision } from "./kernels-wasm.ts";

export const BACKENDS = ["cpu", "webgpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** The precisions each backend runs; the first is its default. */
export const BACKEND_PRECISIONS: Record<BackendName, readonly Precision[]> = { cpu: ["f64", "f32"], webgpu: ["f32"] };

/**
 * @example const make = backendFactory("cpu"); const be = await make(program, "f32");
 */
export function backendFactory(name: BackendName): BackendFactory {
  if (name === "cpu") return async (p, precision = "f64") => new CpuBackend(p, precision);
  return async (p, precision = "f32") => {
    if (precision !== "f32") throw new RangeError(`the webgpu backend runs float32 only, not ${precision}`);
    const { WebGpuBackend } = await import("./webgpu.ts");
    return WebGpuBackend.create(p);
  };
}
