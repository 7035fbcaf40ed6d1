/// <reference types="@webgpu/types" />
/**
 * The thin WebGPU backend (Dawn through the `webgpu` npm package): the Program's memory is one f32
 * storage buffer with the CPU backend's offsets, every primitive kernel is a WGSL pipeline (./wgsl.ts),
 * and a training step is two queue submissions (zero + forward + backward; Adam). Bind groups and the
 * per-dispatch parameter slots are built once; per step only the batch and the optimizer constants are
 * written. Loss statistics are read back only when asked for.
 *
 * On a machine without a GPU this runs on Mesa's lavapipe Vulkan driver (scripts/setup-system.sh).
 */
import { UserError } from "../errors.ts";
import type { AdamStep, Backend, BatchData, BatchStats } from "./backend.ts";
import { mean } from "./backend.ts";
import type { Kernel, Program } from "./graph.ts";
import { encodeKernel, useSplitSum, WGSL, WGSL_SPLIT } from "./wgsl.ts";

const SLOT_BYTES = 256; // minUniformBufferOffsetAlignment upper bound
const WG = 64;

/**
 * Opens a WebGPU device, or explains how to get one. The returned `gpu` (Dawn's instance) must stay
 * referenced while the device is used — Dawn processes its events only while it lives — and be dropped
 * after `device.destroy()` so that Node can exit.
 * @example const { gpu, device } = await openDevice();
 */
export async function openDevice(): Promise<{ gpu: GPU; device: GPUDevice; adapterName: string }> {
  let mod: typeof import("webgpu");
  try {
    mod = await import("webgpu");
  } catch (e) {
    throw new UserError(`cannot load the webgpu package (${(e as Error).message.split("\n")[0]}); run npm ci`, 3);
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new UserError("no WebGPU adapter could be created: install a Vulkan driver (on CPU: Mesa lavapipe from bookworm-backports) with scripts/setup-system.sh, and set XDG_RUNTIME_DIR to a writable directory", 3);
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, maxBufferSize: limits.maxBufferSize },
  });
  const info = adapter.info;
  return { gpu, device, adapterName: [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(" ") || "unknown adapter" };
}

export class WebGpuBackend implements Backend {
  readonly name = "webgpu" as const;
  readonly precision = "f32" as const;
  private device: GPUDevice | null;
  private gpu: GPU | null;
  private readonly mem: GPUBuffer;
  private readonly ints: GPUBuffer;
  private readonly step: GPUBuffer;
  private readonly slots: GPUBuffer;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly fwd: Dispatch[];
  private readonly bwd: Dispatch[];
  private readonly zero: Dispatch;
  private readonly adamD: Dispatch;
  private readonly staging: GPUBuffer;

  private constructor(readonly program: Program, gpu: GPU, device: GPUDevice, readonly adapterName: string) {
    this.device = device;
    this.gpu = gpu;
    const g = program.graph;
    const S = GPUBufferUsage.STORAGE, CS = GPUBufferUsage.COPY_SRC, CD = GPUBufferUsage.COPY_DST;
    this.mem = device.createBuffer({ size: g.memSize * 4, usage: S | CS | CD });
    this.ints = device.createBuffer({ size: g.intSize * 4, usage: S | CD });
    this.step = device.createBuffer({ size: 32, usage: GPUBufferUsage.UNIFORM | CD });
    this.staging = device.createBuffer({ size: g.memSize * 4, usage: GPUBufferUsage.MAP_READ | CD });
    const layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "storage" } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: "read-only-storage" } },
        { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform" } },
        { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform" } },
      ],
    });
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
    const all = [program.zeroGrads, program.adam, ...program.forward, ...program.backward];
    const pipelineKey = (k: (typeof all)[number]) => (useSplitSum(k) ? `${k.k}:split` : k.k);
    for (const k of all) {
      const key = pipelineKey(k);
      if (this.pipelines.has(key)) continue;
      const module = device.createShaderModule({ code: useSplitSum(k) ? WGSL_SPLIT[k.k]! : WGSL[k.k] });
      this.pipelines.set(key, device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: "main" } }));
    }
    this.slots = device.createBuffer({ size: all.length * SLOT_BYTES, usage: GPUBufferUsage.UNIFORM | CD });
    const slotData = new Uint32Array((all.length * SLOT_BYTES) / 4);
    const dispatches = all.map((k, i): Dispatch => {
      const vals = encodeKernel(k);
      if (useSplitSum(k)) vals[0] = (k.k === "reduceMod" ? k.bLen : vals[0]!) * WG; // one workgroup per output
      if (vals.length > 32) throw new Error(`kernel ${k.k} has too many slots`);
      slotData.set(vals, (i * SLOT_BYTES) / 4);
      const bind = device.createBindGroup({
        layout,
        entries: [
          { binding: 0, resource: { buffer: this.mem } },
          { binding: 1, resource: { buffer: this.ints } },
          { binding: 2, resource: { buffer: this.slots, offset: i * SLOT_BYTES, size: 128 } },
          { binding: 3, resource: { buffer: this.step } },
        ],
      });
      const groups = Math.ceil(vals[0]! / WG);
      return { pipeline: this.pipelines.get(pipelineKey(k))!, bind, x: Math.min(groups, 65535), y: Math.ceil(groups / 65535), empty: vals[0] === 0 };
    });
    device.queue.writeBuffer(this.slots, 0, slotData);
    this.zero = dispatches[0]!;
    this.adamD = dispatches[1]!;
    this.fwd = dispatches.slice(2, 2 + program.forward.length);
    this.bwd = dispatches.slice(2 + program.forward.length);
  }

  /** @example const be = await WebGpuBackend.create(compileGraph(graph)); */
  static async create(program: Program): Promise<WebGpuBackend> {
    const { gpu, device, adapterName } = await openDevice();
    return new WebGpuBackend(program, gpu, device, adapterName);
  }

  private dev(): GPUDevice {
    if (!this.device) throw new Error("WebGPU backend used after dispose()");
    return this.device;
  }

  private submit(list: Dispatch[]): void {
    const enc = this.dev().createCommandEncoder();
    const pass = enc.beginComputePass();
    for (const d of list) {
      if (d.empty) continue;
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bind);
      pass.dispatchWorkgroups(d.x, d.y);
    }
    pass.end();
    this.dev().queue.submit([enc.finish()]);
  }

  async setParams(p: Float64Array): Promise<void> {
    const g = this.program.graph;
    const q = this.dev().queue;
    q.writeBuffer(this.mem, 0, new Float32Array(p));
    q.writeBuffer(this.mem, g.mOffset * 4, new Float32Array(2 * g.paramCount));
  }
  setBatch(b: BatchData): void {
    const g = this.program.graph, q = this.dev().queue;
    for (const [name, data] of b.floats) {
      const t = g.tensors.get(name);
      if (!t || t.size !== data.length) throw new Error(`batch input ${name}: expected ${t?.size} floats, got ${data.length}`);
      q.writeBuffer(this.mem, t.offset * 4, new Float32Array(data));
    }
    for (const [name, data] of b.ints) {
      const t = g.ints.get(name);
      if (!t || t.size !== data.length) throw new Error(`batch int input ${name}: expected ${t?.size}, got ${data.length}`);
      q.writeBuffer(this.ints, t.offset * 4, data);
    }
  }
  forward(): void {
    this.submit(this.fwd);
  }
  forwardBackward(): void {
    this.submit([this.zero, ...this.fwd, ...this.bwd]);
  }
  adamStep(h: AdamStep): void {
    const c1 = 1 - h.beta1 ** h.t, c2 = 1 - h.beta2 ** h.t;
    this.dev().queue.writeBuffer(this.step, 0, new Float32Array([h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.decoupled ? 1 : 0, c1, c2]));
    this.submit([this.adamD]);
  }
  private async read(offset: number, count: number): Promise<Float32Array> {
    const dev = this.dev();
    const enc = dev.createCommandEncoder();
    enc.copyBufferToBuffer(this.mem, offset * 4, this.staging, 0, count * 4);
    dev.queue.submit([enc.finish()]);
    await this.staging.mapAsync(GPUMapMode.READ, 0, count * 4);
    const out = new Float32Array(this.staging.getMappedRange(0, count * 4).slice(0));
    this.staging.unmap();
    return out;
  }
  async stats(): Promise<BatchStats> {
    const g = this.program.graph, n = g.lossRowCount;
    if (g.correctRows !== g.lossRows + n) throw new Error("loss statistics are not contiguous");
    const v = await this.read(g.lossRows, 2 * n);
    const lossRows = Float64Array.from(v.subarray(0, n)), correct = Float64Array.from(v.subarray(n));
    return { loss: mean(lossRows), accuracy: mean(correct), lossRows, correct };
  }
  async readMemory(): Promise<Float64Array> {
    return Float64Array.from(await this.read(0, this.program.graph.memSize));
  }
  dispose(): void {
    // Dawn keeps Node alive while the device lives
    for (const b of [this.mem, this.ints, this.step, this.slots, this.staging]) b.destroy();
    this.device?.destroy();
    this.device = null;
    this.gpu = null;
    this.pipelines.clear();
  }
}

interface Dispatch {
  pipeline: GPUComputePipeline;
  bind: GPUBindGroup;
  x: number;
  y: number;
  empty: boolean;
}
