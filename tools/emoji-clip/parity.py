"""Compare the torch checkpoint with the transformers.js/ONNX outputs written by
check_transformers.mjs --json OUT (same fixture PNGs, same texts).
Usage: /usr/bin/python3 tools/emoji-clip/parity.py CKPT_DIR /tmp/tjs-out.json"""
import json, os, sys
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from common import REPO, load_ckpt, normalize_px

ckpt, out = sys.argv[1], sys.argv[2]
torch.set_num_threads(2)
model, info = load_ckpt(ckpt)
S = info["cfg"]["image_size"]
js = json.load(open(out))
fx = json.load(open(os.path.join(REPO, "e2e/fixtures/images/fixtures.json")))
imgs = []
for f in fx["singles"]:
    im = Image.open(os.path.join(REPO, "e2e/fixtures/images", f["file"])).convert("RGB")
    assert im.size == (S, S)
    imgs.append(np.asarray(im))
px = torch.from_numpy(np.stack(imgs)).permute(0, 3, 1, 2).float() / 255
with torch.no_grad():
    ie = F.normalize(model.encode_image(normalize_px(px))[1], dim=-1).numpy()
    te = F.normalize(model.encode_text(torch.tensor(js["text_ids"]))[1], dim=-1).numpy()
ji, jt = np.array(js["image_embeds"]), np.array(js["text_embeds"])
print("image embeds max|diff|", float(np.abs(ie - ji).max()), "cos", (ie * ji).sum(1).round(6).tolist())
print("text embeds  max|diff|", float(np.abs(te - jt).max()), "cos", (te * jt).sum(1).round(6).tolist())
