"""Small CLIP (ViT image tower + causal text transformer) in plain torch.

Layout mirrors Hugging Face CLIP so the exported ONNX graphs match what
transformers.js expects from CLIPVisionModelWithProjection /
CLIPTextModelWithProjection:
  vision: patch conv -> [CLS]+patches + pos -> pre_layrnorm -> pre-LN blocks
          -> last_hidden_state ; post_layernorm(CLS) -> visual_projection
  text:   tok + pos -> causal pre-LN blocks -> final_layer_norm
          -> last_hidden_state ; hidden at first EOS -> text_projection
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h = heads
        self.dh = d // heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)

    def forward(self, x, mask=None):
        B, N, D = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.h, self.dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(self.dh))
        if mask is not None:
            att = att + mask
        att = att.softmax(dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(B, N, D)
        return self.out(y)


class Block(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = Attention(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, mlp)
        self.fc2 = nn.Linear(mlp, d)

    def forward(self, x, mask=None):
        x = x + self.attn(self.ln1(x), mask)
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return x


class VisionTower(nn.Module):
    def __init__(self, image_size, patch, d, layers, heads, mlp):
        super().__init__()
        self.grid = image_size // patch
        self.patch = nn.Conv2d(3, d, patch, stride=patch, bias=False)
        self.cls = nn.Parameter(torch.randn(d) * 0.02)
        self.pos = nn.Parameter(torch.randn(1 + self.grid * self.grid, d) * 0.02)
        self.pre_ln = nn.LayerNorm(d)
        self.blocks = nn.ModuleList([Block(d, heads, mlp) for _ in range(layers)])
        self.post_ln = nn.LayerNorm(d)

    def forward(self, px):
        x = self.patch(px).flatten(2).transpose(1, 2)  # B, P, d
        cls = self.cls.reshape(1, 1, -1).expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos.unsqueeze(0)
        x = self.pre_ln(x)
        for b in self.blocks:
            x = b(x)
        return x, self.post_ln(x[:, 0])


class TextTower(nn.Module):
    def __init__(self, vocab, ctx, d, layers, heads, mlp, eos_id, pad_id=0):
        super().__init__()
        self.eos_id = eos_id
        self.pad_id = pad_id
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(ctx, d) * 0.01)
        nn.init.normal_(self.tok.weight, std=0.02)
        self.blocks = nn.ModuleList([Block(d, heads, mlp) for _ in range(layers)])
        self.final_ln = nn.LayerNorm(d)

    def forward(self, ids):
        B, N = ids.shape
        # Truncated inputs without an EOS (transformers.js truncation cuts it off): turn the
        # last non-pad token into EOS, which is exactly how training truncates (ids[:ctx-1]+[EOS]).
        ar = torch.arange(N, device=ids.device)
        has_eos = (ids == self.eos_id).float().max(dim=-1).values > 0.5
        last = ((ids != self.pad_id).float() * ar.float().unsqueeze(0)).argmax(dim=-1)
        fix = (ar.unsqueeze(0) == last.unsqueeze(1)) & (~has_eos).unsqueeze(1)
        ids = torch.where(fix, torch.full_like(ids, self.eos_id), ids)
        x = self.tok(ids) + self.pos[:N].unsqueeze(0)
        # causal mask without Trilu (plain Greater/Where in ONNX)
        mask = torch.where(ar.unsqueeze(0) > ar.unsqueeze(1), torch.tensor(-1e4, device=ids.device),
                           torch.tensor(0.0, device=ids.device))
        for b in self.blocks:
            x = b(x, mask)
        x = self.final_ln(x)
        # pool at the first EOS token (ArgMax over a float mask picks the first hit)
        pos = (ids == self.eos_id).float().argmax(dim=-1)
        pooled = x[torch.arange(B, device=ids.device), pos]
        return x, pooled


class CLIP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        v, t = cfg["vision"], cfg["text"]
        self.visual = VisionTower(cfg["image_size"], cfg["patch_size"], v["d"], v["layers"], v["heads"], v["mlp"])
        self.text = TextTower(cfg["vocab_size"], cfg["ctx"], t["d"], t["layers"], t["heads"], t["mlp"], cfg["eos_id"], cfg.get("pad_id", 0))
        self.visual_projection = nn.Linear(v["d"], cfg["proj"], bias=False)
        self.text_projection = nn.Linear(t["d"], cfg["proj"], bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def encode_image(self, px):
        h, pooled = self.visual(px)
        return h, self.visual_projection(pooled)

    def encode_text(self, ids):
        h, pooled = self.text(ids)
        return h, self.text_projection(pooled)

    def forward(self, px, ids):
        _, ie = self.encode_image(px)
        _, te = self.encode_text(ids)
        ie = F.normalize(ie, dim=-1)
        te = F.normalize(te, dim=-1)
        scale = self.logit_scale.clamp(max=math.log(100)).exp()
        logits = scale * ie @ te.t()
        labels = torch.arange(px.shape[0], device=px.device)
        return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


class VisionExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, pixel_values):
        h, e = self.m.encode_image(pixel_values)
        return e, h


class TextExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        h, e = self.m.encode_text(input_ids)
        return e, h
