"""Build the emoji image arrays, label metadata and the WordPiece tokenizer.

Inputs (npm, installed outside the repo, see README):
  emoji-datasource-google  img/google/64/*.png   (Noto Emoji, Apache-2.0)
  emoji-datasource-twitter img/twitter/64/*.png  (Twemoji, CC-BY-4.0)
  openmoji color/svg -> rasterised by render_openmoji.mjs to openmoji128/*.png (CC-BY-SA-4.0)
  emojibase-data en/data.json                    (labels/tags, MIT)
Outputs: <build>/data/emoji_data.npz, <build>/data/meta.json,
         public/models/emoji-clip/tokenizer.json + tokenizer_config.json
Usage: /usr/bin/python3 tools/emoji-clip/prep_data.py [/tmp/emoji-build]
"""
import json, os, sys, re
from collections import Counter
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tokenizer import WordPiece, build_vocab, normalize, pre_tokenize  # noqa: E402
from captions import TEMPLATE_WORDS  # noqa: E402

ROOT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/emoji-build"
NM = os.path.join(ROOT, "node_modules")
OUT = os.path.join(ROOT, "data")
MODEL_DIR = os.path.join(HERE, "..", "..", "public", "models", "emoji-clip")
CTX = 32
SRC = 64      # stored source resolution
FIT = 60      # content is fitted into FIT x FIT, centred


def key(hexcode):
    return "-".join(p for p in hexcode.upper().split("-") if p != "FE0F")


def index_dir(d):
    idx = {}
    for f in os.listdir(d):
        if f.endswith(".png"):
            idx.setdefault(key(f[:-4]), os.path.join(d, f))
    return idx


def load_fit(path):
    im = Image.open(path).convert("RGBA")
    a = np.asarray(im)[:, :, 3]
    ys, xs = np.nonzero(a > 8)
    if len(xs) == 0:
        return None
    im = im.crop((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))
    w, h = im.size
    s = FIT / max(w, h)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    # premultiply before resampling to avoid dark fringes
    arr = np.asarray(im).astype(np.float32)
    arr[:, :, :3] *= arr[:, :, 3:4] / 255.0
    chans = [Image.fromarray(arr[:, :, c]).resize((nw, nh), Image.LANCZOS) for c in range(4)]
    arr = np.stack([np.asarray(c) for c in chans], -1).clip(0, 255)
    al = arr[:, :, 3:4]
    arr[:, :, :3] = np.where(al > 0, arr[:, :, :3] * 255.0 / np.maximum(al, 1e-3), 0)
    canvas = np.zeros((SRC, SRC, 4), np.uint8)
    x0, y0 = (SRC - nw) // 2, (SRC - nh) // 2
    canvas[y0:y0 + nh, x0:x0 + nw] = arr.clip(0, 255).round().astype(np.uint8)
    return canvas


def main():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(MODEL_DIR, exist_ok=True)
    data = json.load(open(os.path.join(NM, "emojibase-data/en/data.json")))
    styles = {
        "google": index_dir(os.path.join(NM, "emoji-datasource-google/img/google/64")),
        "twitter": index_dir(os.path.join(NM, "emoji-datasource-twitter/img/twitter/64")),
        "openmoji": index_dir(os.path.join(ROOT, "openmoji128")),
    }
    entries = [e for e in data if e.get("group") is not None and e["group"] != 2]
    keep, arrays = [], {s: [] for s in styles}
    for e in entries:
        k = key(e["hexcode"])
        imgs = {}
        for s, idx in styles.items():
            imgs[s] = load_fit(idx[k]) if k in idx else None
        if imgs["google"] is None and imgs["twitter"] is None:
            continue
        keep.append(e)
        for s in styles:
            arrays[s].append(imgs[s] if imgs[s] is not None else np.zeros((SRC, SRC, 4), np.uint8))
    has = {s: np.array([a.any() for a in arrays[s]]) for s in styles}
    print("emoji kept:", len(keep), {s: int(h.sum()) for s, h in has.items()})

    # vocabulary: every word of every label, tag words seen >= 2 times, template words
    counts = Counter()
    always = set(TEMPLATE_WORDS)
    for e in keep:
        for w in pre_tokenize(normalize(e["label"])):
            always.add(w)
        for t in e.get("tags", []):
            for w in pre_tokenize(normalize(t)):
                counts[w] += 1
    vocab = build_vocab(counts, min_count=2, always=always)
    tok = WordPiece(vocab)
    tj, tc = tok.to_json(CTX)
    json.dump(tj, open(os.path.join(MODEL_DIR, "tokenizer.json"), "w"), ensure_ascii=False)
    json.dump(tc, open(os.path.join(MODEL_DIR, "tokenizer_config.json"), "w"), indent=2)
    json.dump({"bos_token": "[BOS]", "eos_token": "[EOS]", "pad_token": "[PAD]", "unk_token": "[UNK]"},
              open(os.path.join(MODEL_DIR, "special_tokens_map.json"), "w"), indent=2)
    print("vocab size:", len(vocab), "special ids pad/unk/bos/eos:", tok.pad_id, tok.unk_id, tok.bos_id, tok.eos_id)

    meta = {
        "ctx": CTX, "vocab_size": len(vocab), "pad_id": tok.pad_id, "bos_id": tok.bos_id, "eos_id": tok.eos_id,
        "emoji": [{"hexcode": e["hexcode"], "emoji": e.get("emoji", ""), "label": e["label"],
                   "tags": e.get("tags", []), "group": e["group"], "subgroup": e.get("subgroup")} for e in keep],
    }
    json.dump(meta, open(os.path.join(OUT, "meta.json"), "w"), ensure_ascii=False)
    np.savez_compressed(os.path.join(OUT, "emoji_data.npz"),
                        **{s: np.stack(arrays[s]) for s in styles},
                        **{"has_" + s: has[s] for s in styles})
    print("wrote", OUT)


if __name__ == "__main__":
    main()
