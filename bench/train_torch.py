#!/usr/bin/env python3
"""PyTorch twin of memcap's trainer models for bench/train-throughput.ts (CPU) and bench/train-throughput-gpu.ts (CUDA).

Reads one JSON job on stdin: {model, config, params: {name: [shape, flat values]}, data: {tokens|x, labels|y},
batch, steps, warmup, lr}. Builds the same model from the same initial weights (memcap's layout: y = x @ W),
checks the loss on the whole training set at initialization, trains with AdamW and the same warmup+cosine
schedule (one untimed warm-up step, then `steps` timed ones, as memcap's benchmark does), and prints one JSON line
{init_loss, steps_per_s, steps_per_cpu_s (CPU time of all threads), cpu_per_wall, examples_per_s, final_loss, threads,
torch, device, dtype, parameters, batch, steps, blas}: parameters / batch / steps are what this side actually did, for the
caller's same-work check.

Flags: --device cpu|cuda (default cpu); --threads N sets torch's intra-op (and, for N = 1, inter-op) threads (0 or
absent: PyTorch's default); --dtype float32|float64 (default float32). torch.set_num_threads does not bind the BLAS
library's own threads: the caller also sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS for a one-thread
run, and cpu_per_wall (process CPU time / wall time over the timed steps) shows whether it stayed on one core.
On CUDA the clock stops only after torch.cuda.synchronize(), so queued kernels are counted.
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


def flag(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


DEV = torch.device(flag("--device", "cpu"))
THREADS = int(flag("--threads", "0"))
DTYPE = {"float32": torch.float32, "float64": torch.float64}[flag("--dtype", "float32")]
if THREADS > 0:
    torch.set_num_threads(THREADS)
    if THREADS == 1:
        torch.set_num_interop_threads(1)
torch.manual_seed(0)
SERVE = "--serve" in sys.argv
job = json.loads(sys.stdin.readline()) if SERVE else json.load(sys.stdin)
cfg = job["config"]
model = job["model"]
P = {k: torch.tensor(v[1], dtype=DTYPE, device=DEV).reshape(v[0]).requires_grad_() for k, v in job["params"].items()}


def attention_last(x, H, dh, scale):
    """Dana et al. eq. (2) style: only the last position queries (a causal mask is a no-op for it)."""
    B, S, _ = x.shape
    xl = x[:, -1]
    q = (xl @ P["W_Q"]).view(B, H, dh)
    k = (x @ P["W_K"]).view(B, S, H, dh)
    v = (x @ P["W_V"]).view(B, S, H, dh)
    a = torch.softmax(torch.einsum("bhd,bshd->bhs", q, k) * scale, dim=-1)
    return xl, torch.einsum("bhs,bshd->bhd", a, v).reshape(B, H * dh)


def ffn(h, prefix):
    return h + torch.relu(h @ P[prefix + ".W1"] + P[prefix + ".b1"]) @ P[prefix + ".W2"] + P[prefix + ".b2"]


def forward(batch):
    if model in ("aot", "transformer"):
        tok, y = batch
        x = P["embed"][tok] + P["pos"]
        scale = 1.0 if model == "aot" else 1.0 / math.sqrt(cfg["dh"])
        xl, a = attention_last(x, cfg["heads"], cfg["dh"], scale)
        res = xl + a @ P["W_O"]
        if model == "transformer":
            res = ffn(res, "mlp")
        return F.cross_entropy(res @ P["W_U"], y)
    if model == "ks":
        x, y = batch
        h = x @ P["E_in"]
        for l in range(cfg["blocks"]):
            h = ffn(h, f"F1.{l}")
        last = h[:, -1]
        a = (h @ P["attn.W_V"]).mean(dim=1)  # uniform attention
        z = last + a @ P["attn.W_O"]
        for l in range(cfg["blocks"]):
            z = ffn(z, f"F2.{l}")
        return F.mse_loss((z @ P["E_out"]).squeeze(-1), y)
    raise SystemExit(f"train_torch.py: model {model} not written here")


d = job["data"]
if model == "ks":
    X = torch.tensor(d["x"], dtype=DTYPE, device=DEV).view(-1, cfg["seqLen"], cfg["d"])
    Y = torch.tensor(d["y"], dtype=DTYPE, device=DEV)
else:
    X = torch.tensor(d["tokens"], dtype=torch.long, device=DEV).view(-1, cfg["seqLen"])
    Y = torch.tensor(d["labels"], dtype=torch.long, device=DEV)
N = X.shape[0]
with torch.no_grad():
    init_loss = forward((X, Y)).item()

opt = torch.optim.AdamW(list(P.values()), lr=job["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
B, steps, warmup, lr = job["batch"], job["steps"], job["warmup"], job["lr"]


def lr_at(t):
    if t < warmup:
        return lr * (t + 1) / warmup
    p = min(1.0, (t - warmup) / max(1, steps - warmup))
    return 0.5 * lr * (1 + math.cos(math.pi * p))


perm, pos = torch.randperm(N, device=DEV), 0


def step(t):
    global perm, pos
    if B >= N:
        idx = None
    else:
        if pos + B > N:
            perm, pos = torch.randperm(N, device=DEV), 0
        idx = perm[pos:pos + B]
        pos += B
    batch = (X, Y) if idx is None else (X[idx], Y[idx])
    for g in opt.param_groups:
        g["lr"] = lr_at(t)
    opt.zero_grad(set_to_none=True)
    loss = forward(batch)
    loss.backward()
    opt.step()


def sync():
    if DEV.type == "cuda":
        torch.cuda.synchronize()


step(0)  # warm-up (kernels loaded, allocator primed), as memcap's benchmark does
sync()
blas = next((p.split("=", 1)[1] for p in torch.__config__.show().replace(",", " ").split() if p.startswith("BLAS_INFO=")), "?")
t_next = 1


def thread_ticks():
    """CPU clock ticks (user + system) of each thread of this process, from /proc (Linux); {} elsewhere."""
    out = {}
    try:
        import os
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[tid] = int(fields[11]) + int(fields[12])
    except OSError:
        pass
    return out


def timed_block():
    """`steps` timed steps; returns (wall seconds, CPU seconds of the process, the busiest thread's share of that CPU time)."""
    global t_next
    sync()
    k0 = thread_ticks()
    t0, c0 = time.perf_counter(), time.process_time()
    for t in range(t_next, t_next + steps):
        step(t)
    sync()
    t_next += steps
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    k1 = thread_ticks()
    deltas = [k1[t] - k0.get(t, 0) for t in k1]
    share = max(deltas) / sum(deltas) if deltas and sum(deltas) > 0 else None
    return sec, cpu, share


if SERVE:
    # --serve (bench/train-throughput.ts): one timed block of `steps` per "go" line on stdin, one JSON line each,
    # so that the caller can interleave engines round by round without paying the start-up every round
    print(json.dumps({"ready": True, "init_loss": init_loss, "parameters": sum(p.numel() for p in P.values()), "batch": min(B, N),
                      "threads": torch.get_num_threads(), "torch": torch.__version__, "dtype": str(DTYPE).replace("torch.", ""), "blas": blas}), flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        sec, cpu_sec, share = timed_block()
        print(json.dumps({"steps_per_s": steps / sec, "steps_per_cpu_s": steps / cpu_sec, "steps": steps, "busiest_thread_share": share}), flush=True)
    with torch.no_grad():
        print(json.dumps({"final_loss": forward((X, Y)).item()}), flush=True)
    sys.exit(0)

sec, cpu_sec, _ = timed_block()
with torch.no_grad():
    final_loss = forward((X, Y)).item()
print(json.dumps({"init_loss": init_loss, "steps_per_s": steps / sec, "steps_per_cpu_s": steps / cpu_sec, "cpu_per_wall": cpu_sec / sec,
                  "examples_per_s": steps * min(B, N) / sec, "final_loss": final_loss, "threads": torch.get_num_threads(),
                  "torch": torch.__version__, "device": torch.cuda.get_device_name(DEV) if DEV.type == "cuda" else "cpu",
                  "dtype": str(DTYPE).replace("torch.", ""), "parameters": sum(p.numel() for p in P.values()),
                  "batch": min(B, N), "steps": steps, "blas": blas}))
