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
import { batchedWgsl, encodeKernel, useSplitSum, WGSL, WGSL_SPLIT } from "./wgsl.ts";

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
  /** the parameters of models frozen by `freeze` (batched use: a model that stopped early) */
  private readonly frozen: GPUBuffer | null;

  /**
   * `models` > 1: M independent copies of the program side by side in one buffer (model m's memory at
   * m·memSize, its ints at m·intSize); every dispatch covers all M (workgroup z = model index), so
   * one set of dispatches trains them all. See BatchedWebGpuBackend (./webgpu-batched.ts).
   */
  private constructor(readonly program: Program, gpu: GPU, device: GPUDevice, readonly adapterName: string, readonly models = 1) {
    this.device = device;
    this.gpu = gpu;
    const g = program.graph;
    const S = GPUBufferUsage.STORAGE, CS = GPUBufferUsage.COPY_SRC, CD = GPUBufferUsage.COPY_DST;
    const M = models;
    if ((g.memSize * M) * 4 > device.limits.maxStorageBufferBindingSize || g.memSize * M >= 2 ** 32) throw new UserError(`${M} models of ${g.memSize} floats exceed the device's storage buffer limit; use fewer models per dispatch`);
    this.mem = device.createBuffer({ size: g.memSize * 4 * M, usage: S | CS | CD });
    this.ints = device.createBuffer({ size: Math.max(1, g.intSize) * 4 * M, usage: S | CD });
    this.step = device.createBuffer({ size: 32, usage: GPUBufferUsage.UNIFORM | CD });
    this.staging = device.createBuffer({ size: g.memSize * 4 * M, usage: GPUBufferUsage.MAP_READ | CD });
    this.frozen = M > 1 ? device.createBuffer({ size: Math.max(1, g.paramCount) * 4 * M, usage: CS | CD }) : null;
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
      const code = useSplitSum(k) ? WGSL_SPLIT[k.k]! : WGSL[k.k];
      const module = device.createShaderModule({ code: M > 1 ? batchedWgsl(code, g.memSize, Math.max(1, g.intSize)) : code });
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
  static async create(program: Program, models = 1): Promise<WebGpuBackend> {
    const { gpu, device, adapterName } = await openDevice();
    return new WebGpuBackend(program, gpu, device, adapterName, models);
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
      pass.dispatchWorkgroups(d.x, d.y, this.models);
    }
    pass.end();
    this.dev().queue.submit([enc.finish()]);
  }

  async setParams(p: Float64Array): Promise<void> {
    this.setParamsOf(0, p);
  }
  /** Model m's parameters (and zeroed Adam moments). */
  setParamsOf(m: number, p: Float64Array): void {
    const g = this.program.graph;
    const q = this.dev().queue, base = this.memBase(m) * 4;
    q.writeBuffer(this.mem, base, new Float32Array(p));
    q.writeBuffer(this.mem, base + g.mOffset * 4, new Float32Array(2 * g.paramCount));
  }
  setBatch(b: BatchData): void {
    this.setBatchOf(0, b);
  }
  /** Model m's batch. */
  setBatchOf(m: number, b: BatchData): void {
    const g = this.program.graph, q = this.dev().queue;
    const memBase = this.memBase(m) * 4, intBase = m * Math.max(1, g.intSize) * 4;
    for (const [name, data] of b.floats) {
      const t = g.tensors.get(name);
      if (!t || t.size !== data.length) throw new Error(`batch input ${name}: expected ${t?.size} floats, got ${data.length}`);
      q.writeBuffer(this.mem, memBase + t.offset * 4, new Float32Array(data));
    }
    for (const [name, data] of b.ints) {
      const t = g.ints.get(name);
      if (!t || t.size !== data.length) throw new Error(`batch int input ${name}: expected ${t?.size}, got ${data.length}`);
      q.writeBuffer(this.ints, intBase + t.offset * 4, data);
    }
  }
  private memBase(m: number): number {
    if (!(Number.isInteger(m) && m >= 0 && m < this.models)) throw new Error(`model index ${m} outside 0..${this.models - 1}`);
    return m * this.program.graph.memSize;
  }
  /** Copies model m's parameters aside (a model that stopped early keeps them; `restoreFrozen` puts them back). */
  freeze(m: number): void {
    const P = this.program.graph.paramCount, enc = this.dev().createCommandEncoder();
    enc.copyBufferToBuffer(this.mem, this.memBase(m) * 4, this.frozen!, m * P * 4, P * 4);
    this.dev().queue.submit([enc.finish()]);
  }
  /** Puts the frozen parameters of the listed models back. */
  restoreFrozen(models: number[]): void {
    if (models.length === 0) return;
    const P = this.program.graph.paramCount, enc = this.dev().createCommandEncoder();
    for (const m of models) enc.copyBufferToBuffer(this.frozen!, m * P * 4, this.mem, this.memBase(m) * 4, P * 4);
    this.dev().queue.submit([enc.finish()]);
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
  /** Reads `count` floats at `offset` of every listed model in one round trip (one array per model). */
  private async readModels(models: number[], offset: number, count: number): Promise<Float32Array[]> {
    const dev = this.dev();
    const enc = dev.createCommandEncoder();
    models.forEach((m, i) => enc.copyBufferToBuffer(this.mem, (this.memBase(m) + offset) * 4, this.staging, i * count * 4, count * 4));
    dev.queue.submit([enc.finish()]);
    const bytes = models.length * count * 4;
    await this.staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const all = new Float32Array(this.staging.getMappedRange(0, bytes).slice(0));
    this.staging.unmap();
    return models.map((_, i) => all.subarray(i * count, (i + 1) * count));
  }
  async stats(): Promise<BatchStats> {
    return (await this.statsOf([0]))[0]!;
  }
  /** Statistics of the last forward pass of each listed model, in one read-back. */
  async statsOf(models: number[]): Promise<BatchStats[]> {
    const g = this.program.graph, n = g.lossRowCount;
    if (g.correctRows !== g.lossRows + n) throw new Error("loss statistics are not contiguous");
    return (await this.readModels(models, g.lossRows, 2 * n)).map((v) => {
      const lossRows = Float64Array.from(v.subarray(0, n)), correct = Float64Array.from(v.subarray(n));
      return { loss: mean(lossRows), accuracy: mean(correct), lossRows, correct };
    });
  }
  async readMemory(): Promise<Float64Array> {
    return this.readMemoryOf(0);
  }
  /** Model m's whole memory as float64. */
  async readMemoryOf(m: number): Promise<Float64Array> {
    return Float64Array.from((await this.readModels([m], 0, this.program.graph.memSize))[0]!);
  }
  dispose(): void {
    // Dawn keeps Node alive while the device lives
    for (const b of [this.mem, this.ints, this.step, this.slots, this.staging, this.frozen]) b?.destroy();
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
