#!/usr/bin/python3
"""A CLIP with seeded random weights in the transformers.js layout, and a randomly initialised
LUCID dictionary for it, for benchmarks only (`npm run bench:scale`; never committed).

    /usr/bin/python3 tools/bench-model/make_model.py --out /tmp/lucid-scale [--size base|tiny]

writes
    <out>/models/<id>/        onnx/vision_model.onnx (with patch_embeds), onnx/text_model.onnx,
                              config.json, preprocessor_config.json, tokenizer files
    <out>/dictionaries/<id>/  lucid.safetensors, lucid.config.json
with id "bench-vit-b16" (--size base) or "bench-tiny" (--size tiny, for the test). The model is
built by tools/emoji-clip/model.py and written by tools/emoji-clip/export.py (export_model) and
add_patch_embeds.py, exactly as Emoji-CLIP is; only the sizes differ. Random weights cost exactly
the compute of trained ones.

base is CLIP ViT-B/16's shape: vision 224 px, patch 16 (14 × 14 = 196 patches + CLS), width 768,
12 layers, 12 heads, MLP 3072; text width 512, 12 layers, 8 heads, MLP 2048, 77 tokens;
projection 512. The tokenizer is Emoji-CLIP's (public/models/emoji-clip), so the vocabulary has
its 2,653 word pieces, not CLIP's 49,408 BPE tokens: the token embedding table is smaller (5.4 M
fewer parameters), which changes no per-token compute. The dictionary has 16,384 latents
(12,288 shared, 2,048 private per modality), k = 64, Gaussian unit-norm decoder rows with
W_enc = W_decᵀ (tools/train/lucid_torch.py create_lucid); its normalisation statistics are those
of the random model's activations on 8 random images and 8 random captions.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
EMOJI = os.path.join(REPO, "tools", "emoji-clip")
sys.path.insert(0, EMOJI)
sys.path.insert(0, os.path.join(REPO, "tools", "train"))
from export import export_model  # noqa: E402
from model import CLIP  # noqa: E402
import lucid_torch as L  # noqa: E402
from lucid_train import norm_stats, save_dictionary  # noqa: E402

EMOJI_MODEL = os.path.join(REPO, "public", "models", "emoji-clip")
TOKENIZER_FILES = ("tokenizer.json", "special_tokens_map.json", "tokenizer_config.json")
CONTEXT_TOKENS = 77

SIZES = {
    "base": {
        "id": "bench-vit-b16",
        "image_size": 224,
        "patch_size": 16,
        "vision": {"d": 768, "layers": 12, "heads": 12, "mlp": 3072},
        "text": {"d": 512, "layers": 12, "heads": 8, "mlp": 2048},
        "proj": 512,
        "latents": {"nShared": 12288, "nImagePrivate": 2048, "nTextPrivate": 2048, "k": 64, "kPrivate": 16},
    },
    "tiny": {
        "id": "bench-tiny",
        "image_size": 64,
        "patch_size": 16,
        "vision": {"d": 64, "layers": 2, "heads": 2, "mlp": 128},
        "text": {"d": 64, "layers": 2, "heads": 2, "mlp": 128},
        "proj": 32,
        "latents": {"nShared": 192, "nImagePrivate": 32, "nTextPrivate": 32, "k": 8, "kPrivate": 2},
    },
}


def model_config(size):
    """tools/emoji-clip/model.py's cfg for `size`, with Emoji-CLIP's tokenizer ids."""
    emoji = json.load(open(os.path.join(EMOJI_MODEL, "config.json")))["text_config"]
    shape = SIZES[size]
    return {
        "image_size": shape["image_size"],
        "patch_size": shape["patch_size"],
        "vision": shape["vision"],
        "text": shape["text"],
        "proj": shape["proj"],
        "ctx": CONTEXT_TOKENS,
        "vocab_size": emoji["vocab_size"],
        "bos_id": emoji["bos_token_id"],
        "eos_id": emoji["eos_token_id"],
        "pad_id": emoji["pad_token_id"],
    }


def perturb_layer_norms(model, generator):
    """LayerNorm weights 1 + N(0, 0.02²) and biases N(0, 0.02²), as trained ones are: the ONNX exporter
    merges identical initializers behind Identity nodes, which add_patch_embeds.py does not expect
    between last_hidden_state and image_embeds (freshly initialised LayerNorms are all ones and zeros)."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.LayerNorm):
                module.weight.add_(torch.randn(module.weight.shape, generator=generator) * 0.02)
                module.bias.add_(torch.randn(module.bias.shape, generator=generator) * 0.02)


def dictionary_config(cfg, latents):
    """The dictionary's configuration: DEFAULT_CONFIG (src/lucid/config.ts) with these sizes."""
    d = cfg["vision"]["d"]
    return {
        "dImage": d,
        "dText": cfg["text"]["d"],
        **latents,
        "alignK": 2 * latents["k"],
        "kAux": max(8, d // 2),
        "deadAfterTokens": 100_000,
        "auxWeight": 1 / 32,
        "gcmtWeight": 0.5,
        "contrastWeight": 0.5,
        "contrastTemperature": 0.05,
        "sinkhornEpsilon": 0.05,
        "sinkhornIterations": 30,
        "structuralSmoothing": 0.3,
        "dustbinCostInit": 0.6,
        "learningRate": 1e-3,
    }


def activation_stats(model, cfg, seed):
    """Normalisation statistics (lucid_train.norm_stats) of the model's patches and tokens on random inputs."""
    generator = torch.Generator().manual_seed(seed)
    size = cfg["image_size"]
    with torch.no_grad():
        hidden, _ = model.encode_image(torch.rand(8, 3, size, size, generator=generator) * 2 - 1)
        ids = torch.randint(5, cfg["vocab_size"], (8, 12), generator=generator)
        ids[:, 0] = cfg["bos_id"]
        ids[:, -1] = cfg["eos_id"]
        tokens, _ = model.encode_text(ids)
    data = {"patches": hidden[:, 1:], "tokens": tokens, "tokenMask": torch.ones(ids.shape)}
    return norm_stats(data)


def write_tokenizer(out):
    for name in TOKENIZER_FILES:
        shutil.copy(os.path.join(EMOJI_MODEL, name), os.path.join(out, name))
    path = os.path.join(out, "tokenizer_config.json")
    tokenizer = json.load(open(path))
    tokenizer["model_max_length"] = CONTEXT_TOKENS
    json.dump(tokenizer, open(path, "w"), indent=2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="folder to write models/<id>/ and dictionaries/<id>/ into")
    ap.add_argument("--size", choices=sorted(SIZES), default="base")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    started = time.time()
    shape = SIZES[a.size]
    model_dir = os.path.join(a.out, "models", shape["id"])
    dictionary_dir = os.path.join(a.out, "dictionaries", shape["id"])
    os.makedirs(dictionary_dir, exist_ok=True)
    torch.manual_seed(a.seed)
    cfg = model_config(a.size)
    model = CLIP(cfg).eval()
    perturb_layer_norms(model, torch.Generator().manual_seed(a.seed))
    about = f"seeded random weights (seed {a.seed}), tools/bench-model/make_model.py --size {a.size}; benchmark only"
    export_model(model, {"cfg": cfg, "about": about}, model_dir)
    write_tokenizer(model_dir)
    subprocess.run(
        [sys.executable, os.path.join(EMOJI, "add_patch_embeds.py"), os.path.join(model_dir, "onnx", "vision_model.onnx"),
         "--no-verify"],
        check=True,
    )
    config = dictionary_config(cfg, shape["latents"])
    stats = activation_stats(model, cfg, a.seed)
    lucid = L.create_lucid(config, a.seed)
    save_dictionary(lucid, stats, os.path.join(dictionary_dir, "lucid"),
                    {"encoder": shape["id"], "trainer": "none: random initialisation (create_lucid)", "note": about})
    print(json.dumps({"id": shape["id"], "models": os.path.join(a.out, "models"),
                      "dictionaries": os.path.join(a.out, "dictionaries"), "seconds": round(time.time() - started)}))


if __name__ == "__main__":
    main()
