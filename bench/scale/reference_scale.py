#!/usr/bin/python3
"""The PyTorch CPU reference (bench/reference_trainer.py: the same step as src/lucid/trainer.ts) at
any size, on batch files, for `npm run bench:scale` (bench/scale/run.ts writes both).

    /usr/bin/python3 bench/scale/reference_scale.py --config CONFIG.json --batches B0.safetensors B1.safetensors \\
        [--warmup 1] [--steps 2] [--threads N]

CONFIG.json holds a LucidConfig (src/lucid/config.ts); each batch file holds patches [B, Np, dImage],
tokens [B, T, dText], tokenMask and alignMask [B, T] (already normalised) and the grid in its
metadata. The initial weights are drawn as reference_trainer.create_lucid draws them (torch's
generator, not the app's PRNG; only the distribution matters for timing). Prints, as its last line,
a JSON BenchmarkResult (src/training/api.ts).
"""

import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import reference_trainer as R  # noqa: E402


def load_batch(path):
    tensors, metadata = R.read_safetensors(path)
    return R.Batch(
        tuple(json.loads(metadata["grid"])),
        torch.from_numpy(tensors["patches"]),
        torch.from_numpy(tensors["tokens"]),
        torch.from_numpy(tensors["tokenMask"]),
        torch.from_numpy(tensors["alignMask"]),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--batches", nargs="+", required=True)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    config = json.load(open(args.config))
    batches = [load_batch(path) for path in args.batches]
    trainer = R.Trainer(R.create_lucid(config, 1))
    for i in range(args.warmup):
        trainer.step(batches[i % len(batches)])
    started = time.perf_counter()
    for i in range(args.steps):
        trainer.step(batches[i % len(batches)])
    ms_per_step = (time.perf_counter() - started) * 1000 / args.steps
    pairs, patch_count, _ = batches[0].patches.shape
    rows, cols = batches[0].grid
    threads = f"{args.threads} thread{'' if args.threads == 1 else 's'}"
    print(json.dumps({
        "backend": f"pytorch-cpu (torch {torch.__version__}, {threads})",
        "configuration": (
            f"B={pairs} pairs, {rows}×{cols} patches, {batches[0].tokens.shape[1]}-token captions, "
            f"d={config['dImage']}/{config['dText']}, m={R.latent_count(config)}, k={config['k']}, "
            f"Sinkhorn {config['sinkhornIterations']} it, {threads} (torch)"
        ),
        "msPerStep": ms_per_step,
        "patchTokensPerSecond": pairs * patch_count * 1000 / ms_per_step,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
