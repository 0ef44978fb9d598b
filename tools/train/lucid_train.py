#!/usr/bin/python3
"""Pretrains a LUCID dictionary from activation shards with PyTorch (CPU, or CUDA when present)
and writes the files the app and `lucid` load: <out>/<name>.safetensors and <out>/<name>.config.json.

Shards are the ones `tools/lucid/extract.ts` writes (src/pipeline/shards.ts: safetensors with
patches [n, Np, dI], tokens [n, T, dT], tokenMask, alignMask, and index.json). The objective is
tools/train/lucid_torch.py; every `--no-…` flag switches one of its changes off (the ablation in
docs/dictionary.md). Validation FVU and dead fraction are printed every --eval-every steps; a
checkpoint (weights + Adam state + counters) is written every --checkpoint-every steps, and
--resume continues from it.

Many processes (data-parallel, tools/train/lucid_ddp.py; gloo on CPU, NCCL on CUDA): under torchrun
each rank reads its slice of every global batch of --pairs pairs from the memory-mapped shards
(shard_stream.py) and the gradients are summed over ranks, so N processes train the weights one
process would (docs/training.md). --stream reads shards the same way in one process.

Usage:
  /usr/bin/python3 tools/train/lucid_train.py --fit /tmp/lucid-shards/fit \\
      --validation /tmp/lucid-shards/validation --out /tmp/lucid-runs --name lucid --steps 6000
  torchrun --standalone --nproc_per_node=2 tools/train/lucid_train.py --shards <dir> --out <dir> --steps 1000
"""

import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lucid_ddp as D  # noqa: E402
import lucid_torch as L  # noqa: E402
import shard_stream as S  # noqa: E402

WEIGHTS_FORMAT = "lucid-sae"
WEIGHTS_VERSION = 1


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = memoryview(raw)[8 + n :]
    metadata = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        if e["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} has dtype {e['dtype']}; only F32 is read")
        b, end = e["data_offsets"]
        out[name] = np.frombuffer(data[b:end], dtype="<f4").reshape(e["shape"]).copy()
    return out, metadata


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, array in tensors.items():
        # np.asarray keeps 0-d scalars 0-d (ascontiguousarray would make them [1]).
        a = np.asarray(array, dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a.tobytes())
    text = json.dumps(header)
    text += " " * ((8 - (8 + len(text.encode())) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text.encode())))
        f.write(text.encode())
        for blob in blobs:
            f.write(blob)
    os.replace(path + ".tmp", path)


def load_shards(directory, limit=None):
    """Every shard of a directory, concatenated: (index, patches, tokens, tokenMask, alignMask)."""
    index_path = os.path.join(directory, "index.json")
    if os.path.exists(index_path):
        with open(index_path) as f:
            index = json.load(f)
    else:
        # An extraction still running: the shards written so far (the last one may be incomplete).
        files = sorted(f for f in os.listdir(directory) if f.startswith("shard-") and f.endswith(".safetensors"))
        with open(os.path.join(directory, "..", "validation", "index.json")) as f:
            index = json.load(f)
        index["shards"] = [{"file": f, "count": 1000} for f in files[:-1]]
    parts = {"patches": [], "tokens": [], "tokenMask": [], "alignMask": []}
    count = 0
    for shard in index["shards"]:
        tensors, _ = read_safetensors(os.path.join(directory, shard["file"]))
        for key in parts:
            parts[key].append(tensors[key])
        count += shard["count"]
        if limit and count >= limit:
            break
    return index, {key: torch.from_numpy(np.concatenate(v)) for key, v in parts.items()}


def norm_stats(data):
    """Mean and scale (1 / √ mean ‖x − mean‖²) of all patches and of the real tokens (normStats.ts)."""
    d_i = data["patches"].shape[2]
    d_t = data["tokens"].shape[2]
    first = slice(0, min(1000, data["patches"].shape[0]))
    patches = data["patches"][first].reshape(-1, d_i).double()
    real = data["tokenMask"][first].reshape(-1) > 0
    tokens = data["tokens"][first].reshape(-1, d_t)[real].double()
    stats = {}
    for name, rows in (("image", patches), ("text", tokens)):
        mean = rows.mean(0)
        msn = (rows - mean).square().sum(1).mean()
        stats[name] = (mean.float(), float(1 / math.sqrt(float(msn))))
    return stats


def normalise(data, stats):
    mean_i, scale_i = stats["image"]
    mean_t, scale_t = stats["text"]
    data["patches"] = (data["patches"] - mean_i) * scale_i
    data["tokens"] = (data["tokens"] - mean_t) * scale_t * data["tokenMask"].unsqueeze(2)
    return data


def streamed_batch(pairs, idx, stats, ablate_function_words=False, device="cpu"):
    """batch_of for pairs read from disk (shard_stream.ShardPairs): the same tensors, bit for bit,
    normalised on the CPU and then moved to `device`."""
    data = {key: value.to(device) for key, value in normalise(pairs.rows(idx.numpy()), stats).items()}
    return batch_of(data, torch.arange(len(idx), device=device), ablate_function_words)


def check_split(args, world, stream, say):
    """Pairs per rank; refuses what the streamed or distributed path cannot do."""
    if stream and args.anchor_init:
        raise SystemExit("--anchor-init reads every fit pair into memory: run it in one process without --stream")
    if args.pairs % world.size:
        raise SystemExit(f"--pairs {args.pairs} does not split evenly over {world.size} processes")
    local = args.pairs // world.size
    if world.size > 1 and local % args.contrast_group:
        say(f"warning: {local} pairs per process is not a multiple of --contrast-group {args.contrast_group}; "
            "the contrast groups differ from one process's, so the run is not the single-process one", flush=True)
    return local


def batch_of(data, idx, ablate_function_words=False):
    """Pairs idx as tensors, captions trimmed to the longest real caption of the batch."""
    token_mask = data["tokenMask"][idx]
    length = int(token_mask.sum(1).max())
    align = data["alignMask"][idx, :length]
    if ablate_function_words:
        # Function words (and punctuation) back in: every real token but BOS and EOS.
        tm = token_mask[:, :length]
        n = tm.sum(1).long()
        align = tm.clone()
        align[:, 0] = 0
        align[torch.arange(len(idx)), (n - 1).clamp_min(0)] = 0
    return data["patches"][idx], data["tokens"][idx, :length], token_mask[:, :length], align


@torch.no_grad()
def validate(model, data, options, max_pairs=2000):
    """FVU per modality, dead fraction (never among the Top-K on any validation token), bimodal
    fraction of shared latents, and mean shared share of the codes."""
    n = min(max_pairs, data["patches"].shape[0])
    m = L.latent_count(model.config)
    fired_i = torch.zeros(m, dtype=torch.bool)
    fired_t = torch.zeros(m, dtype=torch.bool)
    res = {"image": [0.0, 0.0], "text": [0.0, 0.0]}
    shared_share = [0.0, 0.0]
    ms = model.config["nShared"]
    for start in range(0, n, 100):
        idx = torch.arange(start, min(start + 100, n))
        patches, tokens, tmask, _ = batch_of(data, idx)
        for modality, x, w in (
            ("image", patches.reshape(-1, patches.shape[2]), None),
            ("text", tokens.reshape(-1, tokens.shape[2]), tmask.reshape(-1)),
        ):
            _, _, z = L.encode(model, modality, x, options)
            x_hat = L.decode(model, modality, z)
            ww = torch.ones(x.shape[0]) if w is None else w
            res[modality][0] += float(((x - x_hat).square().sum(1) * ww).sum())
            res[modality][1] += float(((x - 0).square().sum(1) * ww).sum())  # inputs are centred
            active = (z > 0) & (ww.unsqueeze(1) > 0)
            if modality == "image":
                fired_i |= active.any(0)
                shared_share[0] += float(active[:, :ms].sum()) / max(1.0, float(active.sum()))
            else:
                fired_t |= active.any(0)
                shared_share[1] += float(active[:, :ms].sum()) / max(1.0, float(active.sum()))
    batches = math.ceil(n / 100)
    fired = fired_i | fired_t
    return {
        "fvuImage": res["image"][0] / res["image"][1],
        "fvuText": res["text"][0] / res["text"][1],
        "dead": float((~fired).float().mean()),
        "deadShared": float((~fired[:ms]).float().mean()) if ms else float("nan"),
        "bimodal": float((fired_i[:ms] & fired_t[:ms]).float().mean()) if ms else float("nan"),
        "sharedShareImage": shared_share[0] / batches,
        "sharedShareText": shared_share[1] / batches,
    }


def save_dictionary(model, stats, path_prefix, about):
    tensors = {}
    for modality in L.MODALITIES:
        for field in ("W_enc", "b_enc", "W_dec", "b_pre"):
            tensors[f"{modality}.{field}"] = model.p(modality, field).detach().cpu().numpy()
        tensors[f"norm.{modality}.mean"] = stats[modality][0].cpu().numpy()
        tensors[f"norm.{modality}.scale"] = np.float32(stats[modality][1]).reshape(())
    # The app clamps the dustbin cost the same way when it draws the transport plan.
    tensors["gcmt.dustbin_cost"] = np.float32(float(model.dustbin_cost(True))).reshape(())
    config = dict(model.config)
    write_safetensors(
        path_prefix + ".safetensors",
        tensors,
        {"format": WEIGHTS_FORMAT, "version": str(WEIGHTS_VERSION), "config": json.dumps(config)},
    )
    with open(path_prefix + ".config.json", "w") as f:
        json.dump({"format": WEIGHTS_FORMAT, "version": WEIGHTS_VERSION, "config": config, "about": about}, f, indent=2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fit", "--shards", dest="fit", required=True, help="shard directory to train on")
    ap.add_argument("--validation", help="shard directory to validate on (none: no validation)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default="lucid")
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--pairs", type=int, default=64, help="image–caption pairs per step")
    ap.add_argument("--contrast-group", type=int, default=16, help="pairs per GCMT/contrast group")
    ap.add_argument("--shared", type=int, default=512)
    ap.add_argument("--image-private", type=int, default=128)
    ap.add_argument("--text-private", type=int, default=128)
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--k-private", type=int, default=4)
    ap.add_argument("--align-k", type=int, default=32)
    ap.add_argument("--aux-weight", type=float, default=0.5)
    ap.add_argument("--gcmt-weight", type=float, default=0.5)
    ap.add_argument("--contrast-weight", type=float, default=0.5)
    ap.add_argument("--dustbin", type=float, default=0.6)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--dead-after", type=int, default=200_000)
    ap.add_argument("--no-gcmt", action="store_true", help="no alignment and no contrast (baseline)")
    ap.add_argument("--no-private-cap", action="store_true")
    ap.add_argument("--aux-preact", action="store_true", help="AuxK on softplus of pre-ReLU values (unstable)")
    ap.add_argument("--no-resample", action="store_true", help="do not resample dead latents")
    ap.add_argument("--resample-every", type=int, default=250)
    ap.add_argument("--no-sparse-align", action="store_true")
    ap.add_argument("--no-dustbin-clamp", action="store_true")
    ap.add_argument("--function-words-in", action="store_true")
    ap.add_argument("--data-init", action="store_true", help="shared decoder rows start at data rows")
    ap.add_argument(
        "--anchor-init", metavar="PAIRS_JSON",
        help="shared latents start at word anchors from these fit captions (tools/train/anchors.py)",
    )
    ap.add_argument("--anchor-ridge", type=float, default=1.0)
    ap.add_argument("--spare-anchors", type=int, default=512, help="word anchors kept for dead shared latents")
    ap.add_argument("--word-weight", type=float, default=0.0,
                    help="weight of word supervision of the anchored shared latents (needs --anchor-init)")
    ap.add_argument("--word-temperature", type=float, default=0.1)
    ap.add_argument("--word-columns", action="store_true",
                    help="also a softmax over the batch's images per anchored latent (its images against the others)")
    ap.add_argument("--word-idf", action="store_true",
                    help="weigh each caption word of the image target by its inverse document frequency")
    ap.add_argument("--fit-limit", type=int, default=None, help="use only the first N fit pairs")
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--checkpoint-every", type=int, default=500)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--stop-at", type=int, default=None,
                    help="stop after this step as if interrupted (the schedule stays that of --steps)")
    ap.add_argument("--stream", action="store_true",
                    help="read fit pairs from disk per batch (always so under torchrun)")
    ap.add_argument("--device", choices=("auto", "cpu", "cuda"), default="cpu",
                    help="under torchrun: cuda gives one GPU per process and NCCL")
    ap.add_argument(
        "--random-control", action="store_true",
        help="write the untrained random dictionary (frozen random decoder, W_enc = W_decᵀ): the control",
    )
    ap.add_argument("--threads", type=int, default=None,
                    help="torch threads (default: the cores, shared among torchrun's local processes)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    world = D.init_world(args.device)
    local_processes = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
    torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // local_processes))
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    prefix = os.path.join(args.out, args.name)
    say = print if world.is_main else (lambda *a, **k: None)
    stream = args.stream or world.size > 1 or world.device.type != "cpu"
    local_pairs = check_split(args, world, stream, say)

    if stream:
        fit_pairs = S.ShardPairs(args.fit, args.fit_limit)
        index, fit = fit_pairs.index, fit_pairs.first(2000)
    else:
        index, fit = load_shards(args.fit, args.fit_limit)
    if float(fit["tokenMask"][:1000].sum()) == 0:
        raise SystemExit(f"{args.fit}: no pair among the first 1000 has a caption; the text statistics need some")
    val = load_shards(args.validation)[1] if args.validation else None
    stats = norm_stats(fit)
    fit = normalise(fit, stats)
    val = normalise(val, stats) if val is not None else None
    n_fit = fit_pairs.count if stream else fit["patches"].shape[0]
    grid = tuple(index["grid"])
    options = {
        "privateCap": not args.no_private_cap,
        "auxPreActivation": args.aux_preact,
        "resample": not args.no_resample,
        "sparseAlign": not args.no_sparse_align,
        "dustbinClamp": not args.no_dustbin_clamp,
        "contrastGroup": args.contrast_group,
    }
    if args.word_weight > 0:
        if not args.anchor_init or stream:
            raise SystemExit("--word-weight needs --anchor-init (the words) and one process without --stream")
        options.update(wordWeight=args.word_weight, wordTemperature=args.word_temperature,
                       wordColumns=args.word_columns)
    config = {
        "dImage": index["dImage"], "dText": index["dText"],
        "nShared": args.shared, "nImagePrivate": args.image_private, "nTextPrivate": args.text_private,
        "k": args.k, "kPrivate": args.k_private if options["privateCap"] else args.k,
        "alignK": args.align_k if options["sparseAlign"] else 0,
        "kAux": 64, "deadAfterTokens": args.dead_after, "auxWeight": args.aux_weight,
        "gcmtWeight": 0 if args.no_gcmt else args.gcmt_weight,
        "contrastWeight": 0 if args.no_gcmt else args.contrast_weight,
        "contrastTemperature": 0.05, "sinkhornEpsilon": 0.05, "sinkhornIterations": 30,
        "structuralSmoothing": 0.3, "dustbinCostInit": args.dustbin, "learningRate": args.lr,
    }
    gen = torch.Generator().manual_seed(args.seed)
    sample_rows = lambda x: x.reshape(-1, x.shape[-1])[torch.randint(0, x.shape[0] * x.shape[1], (4096,), generator=gen)]  # noqa: E731
    real_tokens = fit["tokens"][:2000].reshape(-1, config["dText"])[fit["tokenMask"][:2000].reshape(-1) > 0]
    model = L.create_lucid(
        config, args.seed,
        sample_rows(fit["patches"][:2000]) if args.data_init else None,
        real_tokens if args.data_init else None,
    )
    anchors = None
    if args.anchor_init:
        import anchors as A

        captions, singles = A.load_captions(args.anchor_init, n_fit)
        model_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "public", "models",
                                 index["encoder"])
        wordpiece = A.load_wordpiece(model_dir)
        words, found = A.anchor_directions(
            fit, captions, singles, config["nShared"] + args.spare_anchors, wordpiece,
            ridge=args.anchor_ridge,
        )
        used = min(config["nShared"], len(words))
        words = words[:used]
        first = {m: (dec[:used], enc[:, :used], b[:used]) for m, (dec, enc, b) in found.items()}
        spare = [{m: (dec[j], enc[:, j]) for m, (dec, enc, _) in found.items()} for j in range(used, len(found["text"][0]))]
        A.apply_anchors(model, first, {
            "image": sample_rows(fit["patches"][:2000]), "text": real_tokens[:4096]}, options)
        anchors = [wordpiece.inv[t] for t in words]
        if args.word_weight > 0:
            word_bag, word_target = A.word_targets(captions, fit["tokenMask"], wordpiece, words)
            options["wordCount"] = len(words)
            word_weights = torch.ones(len(words))
            if args.word_idf:
                word_weights = torch.log(len(captions) / word_bag.sum(0).float().clamp_min(1))
                options["wordIdf"] = True
            print(f"word supervision: {int(word_bag.sum())} caption words over {len(words)} anchors, "
                  f"{int((word_target >= 0).sum())} tokens", flush=True)
        print(f"anchored {len(words)} shared latents on fit caption words: {' '.join(anchors[:30])} …", flush=True)
    if world.device.type == "cuda":
        val = D.use_device(model, world.device, val)
    trainer = D.DistributedTrainer(model, options, grid, world) if world.size > 1 else L.Trainer(model, options, grid)
    if trainer.smoothing is not None:
        trainer.smoothing = trainer.smoothing.to(world.device)
    if anchors:
        trainer.anchor_pool = spare
        print(f"{len(spare)} spare anchors for dead shared latents", flush=True)
    start_step = 0
    ckpt = prefix + ".ckpt.pt"
    if args.resume and os.path.exists(ckpt):
        state = torch.load(ckpt, map_location=world.device)
        with torch.no_grad():
            for name, value in state["params"].items():
                model.params[name].copy_(value)
        trainer.optimizer.load_state_dict(state["optimizer"])
        trainer.tokens_since_fired = state["tokensSinceFired"]
        start_step = state["step"]
        gen.set_state(state["generator"].cpu())
        if "torchRng" in state:
            torch.set_rng_state(state["torchRng"].cpu())
        say(f"resumed at step {start_step}", flush=True)

    if args.random_control or args.steps == 0:
        trainer_name = "random control (untrained)" if args.random_control else "word anchors only (no training)"
        if world.is_main:
            save_dictionary(model, stats, prefix, {"encoder": index["encoder"], "trainer": trainer_name,
                                                   "steps": 0, "fitPairs": n_fit})
            if val is not None:
                print("validation " + json.dumps(validate(model, val, options)), flush=True)
            print("wrote", prefix + ".safetensors", flush=True)
        world.close()
        return
    started = time.time()
    log = []
    last = {}
    end = min(args.steps, args.stop_at or args.steps)
    for step in range(start_step, end):
        # Linear warm-up over 2 % of the steps, cosine decay to 10 % of the rate.
        warm = max(1, args.steps // 50)
        t = step / max(1, args.steps - 1)
        lr = args.lr * min(1.0, (step + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))
        idx = torch.randint(0, n_fit, (args.pairs,), generator=gen, device="cpu")
        if stream:
            # Every rank draws the same global batch and trains on its own contiguous slice of it.
            mine = idx[world.rank * local_pairs : (world.rank + 1) * local_pairs]
            batch = streamed_batch(fit_pairs, mine, stats, args.function_words_in, world.device)
        else:
            batch = batch_of(fit, idx, args.function_words_in)
            if "wordCount" in options:
                batch = (*batch, (word_bag[idx].float() * word_weights, word_target[idx, : batch[1].shape[1]]))
        last = trainer.step(batch, lr)
        if options["resample"] and (step + 1) % args.resample_every == 0 and step + 1 < 0.8 * args.steps:
            whole = batch if world.size == 1 else streamed_batch(fit_pairs, idx, stats, args.function_words_in,
                                                                  world.device)
            resampled = trainer.resample_dead(whole)
            # Every rank resampled the same way; rank 0's copy is sent anyway, so that a rounding
            # difference in the residual draw can never leave the ranks with different weights.
            world.broadcast_state(trainer)
            say(f"resampled {resampled} dead latents", flush=True)
        if (step + 1) % 50 == 0:
            rate = (step + 1 - start_step) / (time.time() - started)
            say(
                f"step {step + 1}/{args.steps} {rate:.2f} it/s "
                + " ".join(f"{k}={v:.4f}" for k, v in last.items())
                + f" dustbin={float(model.dustbin_cost(options['dustbinClamp'])):.3f}",
                flush=True,
            )
        if val is not None and world.is_main and ((step + 1) % args.eval_every == 0 or step + 1 == args.steps):
            v = validate(model, val, options)
            v["step"] = step + 1
            log.append(v)
            print("validation " + json.dumps(v), flush=True)
        if world.is_main and ((step + 1) % args.checkpoint_every == 0 or step + 1 == end):
            torch.save(
                {
                    "params": {k: p.detach().clone() for k, p in model.params.items()},
                    "optimizer": trainer.optimizer.state_dict(),
                    "tokensSinceFired": trainer.tokens_since_fired,
                    "step": step + 1,
                    "generator": gen.get_state(),
                    "torchRng": torch.get_rng_state(),
                },
                ckpt + ".tmp",
            )
            os.replace(ckpt + ".tmp", ckpt)
            save_dictionary(model, stats, prefix, {
                "encoder": index["encoder"], "trainer": "tools/train/lucid_train.py (PyTorch)",
                "steps": step + 1, "batch": args.pairs, "fitPairs": n_fit,
                "options": json.dumps(options), "trainSeconds": round(time.time() - started),
                **({"anchorInit": f"{len(anchors)} fit caption words, ridge {args.anchor_ridge}"} if anchors else {}),
                **({"processes": world.size} if world.size > 1 else {}),
            })
        if (step + 1) % args.checkpoint_every == 0 or step + 1 == end:
            world.barrier()  # no rank runs ahead of a checkpoint it may be asked to resume from
    if world.is_main:
        with open(prefix + ".validation.json", "w") as f:
            json.dump({"args": vars(args), "options": options, "log": log, "lastStep": last}, f, indent=1)
        print(("stopped at step %d; --resume continues; wrote" % end) if end < args.steps else "wrote",
              prefix + ".safetensors", flush=True)
    world.close()


if __name__ == "__main__":
    main()
