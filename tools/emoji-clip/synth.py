"""Batch synthesis in torch (runs on CPU or GPU): single emoji and 2-4 emoji
scenes pasted with affine grid_sample, random backgrounds, outline / colour /
blur / noise augmentation. Returns pixel tensors in [0,1] plus captions."""
import math
import random
import numpy as np
import torch
import torch.nn.functional as F

from captions import single_caption, scene_caption


def load_sources(npz, styles, device):
    """-> float tensor [len(styles), N, 4, 64, 64], premultiplied RGBA in [0,1]."""
    arrs = []
    for s in styles:
        a = torch.from_numpy(npz[s]).permute(0, 3, 1, 2).float() / 255.0
        a[:, :3] *= a[:, 3:4]
        arrs.append(a)
    return torch.stack(arrs).to(device)


def place_scene(n, S, rng, max_tries=50):
    """Random non-overlapping-ish square frames for n objects: list of (cx, cy, size) in px."""
    lo, hi = {2: (0.36, 0.56), 3: (0.30, 0.46), 4: (0.27, 0.42)}[n]
    for _ in range(max_tries):
        out = []
        ok = True
        for _ in range(n):
            placed = False
            for _ in range(30):
                s = rng.uniform(lo, hi) * S
                cx, cy = rng.uniform(s / 2, S - s / 2), rng.uniform(s / 2, S - s / 2)
                if all(max(0.0, min(cx + s / 2, ox + os_ / 2) - max(cx - s / 2, ox - os_ / 2)) *
                       max(0.0, min(cy + s / 2, oy + os_ / 2) - max(cy - s / 2, oy - os_ / 2)) < 0.12 * min(s, os_) ** 2
                       for ox, oy, os_ in out):
                    out.append((cx, cy, s)); placed = True; break
            if not placed:
                ok = False; break
        if ok:
            return out
    return out


def content_box(cx, cy, s):
    c = s * 60 / 64 / 2  # content is fitted into 60/64 of the frame
    return (cx - c, cy - c, cx + c, cy + c)


def backgrounds(B, S, device, g):
    r = torch.rand(B, device=device, generator=g)
    bg = torch.ones(B, 3, S, S, device=device)
    col = torch.rand(B, 3, 1, 1, device=device, generator=g)
    black = r < 0.15
    solid = (r >= 0.15) & (r < 0.40)
    grad = (r >= 0.40) & (r < 0.50)
    blob = (r >= 0.50) & (r < 0.60)
    bg[black] = 0.0
    bg[solid] = col[solid].expand(-1, 3, S, S)
    if grad.any():
        c2 = torch.rand(B, 3, 1, 1, device=device, generator=g)
        t = torch.linspace(0, 1, S, device=device)
        ang = torch.rand(B, 1, 1, 1, device=device, generator=g) * 2 * math.pi
        tt = (torch.cos(ang) * t.view(1, 1, 1, S) + torch.sin(ang) * t.view(1, 1, S, 1))
        tt = (tt - tt.amin((2, 3), keepdim=True)) / (tt.amax((2, 3), keepdim=True) - tt.amin((2, 3), keepdim=True) + 1e-6)
        gb = col * (1 - tt) + c2 * tt
        bg[grad] = gb[grad]
    if blob.any():
        lowres = torch.rand(B, 3, 4, 4, device=device, generator=g)
        bb = F.interpolate(lowres, size=(S, S), mode="bicubic", align_corners=False).clamp(0, 1)
        bg[blob] = bb[blob]
    return bg


class Synth:
    def __init__(self, src, meta, S, device, seed=0, p_single=0.6, styles_of=None):
        self.src = src  # [n_styles, N, 4, 64, 64]
        self.n_styles, self.N = src.shape[0], src.shape[1]
        # Per emoji, the styles it may be drawn in (default: all); train.py --extra-style limits a style
        # to the emoji of one split, so that the others' images in that style stay unseen.
        self.styles_of = styles_of or [list(range(self.n_styles))] * self.N
        self.meta = meta
        self.S = S
        self.device = device
        self.rng = random.Random(seed)
        self.g = torch.Generator(device=device)
        self.g.manual_seed(seed)
        self.p_single = p_single

    def render(self, layout, B, train=True):
        """layout: per sample list of (style, idx, cx, cy, size, rot_rad). Returns [B,3,S,S] in [0,1]."""
        S, dev = self.S, self.device
        K = max(len(l) for l in layout)
        flat, slot = [], []
        for b, objs in enumerate(layout):
            for k, o in enumerate(objs):
                flat.append(o); slot.append(b * K + k)
        st = torch.tensor([o[0] for o in flat], device=dev)
        ix = torch.tensor([o[1] for o in flat], device=dev)
        p = torch.tensor([[o[2], o[3], o[4], o[5]] for o in flat], dtype=torch.float32, device=dev)
        cxn, cyn = p[:, 0] / S * 2 - 1, p[:, 1] / S * 2 - 1
        sc = p[:, 2] / S
        cos, sin = torch.cos(p[:, 3]), torch.sin(p[:, 3])
        a11, a12, a21, a22 = cos / sc, sin / sc, -sin / sc, cos / sc
        theta = torch.stack([torch.stack([a11, a12, -(a11 * cxn + a12 * cyn)], -1),
                             torch.stack([a21, a22, -(a21 * cxn + a22 * cyn)], -1)], 1)
        srcs = self.src[st, ix]
        grid = F.affine_grid(theta, (len(flat), 4, S, S), align_corners=False)
        obj = F.grid_sample(srcs, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        if train:
            # dark outline (thick strokes as in several emoji styles)
            m = torch.rand(len(flat), device=dev, generator=self.g) < 0.35
            if m.any():
                a = obj[m, 3:4]
                k = 3 if self.rng.random() < 0.6 else 5
                dil = F.max_pool2d(a, k, stride=1, padding=k // 2)
                ring = (dil - a).clamp(0, 1)
                shade = torch.rand(int(m.sum()), 1, 1, 1, device=dev, generator=self.g) * 0.25
                o = obj[m]
                o[:, :3] = o[:, :3] + ring * shade
                o[:, 3:4] = dil
                obj[m] = o
        layers = torch.zeros(B * K, 4, S, S, device=dev)
        layers[torch.tensor(slot, device=dev)] = obj
        layers = layers.view(B, K, 4, S, S)
        if train:
            img = backgrounds(B, S, dev, self.g)
        else:
            img = torch.ones(B, 3, S, S, device=dev)
        for k in range(K):
            l = layers[:, k]
            img = l[:, :3] + (1 - l[:, 3:4]) * img
        if train:
            img = self.photometric(img)
        return img.clamp(0, 1)

    def photometric(self, x):
        B, dev, g = x.shape[0], self.device, self.g
        u = lambda lo, hi: lo + (hi - lo) * torch.rand(B, 1, 1, 1, device=dev, generator=g)  # noqa: E731
        x = x * u(0.75, 1.2)
        mean = x.mean((1, 2, 3), keepdim=True)
        x = (x - mean) * u(0.7, 1.3) + mean
        gray = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])
        x = (x - gray) * u(0.6, 1.4) + gray
        gm = (torch.rand(B, 1, 1, 1, device=dev, generator=g) < 0.05).float()
        x = x * (1 - gm) + gray.expand_as(x) * gm
        bm = (torch.rand(B, 1, 1, 1, device=dev, generator=g) < 0.2).float()
        blur = F.avg_pool2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), 3, stride=1)
        x = x * (1 - bm) + blur * bm
        nm = (torch.rand(B, 1, 1, 1, device=dev, generator=g) < 0.2).float()
        x = x + nm * 0.04 * torch.randn(x.shape, device=dev, generator=g)
        return x

    def sample(self, B):
        rng, S = self.rng, self.S
        layout, caps, boxes = [], [], []
        # singles are drawn without replacement inside a batch (fewer false negatives)
        n_single = sum(rng.random() < self.p_single for _ in range(B))
        singles = rng.sample(range(self.N), min(n_single, self.N))
        kinds = [True] * len(singles) + [False] * (B - len(singles))
        rng.shuffle(kinds)
        for is_single in kinds:
            if is_single:
                s = rng.uniform(0.62, 1.12) * S
                cx = S / 2 + rng.uniform(-0.12, 0.12) * S
                cy = S / 2 + rng.uniform(-0.12, 0.12) * S
                i = singles.pop()
                st = rng.choice(self.styles_of[i])
                layout.append([(st, i, cx, cy, s, rng.uniform(-0.2, 0.2))])
                caps.append(single_caption(self.meta[i], rng))
                boxes.append([content_box(cx, cy, s)])
            else:
                n = rng.choice([2, 2, 3, 3, 4])
                frames = place_scene(n, S, rng)
                st = rng.randrange(self.n_styles)
                objs, items = [], []
                idxs = rng.sample(range(self.N), len(frames))
                for (cx, cy, s), i in zip(frames, idxs):
                    allowed = self.styles_of[i]
                    sti = st if st in allowed and rng.random() < 0.8 else rng.choice(allowed)
                    objs.append((sti, i, cx, cy, s, rng.uniform(-0.15, 0.15)))
                    items.append((self.meta[i], content_box(cx, cy, s)))
                layout.append(objs)
                caps.append(scene_caption(items, rng))
                boxes.append([b for _, b in items])
        return self.render(layout, B), caps, boxes


def tokenize_batch(tok, caps, ctx, device):
    seqs = []
    for c in caps:
        ids = tok.encode(c)
        if len(ids) > ctx:
            ids = ids[:ctx - 1] + [tok.eos_id]
        seqs.append(ids)
    L = max(len(s) for s in seqs)
    out = np.full((len(seqs), L), tok.pad_id, dtype=np.int64)
    for i, s in enumerate(seqs):
        out[i, :len(s)] = s
    return torch.from_numpy(out).to(device)
