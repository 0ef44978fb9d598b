"""Zero-shot evaluation on a held-out style: each emoji image (centred, white
background) must pick its own label among ALL emoji labels.
Usage: /usr/bin/python3 tools/emoji-clip/evaluate.py CKPT_DIR [--build /tmp/emoji-build] [--style openmoji]"""
import argparse, json, sys
import torch
import torch.nn.functional as F

from common import load_tokenizer, load_data, load_ckpt, normalize_px
from synth import load_sources, Synth, tokenize_batch
from captions import art, SINGLE


@torch.no_grad()
def zero_shot(model, tok, meta, npz, style, S, device, templates=None, bs=256, only=None):
    """Top-1/top-5 of each image of `style` among all labels; `only`: the emoji indices to score."""
    emo = meta["emoji"]
    has = npz["has_" + style]
    idx = [i for i in range(len(emo)) if has[i] and (only is None or i in only)]
    src = load_sources(npz, [style], device)
    syn = Synth(src, emo, S, device)
    templates = templates or [art]
    T = []
    for tpl in templates:
        caps = [tpl(e["label"]) for e in emo]
        embs = []
        for i in range(0, len(caps), bs):
            ids = tokenize_batch(tok, caps[i:i + bs], meta["ctx"], device)
            embs.append(F.normalize(model.encode_text(ids)[1], dim=-1))
        T.append(torch.cat(embs))
    T = F.normalize(torch.stack(T).mean(0), dim=-1)
    correct1 = correct5 = 0
    preds = []
    for i in range(0, len(idx), bs):
        chunk = idx[i:i + bs]
        layout = [[(0, j, S / 2, S / 2, float(S), 0.0)] for j in chunk]
        px = syn.render(layout, len(chunk), train=False)
        ie = F.normalize(model.encode_image(normalize_px(px))[1], dim=-1)
        top = (ie @ T.t()).topk(5, dim=-1).indices.cpu()
        for j, t in zip(chunk, top.tolist()):
            correct1 += int(t[0] == j)
            correct5 += int(j in t)
            preds.append((j, t))
    n = len(idx)
    return {"n": n, "top1": correct1 / n, "top5": correct5 / n}, preds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--build", default="/tmp/emoji-build")
    ap.add_argument("--style", default="openmoji")
    ap.add_argument("--show", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(2)
    model, info = load_ckpt(a.ckpt)
    tok = load_tokenizer()
    meta, npz = load_data(a.build)
    S = info["cfg"]["image_size"]
    res, preds = zero_shot(model, tok, meta, npz, a.style, S, "cpu")
    print(json.dumps({"style": a.style, "template": "a/an <label>", **res}))
    res2, _ = zero_shot(model, tok, meta, npz, a.style, S, "cpu", templates=SINGLE)
    print(json.dumps({"style": a.style, "template": "ensemble of %d templates" % len(SINGLE), **res2}))
    emo = meta["emoji"]
    groups = ["smileys-emotion", "people-body", "component", "animals-nature", "food-drink", "travel-places",
              "activities", "objects", "symbols", "flags"]
    per = {}
    for j, t in preds:
        g = groups[emo[j]["group"]]
        c = per.setdefault(g, [0, 0, 0])
        c[0] += 1; c[1] += int(t[0] == j); c[2] += int(j in t)
    print(json.dumps({g: {"n": n, "top1": round(c1 / n, 3), "top5": round(c5 / n, 3)} for g, (n, c1, c5) in per.items()}))
    for j, t in preds[:a.show]:
        print(emo[j]["label"], "->", [emo[k]["label"] for k in t[:3]])


if __name__ == "__main__":
    main()
