"""Write small test fixtures to e2e/fixtures/images/: single emoji PNGs on white
and composed scenes, in the held-out OpenMoji style (plain names, e.g. dog.png)
and in the training Twemoji style (suffix _twemoji), + fixtures.json with
labels, captions and boxes.
Usage: /usr/bin/python3 tools/emoji-clip/make_fixtures.py [--build /tmp/emoji-build] [--size 96]"""
import argparse, json, os
import numpy as np
import torch
from PIL import Image

from common import REPO, load_data
from synth import load_sources, Synth
from captions import art, join_phrases

SINGLES = {"dog": "dog face", "pizza": "pizza", "cat": "cat face", "car": "automobile"}
SCENES = [
    ("scene_dog_pizza", [("dog face", 26, 36, 44), ("pizza", 70, 62, 42)]),
    ("scene_cat_car_apple", [("cat face", 24, 24, 38), ("automobile", 70, 30, 40), ("red apple", 46, 72, 38)]),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="/tmp/emoji-build")
    ap.add_argument("--size", type=int, default=96)
    a = ap.parse_args()
    S = a.size
    out = os.path.join(REPO, "e2e", "fixtures", "images")
    os.makedirs(out, exist_ok=True)
    meta, npz = load_data(a.build)
    emo = meta["emoji"]
    by_label = {e["label"]: i for i, e in enumerate(emo)}
    index = {"size": S, "background": "white", "singles": [], "scenes": [],
             "styles": {"openmoji": "held-out style (never seen in training), CC BY-SA 4.0",
                        "twitter": "Twemoji, a training style, CC-BY 4.0"}}
    for style, suffix in (("openmoji", ""), ("twitter", "_twemoji")):
        src = load_sources(npz, [style], "cpu")
        syn = Synth(src, emo, S, "cpu")
        alpha = npz[style][:, :, :, 3]

        def save(layout, name):
            px = syn.render([layout], 1, train=False)[0]
            arr = (px.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
            Image.fromarray(arr, "RGB").save(os.path.join(out, name), optimize=True)

        for short, label in SINGLES.items():
            i = by_label[label]
            f = f"{short}{suffix}.png"
            save([(0, i, S / 2, S / 2, float(S), 0.0)], f)
            index["singles"].append({"file": f, "style": style, "label": label, "hexcode": emo[i]["hexcode"],
                                     "caption": art(label)})
        for name, objs in SCENES:
            layout, items = [], []
            for label, cx, cy, s in objs:
                i = by_label[label]
                layout.append((0, i, float(cx), float(cy), float(s), 0.0))
                ys, xs = np.nonzero(alpha[i] > 8)
                k = s / 64.0
                box = [cx - s / 2 + xs.min() * k, cy - s / 2 + ys.min() * k,
                       cx - s / 2 + (xs.max() + 1) * k, cy - s / 2 + (ys.max() + 1) * k]
                items.append({"label": label, "hexcode": emo[i]["hexcode"],
                              "box": [round(max(0, min(S, v)), 1) for v in box]})
            f = f"{name}{suffix}.png"
            save(layout, f)
            index["scenes"].append({"file": f, "style": style,
                                    "caption": join_phrases([art(o["label"]) for o in items]), "objects": items})
    index["box_format"] = "x0,y0,x1,y1 in pixels of the PNG (origin top-left)"
    json.dump(index, open(os.path.join(out, "fixtures.json"), "w"), indent=2)
    print("wrote", out, sorted(os.listdir(out)))


if __name__ == "__main__":
    main()
