#!/usr/bin/env python3
"""Writes small SAELens and sparsify SAE folders, good and bad, for the interop tests.

    /usr/bin/python3 tools/interop/make_fixtures.py [--out e2e/fixtures/interop]

The layouts follow the libraries' published code (docs/interop.md gives the sources):
  SAELens  cfg.json + sae_weights.safetensors: W_enc [d_in, d_sae], b_enc [d_sae],
           W_dec [d_sae, d_in], b_dec [d_in] (+ threshold [d_sae] for jumprelu);
  sparsify cfg.json (with d_in) + sae.safetensors: encoder.weight [num_latents, d_in],
           encoder.bias [num_latents], W_dec [num_latents, d_in], b_dec [d_in].
Widths are 128, those of both towers of the embedded Emoji-CLIP, and each SAE has a handful of
latents, so a folder is a few kB. manifest.json lists every case with what opening it must give;
it also holds two input rows and, for each good case, the codes the library's own encode rule
gives for them, computed here with numpy (an implementation independent of the TypeScript reader).

Only numpy is needed: safetensors files are written by hand (8-byte header length, JSON header,
raw little-endian data), as the format's specification describes.
"""

import argparse
import json
import shutil
import struct
from pathlib import Path

import numpy as np

D_IN = 128  # Emoji-CLIP's vision and text hidden size (public/models/emoji-clip/config.json)
ROOT = Path(__file__).resolve().parents[2]


def write_safetensors(path, tensors, dtype="F32"):
    """Writes named arrays (in order) as one safetensors file; dtype F32, or BF16 for a bad case."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, array in tensors.items():
        array = np.ascontiguousarray(array, dtype=np.float32)
        if dtype == "BF16":
            data = (array.view(np.uint32) >> 16).astype("<u2").tobytes()
        else:
            data = array.astype("<f4").tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - (8 + len(text)) % 8) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text.encode() + b"".join(blobs))


def random_sae(rng, d_sae, unit_decoder=True):
    """Weights in SAELens' orientation: W_enc [d_in, d_sae], W_dec [d_sae, d_in]."""
    w_dec = rng.normal(size=(d_sae, D_IN)).astype(np.float32)
    norms = np.linalg.norm(w_dec, axis=1, keepdims=True)
    w_dec = w_dec / norms if unit_decoder else w_dec / norms * rng.uniform(0.3, 3.0, size=(d_sae, 1))
    return {
        "W_enc": (w_dec.T + 0.3 * rng.normal(size=(D_IN, d_sae))).astype(np.float32),
        "b_enc": (0.1 * rng.normal(size=d_sae)).astype(np.float32),
        "W_dec": w_dec.astype(np.float32),
        "b_dec": (0.5 * rng.normal(size=D_IN)).astype(np.float32),
    }


def top_codes(acts, k):
    """Per row, the k largest codes that are > 0, largest first: [[id, value], …]."""
    rows = []
    for row in acts:
        order = np.argsort(-row, kind="stable")[:k]
        rows.append([[int(j), float(row[j])] for j in order if row[j] > 0])
    return rows


def saelens_encode(cfg, w, x):
    """SAELens' encode (sae_lens/saes/standard_sae.py, topk_sae.py) for normalize_activations "none"."""
    sae_in = x - w["b_dec"] * cfg.get("apply_b_dec_to_input", True)
    hidden_pre = sae_in @ w["W_enc"] + w["b_enc"]
    if cfg.get("architecture") == "topk":
        if cfg.get("rescale_acts_by_decoder_norm", False):
            hidden_pre = hidden_pre * np.linalg.norm(w["W_dec"], axis=1)
        return top_codes(np.maximum(hidden_pre, 0), cfg["k"])
    return top_codes(np.maximum(hidden_pre, 0), cfg["d_sae"])


def sparsify_encode(cfg, w, x):
    """sparsify's SparseCoder.encode: Top-K of ReLU((x − b_dec) · encoder.weightᵀ + encoder.bias)."""
    pre = np.maximum((x - w["b_dec"]) @ w["encoder.weight"].T + w["encoder.bias"], 0)
    return top_codes(pre, cfg["k"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "e2e/fixtures/interop")
    out = parser.parse_args().out
    if out.exists():
        shutil.rmtree(out)
    rng = np.random.default_rng(14)
    x = rng.normal(size=(2, D_IN)).astype(np.float32)
    cases = []

    def folder(path, cfg, tensors=None, weights_name="sae_weights.safetensors", dtype="F32", cfg_text=None):
        where = out / path
        where.mkdir(parents=True)
        (where / "cfg.json").write_text(cfg_text if cfg_text is not None else json.dumps(cfg, indent=2) + "\n")
        if tensors is not None:
            write_safetensors(where / weights_name, tensors, dtype)
        return where

    def good(path, about, fmt, modality, k, d_sae, codes):
        cases.append({"path": path, "about": about, "format": fmt, "expect": "ok", "modality": modality,
                      "k": k, "latents": d_sae, "codes": codes})

    def bad(path, about, expect):
        cases.append({"path": path, "about": about, "expect": expect})

    # --- SAELens, good ---
    cfg = {"architecture": "topk", "d_in": D_IN, "d_sae": 8, "k": 3, "dtype": "float32", "device": "cpu",
           "apply_b_dec_to_input": True, "normalize_activations": "none", "reshape_activations": "none",
           "rescale_acts_by_decoder_norm": False,
           "metadata": {"sae_lens_version": "6.5.0", "model_name": "emoji-clip",
                        "hook_name": "vision_model.encoder.layers.3"}}
    w = random_sae(rng, 8)
    folder("saelens/topk-image", cfg, w)
    good("saelens/topk-image", "SAELens 6 topk SAE on the vision tower (hook name)", "saelens", "image", 3, 8,
         saelens_encode(cfg, w, x))

    cfg = {"architecture": "topk", "d_in": D_IN, "d_sae": 8, "k": 2, "dtype": "float32", "device": "cpu",
           "apply_b_dec_to_input": True, "normalize_activations": "none", "rescale_acts_by_decoder_norm": True,
           "metadata": {"sae_lens_version": "6.5.0", "hook_name": "text_model.encoder.layers.2"}}
    w = random_sae(rng, 8, unit_decoder=False)
    folder("saelens/topk-rescaled-text", cfg, w)
    good("saelens/topk-rescaled-text", "topk with rescale_acts_by_decoder_norm, decoder rows of norm 0.3–3",
         "saelens", "text", 2, 8, saelens_encode(cfg, w, x))

    # A config from before SAELens 6: hook_name at the top, activation_fn_str, boolean normalisation.
    cfg = {"architecture": "standard", "d_in": D_IN, "d_sae": 8, "activation_fn_str": "relu",
           "hook_name": "text_model.encoder.layers.3", "apply_b_dec_to_input": False,
           "normalize_activations": False, "dtype": "float32", "sae_lens_version": "3.5.0"}
    w = random_sae(rng, 8)
    folder("saelens/standard-text", cfg, w)
    good("saelens/standard-text", "SAELens 3 standard ReLU SAE on the text tower, b_dec not applied to the input",
         "saelens", "text", 8, 8, saelens_encode(cfg, w, x))

    # --- sparsify, good: the folder is named after the hookpoint, as sparsify saves it ---
    cfg = {"activation": "topk", "expansion_factor": 32, "normalize_decoder": True, "num_latents": 8, "k": 3,
           "multi_topk": False, "skip_connection": False, "transcode": False, "d_in": D_IN}
    s = random_sae(rng, 8)
    w = {"encoder.weight": np.ascontiguousarray(s["W_enc"].T), "encoder.bias": s["b_enc"], "W_dec": s["W_dec"],
         "b_dec": s["b_dec"]}
    folder("sparsify/vision_model.encoder.layers.3", cfg, w, "sae.safetensors")
    good("sparsify/vision_model.encoder.layers.3", "sparsify topk coder on the vision tower (folder = hookpoint)",
         "sparsify", "image", 3, 8, sparsify_encode(cfg, w, x))

    # --- SAELens, bad ---
    small = random_sae(rng, 4)
    base = {"architecture": "topk", "d_in": D_IN, "d_sae": 4, "k": 2, "apply_b_dec_to_input": True,
            "normalize_activations": "none", "metadata": {"hook_name": "vision_model.encoder.layers.3"}}
    folder("saelens-bad/jumprelu", {**base, "architecture": "jumprelu"},
           {**small, "threshold": np.full(4, 0.1, np.float32)})
    bad("saelens-bad/jumprelu", "a JumpReLU SAE (threshold tensor): refused, not approximated",
        r'cfg\.json: architecture "jumprelu" is not supported: a JumpReLU latent')
    folder("saelens-bad/unknown-architecture", {**base, "architecture": "spline"}, small)
    bad("saelens-bad/unknown-architecture", "an architecture SAELens does not have",
        r'cfg\.json: unknown architecture "spline"')
    folder("saelens-bad/transposed-W_enc", base, {**small, "W_enc": np.ascontiguousarray(small["W_enc"].T)})
    bad("saelens-bad/transposed-W_enc", "W_enc stored as [d_sae, d_in]",
        r"sae_weights\.safetensors: tensor W_enc has shape \[4,128\] but the config needs \[d_in, d_sae\] = \[128,4\]")
    folder("saelens-bad/missing-weights", base)
    bad("saelens-bad/missing-weights", "cfg.json without sae_weights.safetensors",
        r"sae_weights\.safetensors: missing \(cfg\.json is a SAELens config")
    folder("saelens-bad/cfg-not-json", None, small, cfg_text='{"architecture": "topk", "d_in": 128,')
    bad("saelens-bad/cfg-not-json", "a cut-off cfg.json", r"cfg\.json: not valid JSON")
    other = {k: v for k, v in random_sae(rng, 4).items()}
    other = {"W_enc": other["W_enc"][:64], "b_enc": other["b_enc"], "W_dec": other["W_dec"][:, :64],
             "b_dec": other["b_dec"][:64]}
    folder("saelens-bad/other-model", {**base, "d_in": 64}, other)
    bad("saelens-bad/other-model", "an SAE for a 64-wide model",
        r"cfg\.json: the SAE reads activations of width 64, but emoji-clip gives 128 \(image\) and 128 \(text\)")
    folder("saelens-bad/layer-norm", {**base, "normalize_activations": "layer_norm"}, small)
    bad("saelens-bad/layer-norm", "per-row layer norm, which a fixed affine normalisation cannot express",
        r'cfg\.json: normalize_activations "layer_norm" is not supported')
    folder("saelens-bad/no-tower", {**base, "metadata": {"hook_name": "blocks.3.hook_resid_post"}}, small)
    bad("saelens-bad/no-tower", "width 128 fits both towers and no name says which",
        r"cfg\.json: width 128 fits both towers of emoji-clip, and nothing says which one")
    folder("saelens-bad/bf16-weights", base, small, dtype="BF16")
    bad("saelens-bad/bf16-weights", "bfloat16 weights", r"sae_weights\.safetensors: tensor W_enc is BF16; only F32")

    # --- sparsify, bad ---
    sbase = {"activation": "topk", "num_latents": 4, "k": 2, "d_in": D_IN}
    sw = {"encoder.weight": np.ascontiguousarray(small["W_enc"].T), "encoder.bias": small["b_enc"],
          "W_dec": small["W_dec"], "b_dec": small["b_dec"]}
    folder("sparsify-bad/vision-missing-bias", sbase, {k: v for k, v in sw.items() if k != "encoder.bias"},
           "sae.safetensors")
    bad("sparsify-bad/vision-missing-bias", "sae.safetensors without encoder.bias",
        r"sae\.safetensors: no tensor encoder\.bias \(\[num_latents\]\)")
    folder("sparsify-bad/vision-transcoder", {**sbase, "transcode": True}, sw, "sae.safetensors")
    bad("sparsify-bad/vision-transcoder", "a transcoder (predicts another layer's output)",
        r'cfg\.json: "transcode" is set')
    folder("sparsify-bad/vision-groupmax", {**sbase, "activation": "groupmax"}, sw, "sae.safetensors")
    bad("sparsify-bad/vision-groupmax", "the groupmax activation", r'cfg\.json: activation "groupmax" is not supported')
    folder("sparsify-bad/vision-missing-weights", sbase)
    bad("sparsify-bad/vision-missing-weights", "cfg.json without sae.safetensors",
        r"sae\.safetensors: missing \(cfg\.json is a sparsify config")

    # --- pairs: an image SAE in image/ and a text SAE in text/, opened as one dictionary (nShared = 0) ---
    # Made last, so the random draws of the cases above (and their files) stay as they were.
    pairs = []
    image_cfg = {"architecture": "topk", "d_in": D_IN, "d_sae": 8, "k": 3, "apply_b_dec_to_input": True,
                 "normalize_activations": "none", "metadata": {"hook_name": "vision_model.encoder.layers.3"}}
    image_w = random_sae(rng, 8)
    text_cfg = {"activation": "topk", "num_latents": 6, "k": 3, "d_in": D_IN}
    t = random_sae(rng, 6)
    text_w = {"encoder.weight": np.ascontiguousarray(t["W_enc"].T), "encoder.bias": t["b_enc"], "W_dec": t["W_dec"],
              "b_dec": t["b_dec"]}
    # [image latent, text latent, score] in each SAE's own indices, as `lucid match` writes them.
    matching = {"measure": "centred co-activation", "pairsSeen": 10, "pairs": [[5, 0, 0.9], [2, 3, 0.4], [7, 1, 0.1]]}

    def pair(path, text_cfg=text_cfg, text_w=text_w, matching=matching):
        folder(f"{path}/image", image_cfg, image_w)
        folder(f"{path}/text", text_cfg, text_w, "sae.safetensors")
        if matching is not None:
            (out / path / "matching.json").write_text(json.dumps(matching) + "\n")

    pair("pair/good")
    pairs.append({"path": "pair/good", "about": "a SAELens image SAE and a sparsify text SAE, with matching.json",
                  "k": 3, "imageLatents": 8, "textLatents": 6, "matching": matching["pairs"],
                  "codesImage": saelens_encode(image_cfg, image_w, x),
                  "codesText": sparsify_encode(text_cfg, text_w, x)})
    pair("pair/unmatched", matching=None)
    pairs.append({"path": "pair/unmatched", "about": "the same pair without matching.json", "k": 3,
                  "imageLatents": 8, "textLatents": 6, "matching": None,
                  "codesImage": saelens_encode(image_cfg, image_w, x),
                  "codesText": sparsify_encode(text_cfg, text_w, x)})
    pair("pair-bad/other-k", text_cfg={**text_cfg, "k": 2})
    bad("pair-bad/other-k", "the text SAE keeps 2 latents per row, the image SAE 3",
        r"text/cfg\.json: k = 2, but image/cfg\.json has k = 3; a pair needs one k")
    folder("pair-bad/no-text-weights/image", image_cfg, image_w)
    folder("pair-bad/no-text-weights/text", text_cfg)
    bad("pair-bad/no-text-weights", "text/ holds a sparsify config without sae.safetensors",
        r"text/sae\.safetensors: missing \(text/cfg\.json is a sparsify config")
    folder("pair-bad/no-text/image", image_cfg, image_w)
    bad("pair-bad/no-text", "an image SAE in image/ and nothing in text/",
        r"text/cfg\.json: missing \(image/ holds an SAE; a pair needs one in text/ too")
    pair("pair-bad/matching-out-of-range", matching={**matching, "pairs": [[5, 0, 0.9], [2, 6, 0.4]]})
    bad("pair-bad/matching-out-of-range", "matching.json names text latent 6 of 6",
        r"matching\.json: pairs\[1\] names text latent 6, but the text SAE has 6 \(0…5\)")
    pair("pair-bad/matching-twice", matching={**matching, "pairs": [[5, 0, 0.9], [5, 3, 0.4]]})
    bad("pair-bad/matching-twice", "matching.json matches image latent 5 twice",
        r"matching\.json: image latent 5 is matched twice \(pairs\[1\]\)")

    manifest = {"about": "made by tools/interop/make_fixtures.py; see docs/interop.md", "dIn": D_IN,
                "input": [[float(v) for v in row] for row in x], "cases": cases, "pairs": pairs}
    (out / "manifest.json").write_text(json.dumps(manifest) + "\n")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {len(cases)} cases under {out.relative_to(ROOT)} ({size / 1000:.1f} kB)")


if __name__ == "__main__":
    main()
