"""Image–caption pairs for pretraining and evaluating the LUCID dictionary on Emoji-CLIP.

Renders singles and 2–4 emoji scenes with the Emoji-CLIP synthesiser (tools/emoji-clip/synth.py):
  train   — Noto + Twemoji styles, augmented backgrounds (what the dictionary learns from);
  heldout — OpenMoji (the style Emoji-CLIP never saw), white background, with object boxes.
Writes <out>/<split>.u8 (raw uint8 RGB, [N, S, S, 3]) and <out>/<split>.json (captions, emoji, boxes).

Needs the emoji data built by tools/emoji-clip/prep_data.py (see tools/emoji-clip/README.md).
Usage: /usr/bin/python3 tools/lucid-data/make_pairs.py --build /tmp/emoji-build --out /tmp/lucid-data \
          --train 12000 --heldout 1500
"""
import argparse, json, os, random, sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "emoji-clip"))
from captions import scene_caption, single_caption  # noqa: E402
from common import load_data  # noqa: E402
from synth import Synth, content_box, load_sources, place_scene  # noqa: E402


def layouts(synth, n, rng, p_single, allowed):
    """n samples: (layout for Synth.render, caption, objects [{index, box}]); emoji drawn from `allowed`."""
    S = synth.S
    out = []
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
    ap.add_argument("--train", type=int, default=12000)
    ap.add_argument("--heldout", type=int, default=1500)
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--seed", type=int, default=20261127)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    meta_all, npz = load_data(args.build)
    meta = meta_all["emoji"]
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    train = Synth(load_sources(npz, ["google", "twitter"], "cpu"), meta, args.size, "cpu", seed=args.seed)
    # Only emoji that every style of the split has (a missing image is blank in the npz).
    both = [i for i in range(len(meta)) if npz["has_google"][i] and npz["has_twitter"][i]]
    write_split(os.path.join(args.out, "train"), train, layouts(train, args.train, rng, 0.5, both), True, meta)
    held = Synth(load_sources(npz, ["openmoji"], "cpu"), meta, args.size, "cpu", seed=args.seed + 1)
    om = [i for i in range(len(meta)) if npz["has_openmoji"][i]]
    write_split(os.path.join(args.out, "heldout"), held, layouts(held, args.heldout, rng, 0.4, om), False, meta)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
