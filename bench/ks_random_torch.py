#!/usr/bin/env python3
"""PyTorch peer of examples/experiments/ks-random.ts: one tuning trial of Kajitsuka & Sato's random-data experiment.

Reads one JSON job on stdin (written by ks-random.ts):
  {x_file, y_file, N, n, d, blocks, epochs, lr, warmup, weight_decay, schedule, dtype, params: {name: [shape, values]}}
x_file / y_file hold the training set as raw little-endian float64 (N·n·d token entries, N labels), the same data the
memcap trial trains on; params are memcap's initial weights in its layout (y = x @ W), so both engines start from the
same point (with "init": "torch", PyTorch's nn.Linear defaults drawn from init_seed instead). The model is eq. (165) of the paper (p. 40) as memcap builds it: E_in (d→m, no bias), #blocks residual FFN
blocks of eq. (3) (p. 4), uniform attention of eq. (39) (p. 20) read at the last token, #blocks more FFN blocks,
E_out (m→1). Training: torch.optim.AdamW, full batch, one step per epoch, linear warmup over `warmup` epochs then
cosine decay to 0 ("cosine") or constant ("constant"), as memcap's schedule.ts.

Prints one JSON line: {init_mse, mse, sign_error, parameters, seconds, cpu_seconds, threads, torch, dtype}.
Runs on one thread: torch.set_num_threads(1); the caller also sets OMP/OPENBLAS/MKL_NUM_THREADS=1, and cpu_seconds
close to seconds shows it stayed on one core.
"""
import json
import math
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

job = json.load(sys.stdin)
DTYPE = {"float32": torch.float32, "float64": torch.float64}[job["dtype"]]
N, n, d, blocks = job["N"], job["n"], job["d"], job["blocks"]
X = torch.from_numpy(np.fromfile(job["x_file"], dtype="<f8").reshape(N, n, d)).to(DTYPE)
Y = torch.from_numpy(np.fromfile(job["y_file"], dtype="<f8").reshape(N)).to(DTYPE)
P = {k: torch.tensor(v[1], dtype=DTYPE).reshape(v[0]) for k, v in job["params"].items()}
if job.get("init") == "torch":
    # PyTorch's nn.Linear defaults instead of memcap's weights: every weight and bias U(±1/√fan_in), fan_in the
    # layer's input width (memcap's layout keeps W as in × out, so fan_in is shape[0]; a bias takes its weight's)
    gen = torch.Generator().manual_seed(job["init_seed"])
    for k in P:
        fan_in = P[k].shape[0] if P[k].dim() == 2 else P[k.replace(".b", ".W")].shape[0]
        P[k] = (torch.rand(P[k].shape, generator=gen, dtype=torch.float64) * 2 - 1).to(DTYPE) / math.sqrt(fan_in)
for k in P:
    P[k].requires_grad_()


def ffn(h, prefix):
    # eq. (3): H + W2 σR(W1 H + b1) + b2, token-wise
    return h + torch.relu(h @ P[prefix + ".W1"] + P[prefix + ".b1"]) @ P[prefix + ".W2"] + P[prefix + ".b2"]


def predict(x):
    h = x @ P["E_in"]
    for l in range(blocks):
        h = ffn(h, f"F1.{l}")
    last = h[:, -1]
    z = last + (h @ P["attn.W_V"]).mean(dim=1) @ P["attn.W_O"]  # eq. (39) at the last token
    for l in range(blocks):
        z = ffn(z, f"F2.{l}")
    return (z @ P["E_out"]).squeeze(-1)


def lr_at(t, lr, warmup, epochs, schedule):
    if t < warmup:
        return lr * (t + 1) / warmup
    if schedule == "constant":
        return lr
    p = min(1.0, (t - warmup) / max(1, epochs - warmup))
    return 0.5 * lr * (1 + math.cos(math.pi * p))


with torch.no_grad():
    init_mse = torch.mean((predict(X) - Y) ** 2).item()
opt = torch.optim.AdamW(list(P.values()), lr=job["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=job["weight_decay"])
t0, c0 = time.perf_counter(), time.process_time()
for t in range(job["epochs"]):
    for g in opt.param_groups:
        g["lr"] = lr_at(t, job["lr"], job["warmup"], job["epochs"], job["schedule"])
    opt.zero_grad(set_to_none=True)
    loss = torch.mean((predict(X) - Y) ** 2)
    loss.backward()
    opt.step()
seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
with torch.no_grad():
    out = predict(X)
    mse = torch.mean((out - Y) ** 2).item()
    sign_error = (~(out * Y > 0)).to(torch.float64).mean().item()
print(json.dumps({
    "init_mse": init_mse, "mse": mse, "sign_error": sign_error, "parameters": sum(p.numel() for p in P.values()),
    "seconds": seconds, "cpu_seconds": cpu_seconds, "threads": torch.get_num_threads(), "torch": torch.__version__,
    "dtype": job["dtype"],
}))
