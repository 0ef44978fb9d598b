"""Per-patch linear probe: how well can *any* linear read-out of Emoji-CLIP's patch states name an
unseen emoji? (issue 11: "if the encoder's patch states are the limit, a per-patch linear probe will say")

A LUCID shared latent's image code is a linear function of one patch state followed by a ReLU, and
the explorer names an image after its latents' largest codes. So a linear probe trained directly
for naming is the natural reference for what a dictionary's shared latents can name (a reference,
not a strict bound: a dictionary also names through its text side): one
linear read-out per caption word, max-pooled over the patches, trained as a multi-label
classifier of the caption's content words on the fit split (fit images and captions only).

It is scored with the eval harness's definitions on the validation singles (never test):
naming — one of the first three words shares a content word with the label or tags; its control
(another image's words); distinct first words; top-1. Words are ranked by the logit minus the
word's mean logit over fit images (the analogue of the product's specificity ranking) and raw.

  /usr/bin/python3 tools/lucid/probe.py --fit /tmp/lucid-shards/fit --fit-pairs /tmp/lucid-data/fit.json \
      --validation /tmp/lucid-shards/validation --validation-pairs /tmp/lucid-data/validation.json
"""

import argparse
import json
import os
import re
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))
import lucid_train as T  # noqa: E402
from anchors import function_words  # noqa: E402


def content_words(text, stop):
    return [w for w in re.findall(r"[a-z][a-z'-]*", text.lower()) if w not in stop]


def truth_words(pair, stop):
    words = set()
    for o in pair["objects"]:
        words.update(content_words(o["label"], stop))
        for t in o["tags"]:
            words.update(content_words(t, stop))
    return words


def bootstrap(values, seed=1, n=1000):
    g = torch.Generator().manual_seed(seed)
    v = torch.tensor(values, dtype=torch.float64)
    idx = torch.randint(0, len(v), (n, len(v)), generator=g)
    means = v[idx].mean(1).sort().values
    return float(v.mean()), float(means[int(0.025 * n)]), float(means[int(0.975 * n) - 1])


def score_set(z_val, mean_fit, val_pairs, vocab, stop):
    """The harness's naming measures of the probe's first three words on a split's singles."""
    singles = [i for i, p in enumerate(val_pairs) if p["kind"] == "single"]
    out = {}
    for name, score in (("specificity", z_val - mean_fit), ("raw", z_val)):
        naming, control, top1, label1, firsts = [], [], [], [], []
        for s, i in enumerate(singles):
            top = [vocab[j] for j in score[i].topk(3).indices.tolist()]
            own = truth_words(val_pairs[i], stop)
            other = truth_words(val_pairs[singles[(s + len(singles) // 2) % len(singles)]], stop)
            naming.append(float(any(t in own for t in top)))
            control.append(float(any(t in other for t in top)))
            top1.append(float(top[0] in own))
            label1.append(float(top[0] in content_words(val_pairs[i]["objects"][0]["label"], stop)))
            firsts.append(top[0])
        gap = [a - c for a, c in zip(naming, control)]
        row = {
            "naming": bootstrap(naming),
            "namingControl": bootstrap(control),
            "namingGap": bootstrap(gap),
            "top1": bootstrap(top1),
            # A word-per-latent dictionary whose text side fires exactly the label's own words can
            # make the label phrase and the image agree (correspondence) at most this often.
            "top1InLabel": bootstrap(label1),
            "distinctFirst": len(set(firsts)) / len(firsts),
        }
        out[name] = row
        fmt = lambda e: f"{e[0]:.3f} [{e[1]:.3f}, {e[2]:.3f}]"  # noqa: E731
        print(
            f"  {name:12s} naming {fmt(row['naming'])}  control {fmt(row['namingControl'])}  "
            f"gap {fmt(row['namingGap'])}  top-1 {fmt(row['top1'])}  top-1 in label {fmt(row['top1InLabel'])}  "
            f"distinct first {row['distinctFirst']:.3f}"
        )
    coverage = [float(bool(truth_words(val_pairs[i], stop) & set(vocab))) for i in singles]
    out["coverage"] = bootstrap(coverage)
    print(f"  singles with a label/tag word in the probe's vocabulary: {out['coverage'][0]:.3f}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fit", required=True)
    ap.add_argument("--fit-pairs", required=True)
    ap.add_argument("--validation", required=True)
    ap.add_argument("--validation-pairs", required=True)
    ap.add_argument("--fit-limit", type=int, default=24000)
    ap.add_argument("--min-pairs", type=int, default=8)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--pool", choices=["max", "mean"], default="max")
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--extra-validation", action="append", default=[], metavar="SHARDS,PAIRS_JSON",
                    help="also score on these (e.g. the validation emoji in a training style, make_pairs.py --held-style)")
    ap.add_argument("--out", help="write the scores as JSON here")
    args = ap.parse_args()
    torch.manual_seed(0)
    stop = function_words()

    _, fit = T.load_shards(args.fit, args.fit_limit)
    stats = T.norm_stats(fit)
    x_fit = (fit["patches"] - stats["image"][0]) * stats["image"][1]
    with open(args.fit_pairs) as f:
        fit_pairs = json.load(f)["pairs"][: x_fit.shape[0]]

    counts = {}
    fit_words = [set(content_words(p["caption"], stop)) for p in fit_pairs]
    for ws in fit_words:
        for w in ws:
            counts[w] = counts.get(w, 0) + 1
    vocab = sorted(w for w, c in counts.items() if c >= args.min_pairs and len(w) > 1)
    index = {w: i for i, w in enumerate(vocab)}
    y = torch.zeros(len(fit_pairs), len(vocab))
    for r, ws in enumerate(fit_words):
        for w in ws:
            if w in index:
                y[r, index[w]] = 1
    print(f"{len(fit_pairs)} fit pairs, {len(vocab)} words (≥ {args.min_pairs} pairs)", flush=True)

    d = x_fit.shape[2]
    w = torch.zeros(d, len(vocab), requires_grad=True)
    b = torch.full((len(vocab),), -4.0, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=args.lr)

    def logits(x):
        z = x @ w + b
        return z.amax(1) if args.pool == "max" else z.mean(1)

    batch = 256
    for epoch in range(args.epochs):
        perm = torch.randperm(x_fit.shape[0])
        total = 0.0
        for s in range(0, len(perm), batch):
            idx = perm[s : s + batch]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits(x_fit[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        print(f"epoch {epoch + 1}: loss {total / len(perm):.4f}", flush=True)

    with torch.no_grad():
        mean_fit = torch.cat([logits(x_fit[s : s + 1024]) for s in range(0, 8192, 1024)]).mean(0)
    result = {"fitPairs": len(fit_pairs), "words": len(vocab), "pool": args.pool, "sets": {}}
    sets = [(args.validation, args.validation_pairs)] + [tuple(e.split(",")) for e in args.extra_validation]
    for shards, pairs_json in sets:
        _, val = T.load_shards(shards)
        x_val = (val["patches"] - stats["image"][0]) * stats["image"][1]
        with open(pairs_json) as f:
            val_pairs = json.load(f)["pairs"][: x_val.shape[0]]
        with torch.no_grad():
            z_val = torch.cat([logits(x_val[s : s + 256]) for s in range(0, x_val.shape[0], 256)])
        print(f"{pairs_json}:")
        result["sets"][pairs_json] = score_set(z_val, mean_fit, val_pairs, vocab, stop)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
