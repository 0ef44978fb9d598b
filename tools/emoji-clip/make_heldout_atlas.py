"""A committed sample of the held-out style for the zero-shot regression test.

Renders every 5th OpenMoji emoji exactly as evaluate.py does (centred, full frame, white background)
into one PNG atlas (20 columns of 96 px tiles) plus a JSON list of their hexcodes and labels.
Usage: /usr/bin/python3 tools/emoji-clip/make_heldout_atlas.py [--build /tmp/emoji-build] [--every 5]
Writes e2e/fixtures/heldout/openmoji-atlas.png and openmoji-atlas.json.
"""
import argparse, json, os
import numpy as np
import torch
from PIL import Image
from common import REPO, load_data
from synth import Synth, load_sources

ap = argparse.ArgumentParser()
ap.add_argument("--build", default="/tmp/emoji-build")
ap.add_argument("--every", type=int, default=5)
a = ap.parse_args()
meta, npz = load_data(a.build)
emo = meta["emoji"]
idx = [i for i in range(len(emo)) if npz["has_openmoji"][i]][:: a.every]
S, cols = 96, 20
syn = Synth(load_sources(npz, ["openmoji"], "cpu"), emo, S, "cpu")
with torch.no_grad():
    px = syn.render([[(0, j, S / 2, S / 2, float(S), 0.0)] for j in idx], len(idx), train=False)
tiles = (px.permute(0, 2, 3, 1).numpy() * 255 + 0.5).clip(0, 255).astype(np.uint8)
rows = (len(idx) + cols - 1) // cols
atlas = np.full((rows * S, cols * S, 3), 255, dtype=np.uint8)
for n, tile in enumerate(tiles):
    r, c = divmod(n, cols)
    atlas[r * S:(r + 1) * S, c * S:(c + 1) * S] = tile
out = os.path.join(REPO, "e2e", "fixtures", "heldout")
os.makedirs(out, exist_ok=True)
Image.fromarray(atlas).save(os.path.join(out, "openmoji-atlas.png"), optimize=True)
json.dump({"tile": S, "columns": cols, "style": "openmoji",
           "emoji": [{"hexcode": emo[i]["hexcode"], "label": emo[i]["label"]} for i in idx]},
          open(os.path.join(out, "openmoji-atlas.json"), "w"), ensure_ascii=False)
print(len(idx), "tiles")
