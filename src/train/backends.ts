/**
 * Backend selection by name. The WebGPU module (and Dawn with it) is loaded only when asked for,
 * so the CPU path never starts a GPU instance.
 */
import type { BackendFactory } from "./trainer.ts";
import { CpuBackend } from "./cpu.ts";

export const BACKENDS = ["cpu", "webgpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** @example const make = backendFactory("cpu"); const be = await make(program); */
export function backendFactory(name: BackendName): BackendFactory {
  if (name === "cpu") return async (p) => new CpuBackend(p);
  return async (p) => {
    const { WebGpuBackend } = await import("./webgpu.ts");
    return WebGpuBackend.create(p);
  };
}
