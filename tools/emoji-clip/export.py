"""Export a checkpoint to the transformers.js layout in public/models/emoji-clip/.
Usage: /usr/bin/python3 tools/emoji-clip/export.py CKPT_DIR [--out public/models/emoji-clip]"""
import argparse, json, os
import torch

from common import load_ckpt, MODEL_DIR, MEAN, STD
from model import VisionExport, TextExport

OPSET = 14


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--out", default=MODEL_DIR)
    a = ap.parse_args()
    model, info = load_ckpt(a.ckpt)
    export_model(model, info, a.out)


def export_model(model, info, out):
    """Writes onnx/vision_model.onnx, onnx/text_model.onnx, config.json and preprocessor_config.json
    of `model` (a model.CLIP; `info` holds its "cfg" and training notes) into `out`.
    Also used by tools/bench-model/make_model.py for the seeded ViT-B/16-sized benchmark model."""
    cfg = info["cfg"]
    S, P = cfg["image_size"], cfg["patch_size"]
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    with torch.no_grad():
        px = torch.randn(2, 3, S, S)
        torch.onnx.export(VisionExport(model), (px,), os.path.join(out, "onnx", "vision_model.onnx"),
                          input_names=["pixel_values"], output_names=["image_embeds", "last_hidden_state"],
                          dynamic_axes={"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"},
                                        "last_hidden_state": {0: "batch_size"}},
                          opset_version=OPSET, do_constant_folding=True)
        ids = torch.tensor([[cfg["bos_id"], 10, 11, cfg["eos_id"], cfg["pad_id"]],
                            [cfg["bos_id"], 12, cfg["eos_id"], cfg["pad_id"], cfg["pad_id"]]])
        torch.onnx.export(TextExport(model), (ids,), os.path.join(out, "onnx", "text_model.onnx"),
                          input_names=["input_ids"], output_names=["text_embeds", "last_hidden_state"],
                          dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                                        "text_embeds": {0: "batch_size"},
                                        "last_hidden_state": {0: "batch_size", 1: "sequence_length"}},
                          opset_version=OPSET, do_constant_folding=True)
    v, t = cfg["vision"], cfg["text"]
    config = {
        "architectures": ["CLIPModel"],
        "model_type": "clip",
        "projection_dim": cfg["proj"],
        "logit_scale_init_value": 2.6592,
        "logit_scale": float(model.logit_scale.exp().item()),
        "image_size": S,
        "patch_size": P,
        "text_config": {
            "model_type": "clip_text_model", "hidden_size": t["d"], "intermediate_size": t["mlp"],
            "num_attention_heads": t["heads"], "num_hidden_layers": t["layers"],
            "max_position_embeddings": cfg["ctx"], "vocab_size": cfg["vocab_size"],
            "projection_dim": cfg["proj"], "hidden_act": "gelu", "layer_norm_eps": 1e-5,
            "bos_token_id": cfg["bos_id"], "eos_token_id": cfg["eos_id"], "pad_token_id": cfg["pad_id"],
        },
        "vision_config": {
            "model_type": "clip_vision_model", "hidden_size": v["d"], "intermediate_size": v["mlp"],
            "num_attention_heads": v["heads"], "num_hidden_layers": v["layers"],
            "image_size": S, "patch_size": P, "num_channels": 3, "projection_dim": cfg["proj"],
            "hidden_act": "gelu", "layer_norm_eps": 1e-5,
        },
        "transformers.js_config": {"dtype": "fp32"},
        "emoji_clip": {
            "grid": [S // P, S // P],
            "tokens_per_image": 1 + (S // P) ** 2,
            "last_hidden_state": "encoder output before post_layernorm (vision) / after final_layer_norm (text), as in HF CLIP",
            "text_pooling": "first EOS token",
            "train_styles": cfg.get("train_styles"), "heldout_style": cfg.get("heldout_style"),
            "train_steps": info.get("step"), "train_minutes": info.get("minutes"), "heldout_eval": info.get("eval"),
        },
    }
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    pre = {
        "image_processor_type": "CLIPImageProcessor",
        "processor_class": "CLIPProcessor",
        "do_resize": True, "size": {"shortest_edge": S}, "resample": 2,
        "do_center_crop": True, "crop_size": {"height": S, "width": S},
        "do_rescale": True, "rescale_factor": 1 / 255,
        "do_normalize": True, "image_mean": MEAN, "image_std": STD,
        "do_convert_rgb": True,
    }
    json.dump(pre, open(os.path.join(out, "preprocessor_config.json"), "w"), indent=2)
    for f in ("vision_model.onnx", "text_model.onnx"):
        p = os.path.join(out, "onnx", f)
        print(f, "%.2f MB" % (os.path.getsize(p) / 1e6))
    # name the output dims (torch leaves generated symbols) and run the onnx checker
    import onnx
    fixed = {"vision_model.onnx": ["batch_size", 1 + (S // P) ** 2, v["d"]],
             "text_model.onnx": ["batch_size", "sequence_length", t["d"]]}
    for f, dims in fixed.items():
        path = os.path.join(out, "onnx", f)
        m = onnx.load(path)
        for o in m.graph.output:
            if o.name == "last_hidden_state":
                for d, val in zip(o.type.tensor_type.shape.dim, dims):
                    if isinstance(val, str):
                        d.dim_param = val
                    else:
                        d.ClearField("dim_param"); d.dim_value = val
        onnx.checker.check_model(m)
        onnx.save(m, path)
    print("exported to", out)


if __name__ == "__main__":
    main()
