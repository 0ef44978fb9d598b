"""Localisation sanity check ("pointing game") on held-out-style scenes.
Each patch token (vision last_hidden_state) is sent through post_layernorm +
visual_projection and compared with the text embedding of "a <label>" for each
object; a hit = the best-matching patch centre lies inside that object's box.
Second probe (closer to what an SAE sees): raw last_hidden_state patch tokens
vs the mean patch token of the same emoji rendered alone (blank-image mean
subtracted). Also writes the scenes' boxes/captions to --save (JSON) if given.
Usage: /usr/bin/python3 tools/emoji-clip/pointing.py CKPT_DIR [--n 300] [--save /tmp/heldout_scenes.json]"""
import argparse, json, random
import numpy as np
import torch
import torch.nn.functional as F

from common import load_tokenizer, load_data, load_ckpt, normalize_px
from synth import load_sources, Synth, tokenize_batch, place_scene
from captions import art, join_phrases


@torch.no_grad()
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--build", default="/tmp/emoji-build")
    ap.add_argument("--style", default="openmoji")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--save", default=None)
    a = ap.parse_args()
    torch.set_num_threads(2)
    model, info = load_ckpt(a.ckpt)
    S, P = info["cfg"]["image_size"], info["cfg"]["patch_size"]
    G = S // P
    tok = load_tokenizer()
    meta, npz = load_data(a.build)
    emo = meta["emoji"]
    has = np.nonzero(npz["has_" + a.style])[0].tolist()
    syn = Synth(load_sources(npz, [a.style], "cpu"), emo, S, "cpu")
    alpha = npz[a.style][:, :, :, 3]
    rng = random.Random(123)
    scenes, layouts = [], []
    for _ in range(a.n):
        n = rng.choice([2, 3])
        frames = place_scene(n, S, rng)
        idx = rng.sample(has, len(frames))
        objs, lay = [], []
        for (cx, cy, s), i in zip(frames, idx):
            ys, xs = np.nonzero(alpha[i] > 8)
            k = s / 64
            box = [cx - s / 2 + xs.min() * k, cy - s / 2 + ys.min() * k, cx - s / 2 + (xs.max() + 1) * k, cy - s / 2 + (ys.max() + 1) * k]
            objs.append({"idx": i, "label": emo[i]["label"], "hexcode": emo[i]["hexcode"], "box": [round(v, 1) for v in box]})
            lay.append((0, i, cx, cy, s, 0.0))
        scenes.append(objs); layouts.append(lay)
    hits = total = 0
    hits_raw = 0
    chance = 0.0
    centers = [((p // G + 0.5) * P, (p % G + 0.5) * P) for p in range(G * G)]
    blank = model.encode_image(normalize_px(torch.ones(1, 3, S, S)))[0][0, 1:].mean(0)
    for b in range(0, a.n, 64):
        px = syn.render(layouts[b:b + 64], len(layouts[b:b + 64]), train=False)
        h, _ = model.encode_image(normalize_px(px))
        pe = F.normalize(model.visual_projection(model.visual.post_ln(h[:, 1:])), dim=-1)  # B, G*G, E
        # raw-space prototypes: mean patch token of each emoji rendered alone (centred, full size)
        ids_b = sorted({o["idx"] for objs in scenes[b:b + 64] for o in objs})
        single = syn.render([[(0, i, S / 2, S / 2, float(S), 0.0)] for i in ids_b], len(ids_b), train=False)
        hs = model.encode_image(normalize_px(single))[0][:, 1:]
        proto = {i: F.normalize(hs[k].mean(0) - blank, dim=-1) for k, i in enumerate(ids_b)}
        raw = F.normalize(h[:, 1:] - blank, dim=-1)
        for j, objs in enumerate(scenes[b:b + 64]):
            for o in objs:
                x0, y0, x1, y1 = o["box"]
                inside = [x0 <= cx <= x1 and y0 <= cy <= y1 for cy, cx in centers]
                chance += sum(inside) / len(inside)
                p = int((raw[j] @ proto[o["idx"]]).argmax())
                hits_raw += int(inside[p])
            ids = tokenize_batch(tok, [art(o["label"]) for o in objs], meta["ctx"], "cpu")
            te = F.normalize(model.encode_text(ids)[1], dim=-1)
            sim = pe[j] @ te.t()  # G*G, n
            # contrast against the other objects: softmax over objects per patch
            for k, o in enumerate(objs):
                p = int(sim[:, k].argmax())
                cy, cx = (p // G + 0.5) * P, (p % G + 0.5) * P
                x0, y0, x1, y1 = o["box"]
                hits += int(x0 <= cx <= x1 and y0 <= cy <= y1)
                total += 1
    print(json.dumps({"style": a.style, "scenes": a.n, "objects": total, "grid": [G, G],
                      "pointing_text_via_projection": round(hits / total, 3),
                      "pointing_raw_prototype": round(hits_raw / total, 3),
                      "chance_random_patch": round(chance / total, 3)}))
    if a.save:
        json.dump({"style": a.style, "size": S, "background": "white", "box_format": "x0,y0,x1,y1 px",
                   "scenes": [{"caption": join_phrases([art(o["label"]) for o in s]), "objects": s} for s in scenes]},
                  open(a.save, "w"))


if __name__ == "__main__":
    main()
