"""Image–caption pairs for pretraining, choosing and evaluating the LUCID dictionary on Emoji-CLIP.

The emoji are split once, by a seeded hash of their hexcode (tools/lucid-data/splits.py, committed
as emoji-splits.json), into three disjoint sets; each split is rendered from its own emoji only:
  fit        — Noto + Twemoji (Emoji-CLIP's training styles), augmented backgrounds: what the
               dictionary learns from, and the only source of names and caption words;
  validation — OpenMoji (the style Emoji-CLIP never saw), white background, with object boxes:
               every choice (hyper-parameters, thresholds, which run ships) and the evidence tiles;
  test       — OpenMoji of the test emoji: read only by `lucid eval` and tests.
Validation and test hold every emoji of their set once as a single image, then scenes of 2–4.
Writes <out>/<split>.u8 (raw uint8 RGB, [N, S, S, 3]) and <out>/<split>.json (captions, emoji, boxes).

Needs the emoji data built by tools/emoji-clip/prep_data.py (see tools/emoji-clip/README.md).
Usage: /usr/bin/python3 tools/lucid-data/make_pairs.py --build /tmp/emoji-build --out /tmp/lucid-data \
          --fit 48000 --scenes 300 [--fit-seed N]
"""
import argparse, json, os, random, sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "emoji-clip"))
from captions import scene_caption, single_caption  # noqa: E402
from common import load_data  # noqa: E402
from synth import Synth, content_box, load_sources, place_scene  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splits import load_splits  # noqa: E402


def layouts(synth, n, rng, p_single, allowed, singles_first=False):
    """n samples: (layout for Synth.render, caption, objects [{index, box}]); emoji drawn from `allowed`.
    With singles_first, every allowed emoji comes once as a single (in order), then n scenes."""
    S = synth.S
    out = []
    if singles_first:
        for i in allowed:
            s = 0.85 * S
            out.append(([(0, i, S / 2, S / 2, s, 0.0)], single_caption(synth.meta[i], rng),
                        [{"index": i, "box": content_box(S / 2, S / 2, s)}]))
        p_single = 0.0
    for _ in range(n):
        if rng.random() < p_single:
            s = rng.uniform(0.62, 1.0) * S
            cx = S / 2 + rng.uniform(-0.1, 0.1) * S
            cy = S / 2 + rng.uniform(-0.1, 0.1) * S
            i = rng.choice(allowed)
            st = rng.randrange(synth.n_styles)
            out.append(([(st, i, cx, cy, s, rng.uniform(-0.15, 0.15))], single_caption(synth.meta[i], rng),
                        [{"index": i, "box": content_box(cx, cy, s)}]))
        else:
            n_obj = rng.choice([2, 2, 3, 3, 4])
            frames = place_scene(n_obj, S, rng)
            st = rng.randrange(synth.n_styles)
            idxs = rng.sample(allowed, len(frames))
            objs = [(st, i, cx, cy, s, rng.uniform(-0.1, 0.1)) for (cx, cy, s), i in zip(frames, idxs)]
            items = [(synth.meta[i], content_box(cx, cy, s)) for (cx, cy, s), i in zip(frames, idxs)]
            out.append((objs, scene_caption(items, rng),
                        [{"index": i, "box": b} for i, (_, b) in zip(idxs, items)]))
    return out


def write_split(path, synth, samples, train, meta, batch=256):
    pixels = np.zeros((len(samples), synth.S, synth.S, 3), dtype=np.uint8)
    for start in range(0, len(samples), batch):
        chunk = samples[start:start + batch]
        with torch.no_grad():
            img = synth.render([s[0] for s in chunk], len(chunk), train=train)
        pixels[start:start + len(chunk)] = (img.permute(0, 2, 3, 1).numpy() * 255 + 0.5).clip(0, 255).astype(np.uint8)
    pixels.tofile(path + ".u8")
    records = [{
        "caption": caption,
        "kind": "single" if len(objects) == 1 else "scene",
        "objects": [{"hexcode": meta[o["index"]]["hexcode"], "label": meta[o["index"]]["label"],
                     "tags": meta[o["index"]]["tags"], "group": meta[o["index"]]["group"],
                     "box": [round(v, 2) for v in o["box"]]} for o in objects],
    } for _, caption, objects in samples]
    json.dump({"size": synth.S, "count": len(samples), "pairs": records}, open(path + ".json", "w"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="/tmp/emoji-build")
    ap.add_argument("--out", default="/tmp/lucid-data")
    ap.add_argument("--fit", type=int, default=48000, help="fit pairs (half singles, half scenes)")
    ap.add_argument("--scenes", type=int, default=300, help="scenes in validation and in test")
    ap.add_argument("--splits", default="validation,test,fit", help="which splits to write")
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--held-style", default="openmoji",
                    help="style of validation and test (diagnostics only: e.g. google, to separate the style "
                         "gap from the unseen-emoji gap, tools/lucid/probe.py)")
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--fit-seed", type=int, default=None, help="seed of the fit pairs (fresh data: a new seed)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    meta_all, npz = load_data(args.build)
    meta = meta_all["emoji"]
    split_of = load_splits(meta)
    wanted = args.splits.split(",")
    for name in ("validation", "test"):
        if name not in wanted:
            continue
        rng = random.Random(f"{args.seed}-{name}")
        torch.manual_seed(args.seed)
        style = args.held_style
        held = Synth(load_sources(npz, [style], "cpu"), meta, args.size, "cpu", seed=args.seed + 1)
        emoji = [i for i in range(len(meta)) if npz[f"has_{style}"][i] and split_of[i] == name]
        write_split(os.path.join(args.out, name), held, layouts(held, args.scenes, rng, 0.0, emoji, True), False, meta)
        print(f"{name}: {len(emoji)} emoji, {len(emoji) + args.scenes} pairs")
    if "fit" in wanted:
        seed = args.fit_seed if args.fit_seed is not None else args.seed
        rng = random.Random(f"{seed}-fit")
        torch.manual_seed(seed)
        fit = Synth(load_sources(npz, ["google", "twitter"], "cpu"), meta, args.size, "cpu", seed=seed)
        # Only emoji that every style of the split has (a missing image is blank in the npz).
        emoji = [i for i in range(len(meta))
                 if npz["has_google"][i] and npz["has_twitter"][i] and split_of[i] == "fit"]
        write_split(os.path.join(args.out, "fit"), fit, layouts(fit, args.fit, rng, 0.5, emoji), True, meta)
        print(f"fit: {len(emoji)} emoji, {args.fit} pairs")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
