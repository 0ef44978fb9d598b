import json, os, sys
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
MODEL_DIR = os.path.join(REPO, "public", "models", "emoji-clip")
sys.path.insert(0, HERE)
from tokenizer import WordPiece  # noqa: E402
from model import CLIP  # noqa: E402

MEAN = [0.5, 0.5, 0.5]
STD = [0.5, 0.5, 0.5]


def load_tokenizer(model_dir=MODEL_DIR):
    tj = json.load(open(os.path.join(model_dir, "tokenizer.json")))
    return WordPiece(tj["model"]["vocab"])


def load_data(build):
    meta = json.load(open(os.path.join(build, "data", "meta.json")))
    npz = np.load(os.path.join(build, "data", "emoji_data.npz"))
    return meta, npz


def save_ckpt(model, path, extra=None):
    os.makedirs(path, exist_ok=True)
    sd = {k: v.detach().float().cpu().numpy() for k, v in model.state_dict().items()}
    np.savez(os.path.join(path, "weights.npz"), **sd)
    json.dump({"cfg": model.cfg, **(extra or {})}, open(os.path.join(path, "ckpt.json"), "w"), indent=2)


def load_ckpt(path, device="cpu"):
    info = json.load(open(os.path.join(path, "ckpt.json")))
    m = CLIP(info["cfg"])
    w = np.load(os.path.join(path, "weights.npz"))
    m.load_state_dict({k: torch.from_numpy(w[k]) for k in w.files})
    return m.to(device).eval(), info


def normalize_px(x):
    mean = torch.tensor(MEAN, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std
