"""Train the small emoji CLIP. Time-budgeted: the LR schedule (warmup + cosine)
is a function of elapsed wall time, training stops after --minutes.
Usage: /usr/bin/python3 tools/emoji-clip/train.py --minutes 55 --out /tmp/emoji-clip-ckpt"""
import argparse, json, math, os, sys, time
import torch

from common import load_tokenizer, load_data, save_ckpt, normalize_px
from model import CLIP
from synth import load_sources, Synth, tokenize_batch
from evaluate import zero_shot


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="/tmp/emoji-build")
    ap.add_argument("--out", default="/tmp/emoji-clip-ckpt")
    ap.add_argument("--minutes", type=float, default=55)
    ap.add_argument("--max-steps", type=int, default=10**9)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--wd", type=float, default=0.1)
    ap.add_argument("--warmup-frac", type=float, default=0.03)
    ap.add_argument("--image-size", type=int, default=96)
    ap.add_argument("--patch", type=int, default=8)
    ap.add_argument("--vd", type=int, default=128)
    ap.add_argument("--vlayers", type=int, default=6)
    ap.add_argument("--td", type=int, default=128)
    ap.add_argument("--tlayers", type=int, default=3)
    ap.add_argument("--tmlp", type=int, default=384)
    ap.add_argument("--proj", type=int, default=128)
    ap.add_argument("--p-single", type=float, default=0.6)
    ap.add_argument("--eval-every-min", type=float, default=10)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--amp", action="store_true", help="bf16 autocast (GPU)")
    ap.add_argument("--extra-style", default=None,
                    help="a third training style (openmoji), drawn only for the emoji of --extra-style-split "
                         "(tools/lucid-data/emoji-splits.json), so that the validation and test emoji stay unseen "
                         "in it (docs/evaluation.md, 'What the encoder allows')")
    ap.add_argument("--extra-style-split", default="fit")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    if a.device == "cpu":
        torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    tok = load_tokenizer()
    meta, npz = load_data(a.build)
    cfg = dict(image_size=a.image_size, patch_size=a.patch, vocab_size=meta["vocab_size"], ctx=meta["ctx"],
               eos_id=meta["eos_id"], pad_id=meta["pad_id"], bos_id=meta["bos_id"], proj=a.proj,
               vision=dict(d=a.vd, layers=a.vlayers, heads=a.vd // 32, mlp=a.vd * 4),
               text=dict(d=a.td, layers=a.tlayers, heads=a.td // 32, mlp=a.tmlp),
               train_styles=["google", "twitter"], heldout_style="openmoji")
    styles_of = None
    unseen = None  # emoji whose held-out-style images training never draws
    if a.extra_style:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lucid-data"))
        from splits import load_splits
        split_of = load_splits(meta["emoji"])
        has = npz[f"has_{a.extra_style}"]
        styles_of = [[0, 1, 2] if split_of[i] == a.extra_style_split and has[i] else [0, 1]
                     for i in range(len(meta["emoji"]))]
        cfg["train_styles"] = ["google", "twitter", a.extra_style]
        cfg["extra_style_split"] = a.extra_style_split
        unseen = {i for i, s in enumerate(styles_of) if len(s) == 2}
        print(f"{a.extra_style}: {sum(len(s) == 3 for s in styles_of)} emoji of the {a.extra_style_split} split", flush=True)
    model = CLIP(cfg).to(dev)
    nparam = sum(p.numel() for p in model.parameters())
    print(f"params {nparam/1e6:.3f}M cfg {json.dumps(cfg)}", flush=True)
    src = load_sources(npz, cfg["train_styles"], dev)
    syn = Synth(src, meta["emoji"], a.image_size, dev, seed=a.seed, p_single=a.p_single, styles_of=styles_of)
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (decay if p.ndim >= 2 and "pos" not in n and "tok" not in n else no_decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.wd}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.98), eps=1e-6)
    budget = a.minutes * 60
    t0 = time.time()
    last_eval = t0
    step, best = 0, -1.0
    ema = None
    while True:
        el = time.time() - t0
        frac = min(1.0, max(el / budget, step / a.max_steps))
        if frac >= 1.0:
            break
        lr = a.lr * (frac / a.warmup_frac if frac < a.warmup_frac else
                     0.5 * (1 + math.cos(math.pi * (frac - a.warmup_frac) / (1 - a.warmup_frac))) * 0.98 + 0.02)
        for gr in opt.param_groups:
            gr["lr"] = lr
        model.train()
        px, caps, _ = syn.sample(a.batch)
        ids = tokenize_batch(tok, caps, meta["ctx"], dev)
        if a.amp:
            with torch.autocast("cuda", dtype=torch.bfloat16):
                loss = model(normalize_px(px), ids)
        else:
            loss = model(normalize_px(px), ids)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % 20 == 0 or step == 1:
            print(f"step {step} t {el/60:.1f}m lr {lr:.2e} loss {loss.item():.3f} ema {ema:.3f} "
                  f"scale {model.logit_scale.exp().item():.1f}", flush=True)
        if time.time() - last_eval > a.eval_every_min * 60:
            last_eval = time.time()
            model.eval()
            res, _ = zero_shot(model, tok, meta, npz, "openmoji", a.image_size, dev, only=unseen)
            res_tr, _ = zero_shot(model, tok, meta, npz, "google", a.image_size, dev)
            print(f"EVAL step {step} heldout(openmoji) {res} train-style(google) {res_tr}", flush=True)
            save_ckpt(model, os.path.join(a.out, "last"), {"step": step, "minutes": el / 60, "eval": res})
    model.eval()
    res, _ = zero_shot(model, tok, meta, npz, "openmoji", a.image_size, dev, only=unseen)
    el = time.time() - t0
    print(f"FINAL step {step} minutes {el/60:.1f} heldout(openmoji) {res}", flush=True)
    save_ckpt(model, os.path.join(a.out, "last"), {"step": step, "minutes": el / 60, "eval": res,
                                                   "args": vars(a)})
    print("saved", os.path.join(a.out, "last"), flush=True)


if __name__ == "__main__":
    main()
