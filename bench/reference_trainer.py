#!/usr/bin/python3
"""PyTorch CPU reference of one LUCID training step, for benchmarks only (not part of the app).

It mirrors src/lucid/trainer.ts `step()` and src/lucid/losses.ts `lucidLoss` term by term, so that
ms per step here and in tfjs measure the same work: both encoders (ReLU pre-activations, Top-K),
both decoders (private latents capped at kPrivate), FVU per modality, AuxK on dead latents (skipped
while none is), Guided Cross-Modal Transport (B² log-domain
Sinkhorn problems with a dustbin row and column, energy marginals, grid smoothing, plan held fixed),
alignment on the top-alignK codes, the batch contrast, one backward pass, the decoder-gradient projection, Adam and decoder
renormalisation, and the tokens-since-fired counter.

Benchmark (bench/trainingThroughput.ts runs it with BENCH_REFERENCE=1):
    /usr/bin/python3 bench/reference_trainer.py --steps 5 --pairs 16
prints, as its last line, a JSON BenchmarkResult (src/training/api.ts):
    {"backend", "configuration", "msPerStep", "patchTokensPerSecond"}.

Parity (bench/referenceParity.ts writes the directory and compares):
    /usr/bin/python3 bench/reference_trainer.py --parity <dir>
loads <dir>/parity.safetensors (the tfjs model's weights, one batch, a dead-latent mask, the config
in the metadata) and prints, as its last line, JSON with the loss terms, the gradient norms and the
loss terms after one trainer step.

Only torch and numpy are needed (the safetensors container is parsed by hand).

Where the work differs from the tfjs step (the math is the same; bench/referenceParity.ts checks
the loss terms, gradient norms and one Adam step agree within 1e-3 relative, measured ~1e-5):
- PyTorch's autograd skips branches that only lead to zero gradients. tfjs' tape does not: it runs
  the backward of the grid smoothing product behind the frozen Sinkhorn plan (two [Np, Np] ·
  [Np, B²(T+1)] products, ~96 M multiply-adds at B = 16, about 7 % of the step's ~1.3 G) and builds
  zero tensors for the frozen plan, the Top-K masks and the held AuxK residual. The reference does
  not do that wasted work.
- The benchmark's initial weights and Gaussian inputs are drawn with torch's generator, not the
  app's mulberry32 / Box–Muller (same distributions; --parity uses the tfjs values themselves).
- Everything is float32; Adam uses tfjs' epsilon 1e-7 (torch's default would be 1e-8).
"""

import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch

# Emoji-CLIP's sizes, as BENCHMARK_SHAPE in src/training/benchmark.ts.
BENCHMARK_D = 128
BENCHMARK_GRID = (12, 12)
BENCHMARK_CAPTION_TOKENS = 8
WARMUP_STEPS = 3

# Constants of src/lucid/losses.ts.
MIN_MASS = 1e-30
ENERGY_FLOOR = 1e-6
# tfjs' Adam uses the backend epsilon, 1e-7 on float32 backends (torch's default is 1e-8).
ADAM_EPSILON = 1e-7

LOSS_TERM_NAMES = ["total", "fvuImage", "fvuText", "auxImage", "auxText", "gcmt", "contrast"]
MODALITIES = ["image", "text"]


def default_config():
    """DEFAULT_CONFIG (src/lucid/config.ts) without the widths."""
    return {
        "nShared": 256,
        "nImagePrivate": 64,
        "nTextPrivate": 64,
        "k": 16,
        "kPrivate": 4,
        "alignK": 32,
        "kAux": 64,
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


def scratch_config(d_image, d_text):
    """scratchConfig (src/training/scratchConfig.ts): 2d shared, d/2 private per modality, k = 16, kAux = d/2."""
    d = max(d_image, d_text)
    # JavaScript's Math.round rounds halves up; Python's round() would round them to even.
    js_round = lambda v: int(np.floor(v + 0.5))  # noqa: E731
    config = default_config()
    config.update(
        dImage=d_image,
        dText=d_text,
        nShared=2 * d,
        nImagePrivate=max(8, js_round(d / 2)),
        nTextPrivate=max(8, js_round(d / 2)),
        k=min(16, 2 * d),
        kAux=max(8, js_round(d / 2)),
    )
    return config


def latent_count(config):
    return config["nShared"] + config["nImagePrivate"] + config["nTextPrivate"]


def allowed_mask(config, modality):
    """1 on the shared latents and the modality's own private latents [m]."""
    mask = torch.zeros(latent_count(config))
    mask[: config["nShared"]] = 1
    start = config["nShared"] if modality == "image" else config["nShared"] + config["nImagePrivate"]
    size = config["nImagePrivate"] if modality == "image" else config["nTextPrivate"]
    mask[start : start + size] = 1
    return mask


class Lucid:
    """The trainable tensors of src/lucid/model.ts (same names and shapes) and the allowed masks."""

    def __init__(self, config, arrays):
        self.config = config
        self.params = {}
        for modality in MODALITIES:
            for field in ("W_enc", "b_enc", "W_dec", "b_pre"):
                name = f"{modality}.{field}"
                self.params[name] = torch.tensor(arrays[name], dtype=torch.float32).requires_grad_(True)
        self.params["gcmt.dustbin_cost"] = torch.tensor(
            float(np.asarray(arrays["gcmt.dustbin_cost"]).reshape(())), dtype=torch.float32
        ).requires_grad_(True)
        self.allowed = {modality: allowed_mask(config, modality) for modality in MODALITIES}

    def p(self, modality, field):
        return self.params[f"{modality}.{field}"]

    @property
    def dustbin_cost(self):
        return self.params["gcmt.dustbin_cost"]


def create_lucid(config, seed):
    """createLucid: unit-norm Gaussian decoder rows, W_enc = W_decᵀ, zero biases (Gao et al. 2024).
    The draws differ from the tfjs PRNG; only the distribution matters for timing."""
    generator = torch.Generator().manual_seed(seed)
    m = latent_count(config)
    arrays = {}
    for modality in MODALITIES:
        d = config["dImage"] if modality == "image" else config["dText"]
        decoder = torch.randn(m, d, generator=generator)
        decoder = decoder / decoder.norm(dim=1, keepdim=True).clamp_min(1e-12)
        arrays[f"{modality}.W_dec"] = decoder.numpy()
        arrays[f"{modality}.W_enc"] = decoder.t().contiguous().numpy()
        arrays[f"{modality}.b_enc"] = np.zeros(m, dtype=np.float32)
        arrays[f"{modality}.b_pre"] = np.zeros(d, dtype=np.float32)
    arrays["gcmt.dustbin_cost"] = np.float32(config["dustbinCostInit"])
    return Lucid(config, arrays)


# --- encode.ts ---------------------------------------------------------------------------------


def private_range(config, modality):
    """privateRange: the modality's private latents [start, end)."""
    start = config["nShared"] if modality == "image" else config["nShared"] + config["nImagePrivate"]
    size = config["nImagePrivate"] if modality == "image" else config["nTextPrivate"]
    return start, start + size


def cap_private(model, modality, pre):
    """capPrivate: keeps each row's kPrivate largest private entries and zeroes the other private ones."""
    start, end = private_range(model.config, modality)
    k_private = model.config["kPrivate"]
    if k_private >= end - start or pre.shape[0] == 0:
        return pre
    with torch.no_grad():
        mask = torch.ones_like(pre)
        mask[:, start:end] = 0 if k_private <= 0 else top_k_mask(pre[:, start:end], k_private)
    return pre * mask


def pre_activations(model, modality, x):
    """ReLU((x − b_pre) · W_enc + b_enc) ⊙ allowed, private entries capped. x [n, d] → [n, m]."""
    pre = torch.relu((x - model.p(modality, "b_pre")) @ model.p(modality, "W_enc") + model.p(modality, "b_enc"))
    return cap_private(model, modality, pre * model.allowed[modality])


def top_k_mask(pre, k):
    """1 where an entry is among its row's k largest (ties at the k-th value included)."""
    kth = torch.topk(pre, k, dim=1).values.min(dim=1, keepdim=True).values
    return (pre >= kth).to(pre.dtype)


def top_k_dense(pre, k):
    """Keeps each row's k largest entries (ties at the k-th value included); the mask is a constant."""
    with torch.no_grad():
        mask = top_k_mask(pre, k)
    return pre * mask


def decode(model, modality, z):
    """x̂ = z · W_dec + b_pre. z [n, m] → [n, d]."""
    return z @ model.p(modality, "W_dec") + model.p(modality, "b_pre")


# --- losses.ts ---------------------------------------------------------------------------------


def fvu(x, x_hat, weight=None):
    """Fraction of variance unexplained Σ w‖x − x̂‖² / Σ w‖x − x̄‖², x̄ the weighted mean row."""
    w = weight.unsqueeze(1) if weight is not None else torch.ones_like(x[:, :1])
    mean = (x * w).sum(0) / w.sum().clamp_min(1e-12)
    residual = ((x - x_hat).square() * w).sum()
    total = ((x - mean).square() * w).sum()
    return residual / total.clamp_min(1e-12)


def aux_k_loss(model, modality, x, x_hat, pre, dead, weight=None):
    """AuxK (Gao et al. 2024, §A.2): the dead latents' top-kAux codes explain the fixed residual.
    dead is None where no latent can be dead (createTrainer's bound): AuxK is then 0 and skipped."""
    if dead is None:
        return torch.zeros(())
    dead_allowed = dead * model.allowed[modality]
    k_aux = min(model.config["kAux"], pre.shape[1])
    codes = top_k_dense(pre * dead_allowed, k_aux)
    residual = (x - x_hat).detach()
    residual_hat = codes @ model.p(modality, "W_dec")
    loss = fvu(residual, residual_hat, weight)
    return loss * (dead_allowed.sum() > 0).to(loss.dtype)


def grid_smoothing_matrix(rows, cols, share):
    """Doubly-stochastic 4-neighbour averaging on the patch grid [Np, Np] (gridSmoothingMatrix)."""
    n = rows * cols
    out = np.zeros((n, n), dtype=np.float32)
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            kept = 1.0  # a double, as in JavaScript, stored as float32 below
            for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                rr, cc = r + dr, c + dc
                if rr < 0 or rr >= rows or cc < 0 or cc >= cols:
                    continue
                out[i, rr * cols + cc] = share / 4
                kept -= share / 4
            out[i, i] = kept
    return torch.from_numpy(out)


def sinkhorn_plan(cost, log_row_mass, log_col_mass, epsilon, iterations):
    """Log-domain Sinkhorn (sinkhorn.ts), batched: cost [P, R, C], log marginals [P, R] and [P, C]."""
    kernel = cost / -epsilon
    f = torch.zeros_like(log_row_mass)
    g = torch.zeros_like(log_col_mass)
    for _ in range(iterations):
        f = log_row_mass - torch.logsumexp(kernel + g.unsqueeze(1), dim=2)
        g = log_col_mass - torch.logsumexp(kernel + f.unsqueeze(2), dim=1)
    return torch.exp(kernel + f.unsqueeze(2) + g.unsqueeze(1))


def smooth_norm(x):
    """√(‖x‖² + 10⁻¹²) along the last axis (finite gradient at 0)."""
    return torch.sqrt(x.square().sum(2) + 1e-12)


def guided_transport(model, shared_image, shared_text, align_mask, smoothing):
    """guidedTransport: shared_image [Bi, Np, m_s], shared_text [Bt, T, m_s], align_mask [Bt, T].
    Returns (matched cost [Bi, Bt], total cost [Bi, Bt])."""
    bi, np_, ms = shared_image.shape
    bt, t, _ = shared_text.shape
    problems = bi * bt
    config = model.config

    image_norm = smooth_norm(shared_image)
    text_norm = smooth_norm(shared_text)
    image_unit = (shared_image / image_norm.unsqueeze(2)).reshape(bi * np_, ms)
    text_unit = (shared_text / text_norm.unsqueeze(2)).reshape(bt * t, ms)
    cosine = (image_unit @ text_unit.t()).reshape(bi, np_, bt, t).permute(0, 2, 1, 3).reshape(problems, np_, t)
    cost = 1 - cosine

    dust = model.dustbin_cost
    with_dust_column = torch.cat([cost, torch.ones(problems, np_, 1) * dust], 2)
    # The dustbin corner costs the dustbin cost too (as in SuperGlue), see losses.ts.
    dust_row = torch.ones(problems, 1, t + 1) * dust
    cost_aug = torch.cat([with_dust_column, dust_row], 1)

    patch_energy = image_norm.detach() + ENERGY_FLOOR
    patch_mass = patch_energy / patch_energy.sum(1, keepdim=True) * 0.5
    token_energy = (text_norm.detach() + ENERGY_FLOOR) * align_mask
    token_mass = token_energy / token_energy.sum(1, keepdim=True).clamp_min(1e-12) * 0.5
    row_mass = torch.cat(
        [patch_mass.unsqueeze(1).expand(bi, bt, np_).reshape(problems, np_), torch.full((problems, 1), 0.5)], 1
    )
    col_mass = torch.cat(
        [token_mass.unsqueeze(0).expand(bi, bt, t).reshape(problems, t), torch.full((problems, 1), 0.5)], 1
    )
    # The plan is a constant for autodiff (frozenSinkhornPlan): the iterations are not recorded.
    with torch.no_grad():
        raw_plan = sinkhorn_plan(
            cost_aug.detach(),
            torch.log(row_mass.clamp_min(MIN_MASS)),
            torch.log(col_mass.clamp_min(MIN_MASS)),
            config["sinkhornEpsilon"],
            config["sinkhornIterations"],
        )
        if smoothing is not None:
            # Structural guidance on the patch rows; the dustbin row is left alone.
            plan = torch.cat([smoothing @ raw_plan[:, :np_, :], raw_plan[:, np_:, :]], 1)
        else:
            plan = raw_plan

    matched = (plan[:, :np_, :t] * cost).sum((1, 2)).reshape(bi, bt)
    total = (plan * cost_aug).sum((1, 2)).reshape(bi, bt)
    return matched, total


def batch_contrast_loss(cost, temperature):
    """Symmetric InfoNCE over a [B, B] matrix of pair costs, logits −cost / τ."""
    logits = cost / -temperature
    eye = torch.eye(cost.shape[0])
    rows = (torch.log_softmax(logits, 1) * eye).sum()
    cols = (torch.log_softmax(logits.t(), 1) * eye).sum()
    return (rows + cols) / (-2 * cost.shape[0])


class Batch:
    """A PairBatch with captions: patches [B, Np, dImage], tokens [B, T, dText], masks [B, T]."""

    def __init__(self, grid, patches, tokens, token_mask, align_mask):
        self.grid = grid
        self.patches = patches
        self.tokens = tokens
        self.token_mask = token_mask
        self.align_mask = align_mask


def lucid_loss(model, batch, dead, smoothing):
    """lucidLoss: every loss term, plus the fired mask [m] and the real-token count."""
    config = model.config
    pairs, np_, d_image = batch.patches.shape
    zero = torch.zeros(())

    x_image = batch.patches.reshape(pairs * np_, d_image)
    pre_image = pre_activations(model, "image", x_image)
    z_image = top_k_dense(pre_image, config["k"])
    x_hat_image = decode(model, "image", z_image)
    fvu_image = fvu(x_image, x_hat_image)
    aux_image = aux_k_loss(model, "image", x_image, x_hat_image, pre_image, dead)

    _, length, d_text = batch.tokens.shape
    x_text = batch.tokens.reshape(pairs * length, d_text)
    weight = batch.token_mask.reshape(pairs * length)
    pre_text = pre_activations(model, "text", x_text)
    z_text = top_k_dense(pre_text, config["k"])
    x_hat_text = decode(model, "text", z_text)
    fvu_text = fvu(x_text, x_hat_text, weight)
    aux_text = aux_k_loss(model, "text", x_text, x_hat_text, pre_text, dead, weight)
    with torch.no_grad():
        fired = (z_image.sum(0) > 0) | ((z_text * weight.unsqueeze(1)).sum(0) > 0)
        token_count = pairs * np_ + weight.sum()

    gcmt, contrast = zero, zero
    ms = config["nShared"]
    if ms > 0 and (config["gcmtWeight"] > 0 or config["contrastWeight"] > 0):
        # The top-alignK codes (the main Top-K codes where alignK <= k), or the dense pre-activations.
        def align_codes(pre, z):
            align_k = min(config["alignK"], pre.shape[1])
            if config["alignK"] <= 0:
                return pre
            return z if align_k <= config["k"] else top_k_dense(pre, align_k)

        shared_image = align_codes(pre_image, z_image)[:, :ms].reshape(pairs, np_, ms)
        shared_text = align_codes(pre_text, z_text)[:, :ms].reshape(pairs, length, ms)
        matched, total_cost = guided_transport(model, shared_image, shared_text, batch.align_mask, smoothing)
        gcmt = torch.diagonal(matched).mean()
        if pairs > 1:
            contrast = batch_contrast_loss(total_cost, config["contrastTemperature"])

    total = (
        fvu_image
        + fvu_text
        + config["auxWeight"] * (aux_image + aux_text)
        + config["gcmtWeight"] * gcmt
        + config["contrastWeight"] * contrast
    )
    terms = {
        "total": total,
        "fvuImage": fvu_image,
        "fvuText": fvu_text,
        "auxImage": aux_image,
        "auxText": aux_text,
        "gcmt": gcmt,
        "contrast": contrast,
    }
    return terms, fired, token_count


# --- trainer.ts --------------------------------------------------------------------------------


class Trainer:
    """createTrainer: Adam, decoder-gradient projection, decoder renormalisation, dead-latent counter."""

    def __init__(self, model):
        self.model = model
        self.optimizer = torch.optim.Adam(
            list(model.params.values()), lr=model.config["learningRate"], betas=(0.9, 0.999), eps=ADAM_EPSILON
        )
        self.tokens_since_fired = torch.zeros(latent_count(model.config))
        self._share = model.config["structuralSmoothing"]
        self._smoothing_for_grid = {}

    def smoothing(self, grid):
        if self._share == 0:
            return None
        if grid not in self._smoothing_for_grid:
            self._smoothing_for_grid[grid] = grid_smoothing_matrix(grid[0], grid[1], self._share)
        return self._smoothing_for_grid[grid]

    def gradients(self, batch, dead):
        """Loss terms and the projected gradients (left in .grad), as one step computes them."""
        model = self.model
        self.optimizer.zero_grad(set_to_none=True)
        terms, fired, token_count = lucid_loss(model, batch, dead, self.smoothing(batch.grid))
        terms["total"].backward()
        with torch.no_grad():
            for modality in MODALITIES:
                # removeGradientParallelToDecoderDirections (openai/sparse_autoencoder).
                decoder = model.p(modality, "W_dec")
                parallel = (decoder.grad * decoder).sum(1, keepdim=True)
                decoder.grad.sub_(parallel * decoder)
        return terms, fired, token_count

    def step(self, batch):
        model = self.model
        dead = (self.tokens_since_fired > model.config["deadAfterTokens"]).to(torch.float32)
        # As createTrainer: no AuxK while no latent is dead (tfjs knows that from a bound of the counters).
        terms, fired, token_count = self.gradients(batch, dead if bool(dead.any()) else None)
        self.optimizer.step()
        with torch.no_grad():
            for modality in MODALITIES:
                decoder = model.p(modality, "W_dec")
                decoder.div_(decoder.norm(dim=1, keepdim=True).clamp_min(1e-12))
            self.tokens_since_fired = torch.where(
                fired, torch.zeros_like(self.tokens_since_fired), self.tokens_since_fired + token_count
            )
        return {name: value.detach() for name, value in terms.items()}


# --- benchmark ---------------------------------------------------------------------------------


def benchmark_batch(pairs, seed):
    """benchmarkBatch: Gaussian patches and tokens; BOS and EOS of each 8-token caption left out of alignment."""
    generator = torch.Generator().manual_seed(seed)
    rows, cols = BENCHMARK_GRID
    t = BENCHMARK_CAPTION_TOKENS
    token_mask = torch.ones(pairs, t)
    align_mask = token_mask.clone()
    align_mask[:, 0] = 0
    align_mask[:, t - 1] = 0
    return Batch(
        BENCHMARK_GRID,
        torch.randn(pairs, rows * cols, BENCHMARK_D, generator=generator),
        torch.randn(pairs, t, BENCHMARK_D, generator=generator),
        token_mask,
        align_mask,
    )


def run_benchmark(steps, pairs, threads):
    torch.set_num_threads(threads)
    config = scratch_config(BENCHMARK_D, BENCHMARK_D)
    model = create_lucid(config, 1)
    trainer = Trainer(model)
    batches = [benchmark_batch(pairs, 1), benchmark_batch(pairs, 2)]
    for i in range(WARMUP_STEPS):
        trainer.step(batches[i % 2])
    started = time.perf_counter()
    for i in range(steps):
        losses = trainer.step(batches[i % 2])
    elapsed_ms = (time.perf_counter() - started) * 1000
    ms_per_step = elapsed_ms / steps
    rows, cols = BENCHMARK_GRID
    m = latent_count(config)
    print(
        "reference losses of the last step: "
        + ", ".join(f"{name}={float(value):.4f}" for name, value in losses.items()),
        file=sys.stderr,
    )
    thread_words = f"{threads} thread{'' if threads == 1 else 's'}"
    result = {
        "backend": f"pytorch-cpu (torch {torch.__version__}, {thread_words})",
        "configuration": (
            f"B={pairs} pairs, {rows}×{cols} patches, {BENCHMARK_CAPTION_TOKENS}-token captions, d={BENCHMARK_D}, "
            f"m={m}, k={config['k']}, Sinkhorn {config['sinkhornIterations']} it, {thread_words} (torch)"
        ),
        "msPerStep": ms_per_step,
        "patchTokensPerSecond": pairs * rows * cols * 1000 / ms_per_step,
    }
    print(json.dumps(result, ensure_ascii=False))


# --- parity ------------------------------------------------------------------------------------


def read_safetensors(path):
    """The safetensors container by hand: u64 LE header length, JSON header, raw F32 data."""
    with open(path, "rb") as file:
        raw = file.read()
    (header_length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_length].decode("utf-8"))
    data = raw[8 + header_length :]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise ValueError(f"tensor {name} has dtype {entry['dtype']}; only F32 is read")
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"]).copy()
    return tensors, metadata


def loss_values(terms):
    return {name: float(terms[name]) for name in LOSS_TERM_NAMES}


def run_parity(directory):
    torch.set_num_threads(os.cpu_count() or 1)
    tensors, metadata = read_safetensors(os.path.join(directory, "parity.safetensors"))
    config = json.loads(metadata["config"])
    grid = tuple(json.loads(metadata["grid"]))
    model = Lucid(config, tensors)
    batch = Batch(
        grid,
        torch.from_numpy(tensors["batch.patches"]),
        torch.from_numpy(tensors["batch.tokens"]),
        torch.from_numpy(tensors["batch.token_mask"]),
        torch.from_numpy(tensors["batch.align_mask"]),
    )
    dead = torch.from_numpy(tensors["dead"])
    trainer = Trainer(model)

    # 1. Loss terms and projected gradient norms with the given dead-latent mask (AuxK active).
    terms, _, _ = trainer.gradients(batch, dead)
    initial = loss_values(terms)
    gradient_norms = {name: float(param.grad.norm()) for name, param in model.params.items()}

    # 2. One trainer step from a fresh counter (no latent dead yet), then the terms again with the mask.
    trainer = Trainer(model)
    step_losses = loss_values(trainer.step(batch))
    with torch.no_grad():
        after, _, _ = lucid_loss(model, batch, dead, trainer.smoothing(grid))
    # The benchmark builds its configuration by hand (scratch_config); the tfjs one must be the same.
    ours = scratch_config(config["dImage"], config["dText"])
    config_differences = sorted(
        name for name in set(ours) | set(config) if not np.isclose(ours.get(name, np.nan), config.get(name, np.nan))
    )
    print(
        json.dumps(
            {
                "configDifferences": config_differences,
                "initial": initial,
                "gradientNorms": gradient_norms,
                "step": step_losses,
                "afterStep": loss_values(after),
                "dustbinCostAfterStep": float(model.dustbin_cost),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=5, help="timed steps after 3 warm-up steps")
    parser.add_argument("--pairs", type=int, default=16, help="image–caption pairs per batch")
    parser.add_argument(
        "--threads", type=int, default=os.cpu_count() or 1, help="torch CPU threads (default: every core)"
    )
    parser.add_argument("--parity", metavar="DIR", help="compare with tfjs (bench/referenceParity.ts)")
    args = parser.parse_args()
    if args.parity:
        run_parity(args.parity)
    else:
        if args.steps < 1 or args.pairs < 1 or args.threads < 1:
            parser.error("--steps, --pairs and --threads must be positive")
        run_benchmark(args.steps, args.pairs, args.threads)


if __name__ == "__main__":
    main()
