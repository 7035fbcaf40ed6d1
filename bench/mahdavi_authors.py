"""Drives Mahdavi, Liao & Thrampoulidis's own code (smahdavi4/attention-memorization, src/) on one thread.

Imports their modules from --authors-dir (nothing of theirs is copied here) and repeats what their
src/main.py `run` does for the random classification task, with the sizes given on the command line:
train_steps = max(train_epochs * train_size // batch_size, min_train_steps) (main.py l. 122-130), seed all
generators (main.py l. 116-119), RandomTask + BaselineAttention (main.py l. 71-80), shuffled DataLoader
for training and an unshuffled one for validation (l. 84-86), their Trainer with early stop (l. 90-102),
load the best checkpoint and evaluate the whole training set (l. 103, 109). wandb is replaced by a logger
that only remembers the last step it was given (main.py sets WANDB_MODE=dryrun: nothing is uploaded).

Modules their files import but this task never uses are stubbed when absent: `datasets`, `transformers`,
`tokenizers` (only WikiDataset needs them) and `tqdm` (a progress bar). One JSON object per run on stdout,
then one with the learning rate their scheduler gives at every step (for the first H).
With --forward-check FILE it instead loads given weights into their BaselineAttention and prints the
per-example cross-entropy on given inputs (memcap's bench compares it with memcap's forward pass).

  OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python bench/mahdavi_authors.py \
      --authors-dir /tmp/mahdavi-authors --N 1024 --d 16 --n 8 --dh 16 --classes 10 --H 1,2 --seeds 42
"""
import argparse
import json
import os
import random
import sys
import tempfile
import time
import types
import warnings


def stub_missing(names):
    for name in names:
        try:
            __import__(name)
        except ImportError:
            mod = types.ModuleType(name)
            if name == "tqdm":
                mod.tqdm = lambda iterable, **_: iterable
            sys.modules[name] = mod


class LastStepLogger:
    """Stands in for the wandb run: their Trainer calls .log(dict, step=...)."""

    def __init__(self):
        self.last_step = -1

    def log(self, _values, step=None):
        if step is not None:
            self.last_step = max(self.last_step, step)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--authors-dir", required=True)
    ap.add_argument("--forward-check", default=None)
    ap.add_argument("--train-check", default=None)
    ap.add_argument("--N", type=int, required=True)
    ap.add_argument("--d", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--dh", type=int, required=True)
    ap.add_argument("--classes", type=int, required=True)
    ap.add_argument("--H", required=True)
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--epochs", type=int, default=500)
    ap.add_argument("--min-steps", type=int, default=50_000)
    ap.add_argument("--validate-every", type=int, default=500)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--context", default="random")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()

    import torch
    from torch.utils.data import DataLoader

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(a.threads)
    warnings.filterwarnings("ignore")
    stub_missing(["datasets", "transformers", "tokenizers", "tqdm"])
    sys.path.insert(0, os.path.join(a.authors_dir, "src"))
    import numpy as np
    from attn_models import BaselineAttention
    from tasks import RandomTask
    from trainers import Trainer, TrainerConfig

    if a.forward_check:
        forward_check(a, torch, BaselineAttention)
        return
    if a.train_check:
        train_check(a, torch, DataLoader, BaselineAttention, RandomTask, Trainer, TrainerConfig)
        return
    steps = max((a.epochs * a.N) // a.batch, a.min_steps)
    lr_trace = None
    for H in [int(x) for x in a.H.split(",")]:
        for seed in [int(x) for x in a.seeds.split(",")]:
            wall0, cpu0 = time.perf_counter(), time.process_time()
            torch.manual_seed(seed)
            random.seed(seed)
            np.random.seed(seed)
            task = RandomTask(n_dims=a.d, context_size=a.n, n_classes=a.classes, seed=seed, dataset_size=a.N,
                              is_classification=True, context_type=a.context)
            model = BaselineAttention(input_dim=a.d, n_classes=a.classes, d_model=a.d, dh=a.dh, num_heads=H)
            params = sum(p.numel() for p in model.parameters())
            data = task.get_datasets()["train"]
            train_loader = DataLoader(data, batch_size=a.batch, shuffle=True)
            eval_loader = DataLoader(data, batch_size=a.batch, shuffle=False)
            logger = LastStepLogger()
            with tempfile.TemporaryDirectory() as ckpt:
                trainer = Trainer(model=model, logger=logger, config=TrainerConfig(
                    train_steps=steps, checkpoint_path=ckpt, device="cpu", task=task,
                    validate_every_n_steps=a.validate_every, micro_batch_accumulation=1,
                    mixed_precision=False, early_stop=True, lr=a.lr))
                trainer.train(train_dataloader=train_loader, val_dataloader=eval_loader)
                trainer.load_best_checkpoint()
                loss, acc = trainer.evaluate_dataloader(eval_loader)
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            print(json.dumps({"H": H, "seed": seed, "accuracy": acc, "loss": loss, "parameters": params,
                              "steps": steps, "last_logged_step": logger.last_step, "wall_s": wall, "cpu_s": cpu,
                              "threads": torch.get_num_threads()}), flush=True)
            if lr_trace is None:
                # the rates their scheduler sets, step by step, on a throwaway optimizer over the same parameters
                opt, sched = trainer._get_optimizers_schedulers()
                lr_trace = []
                for _ in range(steps):
                    lr_trace.append(opt.param_groups[0]["lr"])
                    opt.step()
                    sched.step()
    print(json.dumps({"lr_trace": lr_trace, "torch": torch.__version__}), flush=True)


def load_model(a, torch, BaselineAttention, job, dtype):
    H = job["H"]
    model = BaselineAttention(input_dim=a.d, n_classes=a.classes, d_model=a.d, dh=a.dh, num_heads=H).to(dtype)
    state = model.state_dict()
    for name, value in job["params"].items():
        t = torch.tensor(value, dtype=dtype)
        if t.shape != state[name].shape:
            raise SystemExit(f"{name}: shape {tuple(t.shape)} given, the model has {tuple(state[name].shape)}")
        state[name] = t
    missing = [k for k in state if k not in job["params"] and not k.endswith("pe")]
    if missing:
        raise SystemExit(f"no weights given for {missing}")
    model.load_state_dict(state)
    return model


def forward_check(a, torch, BaselineAttention):
    """Their model with the weights of FILE (their parameter names and shapes), cross-entropy per example."""
    with open(a.forward_check) as f:
        job = json.load(f)
    model = load_model(a, torch, BaselineAttention, job, torch.float64)
    X = torch.tensor(job["X"], dtype=torch.float64)
    y = torch.tensor(job["y"], dtype=torch.long)
    with torch.no_grad():
        out, _ = model(X, y)
        losses = torch.nn.functional.cross_entropy(out[:, 0, :], y, reduction="none")
    print(json.dumps({"losses": losses.tolist(), "parameters": sum(p.numel() for p in model.parameters())}), flush=True)


class GivenData:
    """The examples of FILE as a map-style dataset (what RandomDataset gives their DataLoader)."""

    def __init__(self, X, y):
        self.X, self.y = X, y

    def __getitem__(self, i):
        return self.X[i], self.y[i]

    def __len__(self):
        return len(self.y)


class ValidationLogger(LastStepLogger):
    def __init__(self):
        super().__init__()
        self.val_losses = []

    def log(self, values, step=None):
        super().log(values, step)
        self.val_losses += [v for k, v in values.items() if k.startswith("val_loss/")]


def train_check(a, torch, DataLoader, BaselineAttention, RandomTask, Trainer, TrainerConfig):
    """Their Trainer from the weights and on the examples of FILE (float32); its batches in FILE's order when given
    (memcap's batch order), else one full batch per step."""
    with open(a.train_check) as f:
        job = json.load(f)
    torch.manual_seed(0)
    model = load_model(a, torch, BaselineAttention, job, torch.float32)
    data = GivenData(torch.tensor(job["X"], dtype=torch.float32), torch.tensor(job["y"], dtype=torch.long))
    task = RandomTask(n_dims=a.d, context_size=a.n, n_classes=a.classes, seed=0, dataset_size=len(data),
                      is_classification=True, context_type=a.context)
    steps = max((a.epochs * len(data)) // a.batch, a.min_steps)
    logger = ValidationLogger()
    with tempfile.TemporaryDirectory() as ckpt:
        trainer = Trainer(model=model, logger=logger, config=TrainerConfig(
            train_steps=steps, checkpoint_path=ckpt, device="cpu", task=task, validate_every_n_steps=a.validate_every,
            micro_batch_accumulation=1, mixed_precision=False, early_stop=True, lr=a.lr))
        if job.get("batches"):
            loader = DataLoader(data, batch_sampler=job["batches"])
        else:
            loader = DataLoader(data, batch_size=a.batch, shuffle=True)
        trainer.train(train_dataloader=loader, val_dataloader=DataLoader(data, batch_size=a.batch, shuffle=False))
        trainer.load_best_checkpoint()
        loss, acc = trainer.evaluate_dataloader(DataLoader(data, batch_size=a.batch, shuffle=False))
    print(json.dumps({"val_losses": logger.val_losses, "loss": loss, "accuracy": acc, "last_logged_step": logger.last_step}), flush=True)


if __name__ == "__main__":
    main()
