#!/usr/bin/python3
"""Checks lucid_train.py's streamed and data-parallel paths against its single-process one, on small
synthetic shards (the layout of src/pipeline/shards.ts). Run: /usr/bin/python3 tools/train/test_ddp.py
(about 30 s on 2 cores; OMP_NUM_THREADS=1 is set for the children). Exits non-zero on a failure.

- `--stream` (pairs read from the memory-mapped shards per batch) gives the in-memory weights bit for bit;
- `torchrun --nproc_per_node=2` (gloo) gives the single-process weights of the same global batch
  within DDP_TOLERANCE (the shares are summed in another order: rounding only);
- a 2-process run stopped at a checkpoint and resumed ends where an uninterrupted one does;
- the per-rank loss share in a world of one is lucid_torch.lucid_loss.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lucid_ddp as D  # noqa: E402
import lucid_torch as L  # noqa: E402
import lucid_train as T  # noqa: E402

# Largest |w₂ − w₁| over every weight after STEPS steps (decoder rows have unit norm, encoder columns
# start as them, biases are ≤ 1e-2 here). Measured: 9.7e-7 with the loss shares, 0.37 with a naive
# per-rank loss (docs/training.md); the bound leaves room for other BLAS builds.
DDP_TOLERANCE = 1e-5
STEPS = 12
GRID, D_IMAGE, D_TEXT, LENGTH = (3, 3), 16, 12, 8
SHARD_PAIRS = (40, 40, 30)
TRAIN_FLAGS = [
    "--steps", str(STEPS), "--pairs", "32", "--contrast-group", "8", "--shared", "96", "--image-private", "32",
    "--text-private", "32", "--k", "4", "--k-private", "2", "--align-k", "8",
    # Every latent that did not fire in the last step is dead: AuxK and resampling (steps 4 and 8) run.
    "--dead-after", "0",
    "--resample-every", "4", "--eval-every", "6", "--checkpoint-every", "6", "--threads", "1",
]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def write_shards(directory, seed=0):
    """Shards of random pairs: patches and tokens from a few shared directions plus noise, captions of
    2–8 tokens (every tenth pair uncaptioned, as `lucid extract` writes an image without a caption)."""
    rng = np.random.default_rng(seed)
    os.makedirs(directory, exist_ok=True)
    basis_i = rng.normal(size=(6, D_IMAGE))
    basis_t = rng.normal(size=(6, D_TEXT))
    shards = []
    pair = 0
    for s, n in enumerate(SHARD_PAIRS):
        np_ = GRID[0] * GRID[1]
        concept = rng.integers(0, 6, size=n)
        patches = basis_i[concept][:, None, :] * rng.random((n, np_, 1)) + 0.3 * rng.normal(size=(n, np_, D_IMAGE))
        tokens = basis_t[concept][:, None, :] * rng.random((n, LENGTH, 1)) + 0.3 * rng.normal(size=(n, LENGTH, D_TEXT))
        token_mask = np.zeros((n, LENGTH))
        align_mask = np.zeros((n, LENGTH))
        for i in range(n):
            if (pair + i) % 10 == 9:
                continue
            used = rng.integers(2, LENGTH + 1)
            token_mask[i, :used] = 1
            align_mask[i, 1 : used - 1] = 1
        tokens *= token_mask[:, :, None]
        pair += n
        file = f"shard-{s:05d}.safetensors"
        T.write_safetensors(os.path.join(directory, file), {
            "patches": patches, "tokens": tokens, "tokenMask": token_mask, "alignMask": align_mask}, {})
        shards.append({"file": file, "count": n})
    index = {"encoder": "synthetic", "grid": list(GRID), "dImage": D_IMAGE, "dText": D_TEXT, "length": LENGTH,
             "shards": shards}
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump(index, f)


def train(out, *extra, processes=1):
    script = os.path.join(HERE, "lucid_train.py")
    if processes == 1:
        command = [sys.executable, script]
    else:
        # --redirects/--tee: Debian's torchrun (PyTorch 1.13 on Python 3.11) fails on their default "0"
        # (docs/training.md); any other value works on every version.
        command = [shutil.which("torchrun") or "/usr/bin/torchrun", "--standalone", f"--nproc_per_node={processes}",
                   "--redirects", "1", "--tee", "1", "--log_dir", os.path.join(ROOT, "torchrun-logs"), script]
    command += ["--shards", os.path.join(ROOT, "fit"), "--validation", os.path.join(ROOT, "validation"),
                "--out", out, *TRAIN_FLAGS, *extra]
    done = subprocess.run(command, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def weights(out):
    tensors, _ = T.read_safetensors(os.path.join(out, "lucid.safetensors"))
    return tensors


def largest_difference(a, b):
    """max over tensors of max|a − b|."""
    return max(float(np.abs(a[k] - b[k]).max()) for k in a)


def largest_relative_difference(a, b):
    """max over tensors of max|a − b| / max|a|."""
    return max(float(np.abs(a[k] - b[k]).max() / max(np.abs(a[k]).max(), 1e-12)) for k in a)


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
    if not ok:
        FAILED.append(name)


def share_is_the_loss():
    """lucid_loss_share in a world of one equals lucid_loss term by term (the DDP objective is the same)."""
    data = T.load_shards(os.path.join(ROOT, "fit"))[1]
    data = T.normalise(data, T.norm_stats(data))
    config = {
        "dImage": D_IMAGE, "dText": D_TEXT, "nShared": 32, "nImagePrivate": 8, "nTextPrivate": 8, "k": 4,
        "kPrivate": 2, "alignK": 8, "kAux": 64, "deadAfterTokens": 40, "auxWeight": 0.5, "gcmtWeight": 0.5,
        "contrastWeight": 0.5, "contrastTemperature": 0.05, "sinkhornEpsilon": 0.05, "sinkhornIterations": 30,
        "structuralSmoothing": 0.3, "dustbinCostInit": 0.6, "learningRate": 1e-3,
    }
    options = {"privateCap": True, "auxPreActivation": False, "resample": True, "sparseAlign": True,
               "dustbinClamp": True, "contrastGroup": 8}
    model = L.create_lucid(config, 1)
    batch = T.batch_of(data, torch.arange(32))
    dead = (torch.arange(L.latent_count(config)) % 3 == 0).float()  # some dead latents: AuxK runs
    smoothing = L.grid_smoothing_matrix(*GRID, 0.3)
    want, fired_want, count_want = L.lucid_loss(model, batch, dead, smoothing, options)
    got, fired_got, count_got = D.lucid_loss_share(model, batch, dead, smoothing, options, D.World())
    worst = max(abs(float(want[k]) - float(got[k])) / max(abs(float(want[k])), 1e-12) for k in want)
    check("the loss share of a world of one is lucid_loss", worst < 1e-5 and bool((fired_want == fired_got).all())
          and float(count_want) == float(count_got), f"largest relative difference {worst:.1e}")


def main():
    write_shards(os.path.join(ROOT, "fit"), seed=0)
    write_shards(os.path.join(ROOT, "validation"), seed=1)
    share_is_the_loss()

    memory = os.path.join(ROOT, "memory")
    train(memory)
    streamed = os.path.join(ROOT, "streamed")
    train(streamed, "--stream")
    a, b = weights(memory), weights(streamed)
    check("--stream gives the in-memory weights bit for bit", all(np.array_equal(a[k], b[k]) for k in a))

    two = os.path.join(ROOT, "two")
    log = train(two, processes=2)
    difference = largest_difference(a, weights(two))
    relative = largest_relative_difference(a, weights(two))
    check(f"2 processes × 16 pairs give 1 process × 32 pairs' weights after {STEPS} steps",
          difference < DDP_TOLERANCE, f"largest difference {difference:.2e} (tolerance {DDP_TOLERANCE:g}), "
          f"{relative:.1e} of its tensor's largest weight")
    resampled = [int(n) for n in re.findall(r"resampled (\d+) dead latents", log)]
    check("the 2-process run resampled dead latents", len(resampled) == 2 and min(resampled) > 0, str(resampled))

    resumed = os.path.join(ROOT, "resumed")
    stopped = train(resumed, "--stop-at", "6", processes=2)
    check("--stop-at stops at the checkpoint", "stopped at step 6" in stopped)
    train(resumed, "--resume", processes=2)
    difference = largest_difference(weights(two), weights(resumed))
    check("a 2-process run stopped at step 6 and resumed ends as an uninterrupted one", difference == 0.0,
          f"largest difference {difference:.1e}")
    with open(os.path.join(two, "lucid.config.json")) as f:
        config = json.load(f)
    check("the dictionary says it was trained by 2 processes", config["about"].get("processes") == 2)
    if FAILED:
        sys.exit(f"{len(FAILED)} failed: {', '.join(FAILED)}")
    print("all passed")


if __name__ == "__main__":
    FAILED = []
    ROOT = tempfile.mkdtemp(prefix="lucid-ddp-")
    try:
        main()
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)
