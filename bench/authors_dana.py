#!/usr/bin/env python3
"""Runs Dana, Pydi & Chevaleyre's own code (leodana2000/Transformer_Attentional_Memory) for bench/authors-dana.ts.

Nothing of theirs is copied here: their modules are imported from --authors-dir (models.py AoT, train.py train,
utils.py power_unif_law and generate_data), and this file only repeats the steps of their notebook
(experiments.ipynb, cell "Common hyper-parameters (exp 1-4)" + "Experiment 1", or cell "Experiment 6") with the
budget the caller asks for:

    torch.manual_seed(seed); pi = power_unif_law([1, 1, 1], [N, N, 1], N)
    Data = generate_data(batch_size, num_batch, pi, context_window = 3)
    (Experiment 1 only: torch.manual_seed(seed) again, as its cell does)
    for H: for each restart: model = AoT(d, N, 1, H, d_head, 1, 3, pi)
        Acc = train(model, Data, epochs, lr, next_token=True, lr_low)['Acc']; accuracy = sum(Acc[-101:-1]) / 100

  python3 bench/authors_dana.py --authors-dir DIR --check        one JSON line: {"ok": true, torch, ...} or {"missing": "..."}
  python3 bench/authors_dana.py --authors-dir DIR < job.json     job: {exp, N, d, dh, Hs, restarts, epochs, batch_size,
                                                                       num_batch, lr, lr_low, seed, last}

Progress goes to stderr; stdout gets one JSON line with, per H, each restart's accuracy, wall and CPU seconds of
train() and the parameter counts (all of the module's, and those the forward pass reaches: a parameter whose .grad
stays None after a backward pass is never read, e.g. linear_compress/linear_decompress when d == d_head).
One thread: torch.set_num_threads(1) and set_num_interop_threads(1) here; the caller sets OPENBLAS_NUM_THREADS =
OMP_NUM_THREADS = MKL_NUM_THREADS = 1 (torch's own setting does not bind the BLAS library's threads), and each
run's process CPU time over wall time is reported so that the caller can check it stayed on one core.
Accuracies are float32 training measurements (FLOAT).
"""
import json
import os
import sys
import tempfile
import time


def flag(name, default=None):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv and sys.argv.index(name) + 1 < len(sys.argv) else default


def load(authors_dir):
    """Imports torch and the authors' modules; returns (modules, None) or (None, what is missing)."""
    if not authors_dir or not os.path.isdir(authors_dir):
        return None, f"the authors' directory {authors_dir!r} does not exist"
    for f in ("models.py", "train.py", "utils.py"):
        if not os.path.isfile(os.path.join(authors_dir, f)):
            return None, f"{f} is not in {authors_dir} (expected a checkout of leodana2000/Transformer_Attentional_Memory)"
    for m in ("torch", "numpy", "tqdm"):  # what their train.py / utils.py import
        try:
            __import__(m)
        except ImportError:
            return None, f"the Python module {m} is not installed for {sys.executable} (their code imports it)"
    sys.path.insert(0, os.path.abspath(authors_dir))
    # leave their directory as it is, and never load the .pyc files their repository ships (__pycache__/)
    sys.dont_write_bytecode = True
    sys.pycache_prefix = tempfile.mkdtemp(prefix="authors-dana-pyc-")
    try:
        import models
        import train
        import utils
    except Exception as e:  # noqa: BLE001 - any import failure is reported, not raised
        return None, f"importing the authors' modules failed: {type(e).__name__}: {e}"
    return (models, train, utils), None


def count_parameters(torch, models, job, pi, H, data):
    """(all parameters, parameters reached by one forward/backward pass) of their AoT of this shape."""
    m = models.AoT(job["d"], job["N"], 1, H, job["dh"], 1, 3, pi)
    batch = next(iter(data))[0]
    m(batch[:, :-1]).sum().backward()
    total = sum(p.numel() for p in m.parameters())
    used = sum(p.numel() for p in m.parameters() if p.grad is not None)
    unused = [n for n, p in m.named_parameters() if p.grad is None]
    return total, used, unused


def main():
    mods, missing = load(flag("--authors-dir"))
    import_ok = mods is not None
    if "--check" in sys.argv:
        if not import_ok:
            print(json.dumps({"missing": missing}))
        else:
            import torch
            print(json.dumps({"ok": True, "torch": torch.__version__, "python": sys.version.split()[0]}))
        return
    if not import_ok:
        print(json.dumps({"missing": missing}))
        return
    import torch
    models, train_mod, utils = mods
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    job = json.load(sys.stdin)
    N, seed, last = job["N"], job["seed"], job["last"]
    torch.manual_seed(seed)
    pi = utils.power_unif_law([1.0, 1.0, 1.0], [N, N, 1], N)
    data = utils.generate_data(batch_size=job["batch_size"], num_batch=job["num_batch"], pi=pi, context_window=3)
    # parameter counts and one untimed warm-up epoch first (the first train() in a process pays ~1.5 s of
    # PyTorch's lazy set-up), on a forked RNG so that the timed runs see the notebook's random stream
    with torch.random.fork_rng():
        counts = {H: count_parameters(torch, models, job, pi, H, data) for H in job["Hs"]}
        train_mod.train(models.AoT(job["d"], N, 1, job["Hs"][0], job["dh"], 1, 3, pi), data, 1, lr=job["lr"], next_token=True, lr_low=job["lr_low"])
    if job["exp"] == 1:
        torch.manual_seed(seed)  # the Experiment 1 cell reseeds after the common cell drew pi and the data
    rows = []
    for H in job["Hs"]:
        runs = []
        for r in range(job["restarts"]):
            model = models.AoT(job["d"], N, 1, H, job["dh"], 1, 3, pi)
            t0, c0 = time.perf_counter(), time.process_time()
            out = train_mod.train(model, data, job["epochs"], lr=job["lr"], next_token=True, lr_low=job["lr_low"])
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            acc = out["Acc"]
            if len(acc) < last + 1:
                raise SystemExit(f"authors_dana.py: {len(acc)} batches recorded, fewer than the {last + 1} the accuracy reads")
            accuracy = sum(acc[-(last + 1):-1]) / last
            runs.append({"accuracy": accuracy, "wall_s": wall, "cpu_s": cpu, "batches": len(acc)})
            print(f"authors H={H} restart {r + 1}/{job['restarts']}: on-batch accuracy {accuracy:.4f} ({wall:.1f} s wall, {cpu:.1f} s CPU)", file=sys.stderr, flush=True)
        total, used, unused = counts[H]
        rows.append({"H": H, "runs": runs, "parameters_total": total, "parameters_used": used, "unused": unused})
    blas = next((p.split("=", 1)[1] for p in torch.__config__.show().replace(",", " ").split() if p.startswith("BLAS_INFO=")), "?")
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas, "dtype": str(torch.get_default_dtype()).replace("torch.", ""),
                      "seed": seed, "rows": rows}))


if __name__ == "__main__":
    main()
