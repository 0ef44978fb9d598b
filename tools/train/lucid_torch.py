"""The LUCID objective in PyTorch, for long pretraining (tools/train/lucid_train.py).

Same model and tensor names as src/lucid/model.ts; the objective is METHOD.md's, with the changes
docs/dictionary.md measures one by one on validation (each can be switched off for the ablation):

- private cap: at most `kPrivate` of a token's k codes may be private latents, so private latents
  cannot crowd the shared ones out of Top-K (the shared latents are the ones both towers agree on);
- AuxK on pre-ReLU values: a dead latent below zero everywhere still gets a gradient (softplus of
  its linear pre-activation, as ghost grads use exp), where ReLU codes would give none;
- sparse alignment: GCMT and the batch contrast read the codes the user sees (the top-`alignK`
  codes of each row, shared part) rather than dense pre-activations no view shows;
- a usable dustbin: its cost is clamped inside the range of the patch–token cost (1 − cos of
  non-negative codes lies in [0, 1]); above it nothing would ever stay unmatched;
- function words are out of alignment (the shards' alignMask, src/clip/functionWords.ts).

Shapes in comments: n rows, m latents, d input width, B pairs, Np patches, T tokens.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F

MODALITIES = ("image", "text")
MIN_MASS = 1e-30
ENERGY_FLOOR = 1e-6
ADAM_EPSILON = 1e-7
# The dustbin cost is kept inside [DUSTBIN_MIN, DUSTBIN_MAX] ⊂ [0, 1], the range of 1 − cos.
DUSTBIN_MIN = 0.05
DUSTBIN_MAX = 0.95


def latent_count(config):
    return config["nShared"] + config["nImagePrivate"] + config["nTextPrivate"]


def private_range(config, modality):
    start = config["nShared"] if modality == "image" else config["nShared"] + config["nImagePrivate"]
    size = config["nImagePrivate"] if modality == "image" else config["nTextPrivate"]
    return start, start + size


def allowed_mask(config, modality):
    """1 on the shared latents and the modality's own private latents [m]."""
    mask = torch.zeros(latent_count(config))
    mask[: config["nShared"]] = 1
    start, end = private_range(config, modality)
    mask[start:end] = 1
    return mask


class Lucid:
    """Trainable tensors named as src/lucid/model.ts / the weights file (docs/lucid-core.md)."""

    def __init__(self, config, arrays):
        self.config = config
        self.params = {}
        for modality in MODALITIES:
            for field in ("W_enc", "b_enc", "W_dec", "b_pre"):
                name = f"{modality}.{field}"
                self.params[name] = torch.tensor(np.asarray(arrays[name]), dtype=torch.float32).requires_grad_(True)
        self.params["gcmt.dustbin_cost"] = torch.tensor(
            float(np.asarray(arrays["gcmt.dustbin_cost"]).reshape(())), dtype=torch.float32
        ).requires_grad_(True)
        self.allowed = {modality: allowed_mask(config, modality) for modality in MODALITIES}

    def p(self, modality, field):
        return self.params[f"{modality}.{field}"]

    def dustbin_cost(self, clamp=True):
        cost = self.params["gcmt.dustbin_cost"]
        return cost.clamp(DUSTBIN_MIN, DUSTBIN_MAX) if clamp else cost


def create_lucid(config, seed, data_image=None, data_text=None):
    """Unit-norm Gaussian decoder rows, W_enc = W_decᵀ, zero biases (Gao et al. 2024). Where data
    rows are given, b_pre starts at zero (inputs are centred) and shared latents start from the
    directions of random data rows, so that they fire from the first step."""
    generator = torch.Generator().manual_seed(seed)
    m = latent_count(config)
    arrays = {}
    for modality in MODALITIES:
        d = config["dImage"] if modality == "image" else config["dText"]
        decoder = torch.randn(m, d, generator=generator)
        data = data_image if modality == "image" else data_text
        if data is not None:
            pick = torch.randint(0, data.shape[0], (config["nShared"],), generator=generator)
            decoder[: config["nShared"]] = 0.5 * decoder[: config["nShared"]] / math.sqrt(d) + data[pick]
        decoder = decoder / decoder.norm(dim=1, keepdim=True).clamp_min(1e-12)
        arrays[f"{modality}.W_dec"] = decoder.numpy()
        arrays[f"{modality}.W_enc"] = decoder.t().contiguous().numpy()
        arrays[f"{modality}.b_enc"] = np.zeros(m, dtype=np.float32)
        arrays[f"{modality}.b_pre"] = np.zeros(d, dtype=np.float32)
    arrays["gcmt.dustbin_cost"] = np.float32(config["dustbinCostInit"])
    return Lucid(config, arrays)


# --- encoding --------------------------------------------------------------------------------


def linear_pre(model, modality, x):
    """(x − b_pre) · W_enc + b_enc, before the ReLU. x [n, d] → [n, m]."""
    return (x - model.p(modality, "b_pre")) @ model.p(modality, "W_enc") + model.p(modality, "b_enc")


def cap_private(pre, config, modality, k_private):
    """Zeroes all but each row's `k_private` largest private entries (the mask is a constant)."""
    start, end = private_range(config, modality)
    width = end - start
    if width == 0 or k_private >= width:
        return pre
    with torch.no_grad():
        mask = torch.ones_like(pre)
        private = pre[:, start:end]
        if k_private <= 0:
            mask[:, start:end] = 0
        else:
            kth = torch.topk(private, k_private, dim=1).values[:, -1:]
            mask[:, start:end] = (private >= kth).to(pre.dtype)
    return pre * mask


def top_k_dense(pre, k):
    """Keeps each row's k largest entries (ties at the k-th value included); the mask is a constant."""
    with torch.no_grad():
        kth = torch.topk(pre, min(k, pre.shape[1]), dim=1).values[:, -1:]
        mask = (pre >= kth) & (pre > 0)
    return pre * mask.to(pre.dtype)


def encode(model, modality, x, options):
    """ReLU pre-activations (allowed latents only, private cap applied) [n, m] and Top-K codes [n, m]."""
    linear = linear_pre(model, modality, x)
    pre = torch.relu(linear) * model.allowed[modality]
    if options["privateCap"]:
        pre = cap_private(pre, model.config, modality, model.config["kPrivate"])
    return linear, pre, top_k_dense(pre, model.config["k"])


def decode(model, modality, z):
    return z @ model.p(modality, "W_dec") + model.p(modality, "b_pre")


# --- losses ----------------------------------------------------------------------------------


def fvu(x, x_hat, weight=None):
    """Fraction of variance unexplained Σ w‖x − x̂‖² / Σ w‖x − x̄‖²."""
    w = weight.unsqueeze(1) if weight is not None else torch.ones_like(x[:, :1])
    mean = (x * w).sum(0) / w.sum().clamp_min(1e-12)
    residual = ((x - x_hat).square() * w).sum()
    total = ((x - mean).square() * w).sum()
    return residual / total.clamp_min(1e-12)


def aux_k_loss(model, modality, x, x_hat, linear, pre, dead, weight, options):
    """AuxK (Gao et al. 2024, §A.2): the dead latents' top-kAux codes explain the fixed residual.
    With `auxPreActivation`, the codes are softplus of the linear pre-activations, so a latent
    below zero everywhere is still pulled towards the residual."""
    dead_allowed = dead * model.allowed[modality]
    if float(dead_allowed.sum()) == 0:
        return torch.zeros(())
    k_aux = min(model.config["kAux"], int(dead_allowed.sum()))
    if options["auxPreActivation"]:
        with torch.no_grad():
            scores = linear.masked_fill(dead_allowed == 0, float("-inf"))
            idx = torch.topk(scores, k_aux, dim=1).indices
        codes = torch.zeros_like(linear).scatter(1, idx, F.softplus(linear.gather(1, idx)))
    else:
        codes = top_k_dense(pre * dead_allowed, k_aux)
    residual = (x - x_hat).detach()
    return fvu(residual, codes @ model.p(modality, "W_dec"), weight)


def grid_smoothing_matrix(rows, cols, share):
    """Doubly-stochastic 4-neighbour averaging on the patch grid [Np, Np] (losses.ts)."""
    n = rows * cols
    out = np.zeros((n, n), dtype=np.float32)
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            kept = 1.0
            for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                rr, cc = r + dr, c + dc
                if 0 <= rr < rows and 0 <= cc < cols:
                    out[i, rr * cols + cc] = share / 4
                    kept -= share / 4
            out[i, i] = kept
    return torch.from_numpy(out)


def sinkhorn_plan(cost, log_row_mass, log_col_mass, epsilon, iterations):
    """Sinkhorn, batched: cost [P, R, C], log marginals [P, R] and [P, C]. The same plan as the
    log-domain iteration of src/lucid/sinkhorn.ts, computed with scalings (u, v) and batched
    products: costs lie in [0, 1] and ε ≥ 0.05, so the kernel exp(−C/ε) ≥ e⁻²⁰ stays a normal
    float32 and nothing underflows; it is ~5× faster here than log-sum-exp over strided rows."""
    kernel = torch.exp(-cost / epsilon)
    a = torch.exp(log_row_mass).unsqueeze(2)
    b = torch.exp(log_col_mass).unsqueeze(2)
    kt = kernel.transpose(1, 2)
    v = torch.ones_like(b)
    for _ in range(iterations):
        u = a / torch.bmm(kernel, v).clamp_min(1e-30)
        v = b / torch.bmm(kt, u).clamp_min(1e-30)
    return u * kernel * v.transpose(1, 2)


def guided_transport(model, shared_image, shared_text, align_mask, smoothing, options):
    """GCMT between every image and every caption of a group: shared_image [Bi, Np, ms],
    shared_text [Bt, T, ms], align_mask [Bt, T]. Returns (matched cost, total cost) [Bi, Bt]."""
    bi, np_, ms = shared_image.shape
    bt, t, _ = shared_text.shape
    problems = bi * bt
    config = model.config
    image_norm = torch.sqrt(shared_image.square().sum(2) + 1e-12)
    text_norm = torch.sqrt(shared_text.square().sum(2) + 1e-12)
    image_unit = (shared_image / image_norm.unsqueeze(2)).reshape(bi * np_, ms)
    text_unit = (shared_text / text_norm.unsqueeze(2)).reshape(bt * t, ms)
    cosine = (image_unit @ text_unit.t()).reshape(bi, np_, bt, t).permute(0, 2, 1, 3).reshape(problems, np_, t)
    cost = 1 - cosine
    dust = model.dustbin_cost(options["dustbinClamp"])
    cost_aug = torch.cat(
        [torch.cat([cost, torch.ones(problems, np_, 1) * dust], 2), torch.ones(problems, 1, t + 1) * dust], 1
    )
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
    with torch.no_grad():
        plan = sinkhorn_plan(
            cost_aug.detach(),
            torch.log(row_mass.clamp_min(MIN_MASS)),
            torch.log(col_mass.clamp_min(MIN_MASS)),
            config["sinkhornEpsilon"],
            config["sinkhornIterations"],
        )
        if smoothing is not None:
            plan = torch.cat([torch.einsum("ij,pjc->pic", smoothing, plan[:, :np_, :]), plan[:, np_:, :]], 1)
    matched = (plan[:, :np_, :t] * cost).sum((1, 2)).reshape(bi, bt)
    total = (plan * cost_aug).sum((1, 2)).reshape(bi, bt)
    return matched, total


def batch_contrast_loss(cost, temperature):
    """Symmetric InfoNCE over a [B, B] matrix of pair costs, logits −cost / τ."""
    logits = cost / -temperature
    labels = torch.arange(cost.shape[0])
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels))


def loss_terms(config, fvu_image, fvu_text, aux_image, aux_text, gcmt, contrast, word=None, word_weight=0.0):
    """The weighted total of the LUCID objective's terms, with each term, as the trainer logs them."""
    total = (
        fvu_image
        + fvu_text
        + config["auxWeight"] * (aux_image + aux_text)
        + config["gcmtWeight"] * gcmt
        + config["contrastWeight"] * contrast
    )
    terms = dict(fvuImage=fvu_image, fvuText=fvu_text, auxImage=aux_image, auxText=aux_text,
                 gcmt=gcmt, contrast=contrast)
    if word is not None:
        total = total + word_weight * word
        terms["word"] = word
    return dict(total=total, **terms)


def word_loss(lin_image, lin_text, words, pairs, np_, length, temperature, columns=False):
    """Word supervision of the anchored shared latents (`lucid_train.py --word-weight`).

    Shared latent j < V starts at fit caption word j (tools/train/anchors.py); this term keeps it
    that word in both towers while reconstruction moves it. words = (bag [B, V]: the caption's
    content words, target [B, T]: each token's word or −1). Image: the largest linear
    pre-activation over the patches of each anchored latent (multiple-instance pooling, so an
    object's word is asked of some patch, not of all) is a softmax over the V anchors whose target
    is the caption's words, spread evenly. Text: each word token's linear pre-activation over the
    anchors is a softmax whose target is its own word. Linear values, not ReLU outputs, so a latent
    below zero everywhere still gets a gradient. Returns the mean of the two cross-entropies."""
    bag, target = words
    v = bag.shape[1]
    pooled = lin_image[:, :v].reshape(pairs, np_, v).amax(1) / temperature
    mass = bag.sum(1)
    has = mass > 0
    zero = lin_image.sum() * 0
    image = zero
    if bool(has.any()):
        log_p = torch.log_softmax(pooled[has], 1)
        image = -((bag[has] * log_p).sum(1) / mass[has]).mean()
        if columns:
            # Also per anchored latent present in the batch: a softmax over the batch's images, whose
            # target is the images with that word, so that a frequent word's latent is asked to
            # separate its images from the others, not only to beat the other latents.
            present = bag.sum(0) > 0
            if bool(present.any()):
                col = bag[:, present]
                log_q = torch.log_softmax(pooled[:, present], 0)
                image = 0.5 * (image - ((col * log_q).sum(0) / col.sum(0)).mean())
    flat = target.reshape(pairs * length)
    on = flat >= 0
    text = zero
    if bool(on.any()):
        text = torch.nn.functional.cross_entropy(lin_text[on, :v] / temperature, flat[on].long())
    return 0.5 * (image + text)


def lucid_loss(model, batch, dead, smoothing, options):
    """Every loss term of one step, the fired mask [m] and the real-token count.
    batch: patches [B, Np, dI], tokens [B, T, dT], token_mask [B, T], align_mask [B, T]."""
    config = model.config
    patches, tokens, token_mask, align_mask = batch[:4]
    pairs, np_, d_image = patches.shape
    _, length, d_text = tokens.shape
    zero = torch.zeros(())

    x_image = patches.reshape(pairs * np_, d_image)
    lin_i, pre_i, z_i = encode(model, "image", x_image, options)
    x_hat_i = decode(model, "image", z_i)
    fvu_image = fvu(x_image, x_hat_i)
    aux_image = aux_k_loss(model, "image", x_image, x_hat_i, lin_i, pre_i, dead, None, options)

    x_text = tokens.reshape(pairs * length, d_text)
    weight = token_mask.reshape(pairs * length)
    lin_t, pre_t, z_t = encode(model, "text", x_text, options)
    x_hat_t = decode(model, "text", z_t)
    fvu_text = fvu(x_text, x_hat_t, weight)
    aux_text = aux_k_loss(model, "text", x_text, x_hat_t, lin_t, pre_t, dead, weight, options)
    with torch.no_grad():
        fired = ((z_i > 0).any(0)) | (((z_t > 0) & (weight.unsqueeze(1) > 0)).any(0))
        token_count = pairs * np_ + weight.sum()

    gcmt, contrast = zero, zero
    ms = config["nShared"]
    if ms > 0 and (config["gcmtWeight"] > 0 or config["contrastWeight"] > 0):
        align_k = config["alignK"]
        if options["sparseAlign"]:
            a_i = top_k_dense(pre_i, align_k) if align_k != config["k"] else z_i
            a_t = top_k_dense(pre_t, align_k) if align_k != config["k"] else z_t
        else:
            a_i, a_t = pre_i, pre_t
        shared_image = a_i[:, :ms].reshape(pairs, np_, ms)
        shared_text = a_t[:, :ms].reshape(pairs, length, ms)
        group = options["contrastGroup"]
        gcmts, contrasts = [], []
        for start in range(0, pairs, group):
            sl = slice(start, min(start + group, pairs))
            matched, total = guided_transport(
                model, shared_image[sl], shared_text[sl], align_mask[sl], smoothing, options
            )
            gcmts.append(torch.diagonal(matched))
            if matched.shape[0] > 1:
                contrasts.append(batch_contrast_loss(total, config["contrastTemperature"]))
        gcmt = torch.cat(gcmts).mean()
        if contrasts:
            contrast = torch.stack(contrasts).mean()

    word = None
    if len(batch) > 4 and options.get("wordWeight", 0) > 0:
        word = word_loss(lin_i, lin_t, batch[4], pairs, np_, length, options["wordTemperature"],
                         options.get("wordColumns", False))
    terms = loss_terms(config, fvu_image, fvu_text, aux_image, aux_text, gcmt, contrast,
                       word, options.get("wordWeight", 0.0))
    return terms, fired, token_count


class Trainer:
    """Adam, decoder-gradient projection, decoder renormalisation, tokens-since-fired counter."""

    def __init__(self, model, options, grid):
        self.model = model
        self.options = options
        self.optimizer = torch.optim.Adam(
            list(model.params.values()), lr=model.config["learningRate"], betas=(0.9, 0.999), eps=ADAM_EPSILON
        )
        self.tokens_since_fired = torch.zeros(latent_count(model.config))
        share = model.config["structuralSmoothing"]
        self.smoothing = grid_smoothing_matrix(grid[0], grid[1], share) if share > 0 else None

    def step(self, batch, lr=None):
        model = self.model
        if lr is not None:
            for group in self.optimizer.param_groups:
                group["lr"] = lr
        dead = (self.tokens_since_fired > model.config["deadAfterTokens"]).to(torch.float32)
        self.optimizer.zero_grad(set_to_none=True)
        terms, fired, token_count = lucid_loss(model, batch, dead, self.smoothing, self.options)
        terms["total"].backward()
        with torch.no_grad():
            for modality in MODALITIES:
                decoder = model.p(modality, "W_dec")
                decoder.grad.sub_((decoder.grad * decoder).sum(1, keepdim=True) * decoder)
        self.optimizer.step()
        with torch.no_grad():
            for modality in MODALITIES:
                decoder = model.p(modality, "W_dec")
                decoder.div_(decoder.norm(dim=1, keepdim=True).clamp_min(1e-12))
            self.tokens_since_fired = torch.where(
                fired, torch.zeros_like(self.tokens_since_fired), self.tokens_since_fired + token_count
            )
        out = {name: float(value) for name, value in terms.items()}
        out["dead"] = float(dead.mean())
        self._last_batch = batch
        return out

    @torch.no_grad()
    def resample_dead(self, batch):
        """Resampling (Bricken et al. 2023, "Towards Monosemanticity"): every dead latent restarts
        from the normalised residual of a badly reconstructed input of each modality — decoder row
        = that direction, encoder column = 0.2 × it, bias 0 — and its Adam moments are cleared.
        A latent below zero everywhere gets no gradient through a ReLU; this brings it back where
        the dictionary explains least. Returns how many latents were resampled."""
        model = self.model
        dead = self.tokens_since_fired > model.config["deadAfterTokens"]
        # Word-supervised latents keep their word: the supervision's gradient revives them.
        dead[: self.options.get("wordCount", 0)] = False
        if not bool(dead.any()):
            return 0
        patches, tokens, token_mask = batch[:3]
        ids = torch.nonzero(dead).flatten()
        ids = self._reanchor(ids)
        if len(ids) == 0:
            return int(dead.sum())
        for modality, x in (("image", patches.reshape(-1, patches.shape[2])),
                            ("text", tokens.reshape(-1, tokens.shape[2])[token_mask.reshape(-1) > 0])):
            _, _, z = encode(model, modality, x, self.options)
            residual = x - decode(model, modality, z)
            loss = residual.square().sum(1)
            pick = torch.multinomial(loss / loss.sum(), len(ids), replacement=True)
            directions = residual[pick] / residual[pick].norm(dim=1, keepdim=True).clamp_min(1e-12)
            allowed = model.allowed[modality][ids] > 0
            rows = ids[allowed]
            model.p(modality, "W_dec")[rows] = directions[allowed]
            model.p(modality, "W_enc")[:, rows] = 0.2 * directions[allowed].t()
            model.p(modality, "b_enc")[rows] = 0
            for name, dim in (("W_dec", 0), ("W_enc", 1), ("b_enc", 0)):
                param = model.p(modality, name)
                state = self.optimizer.state.get(param, {})
                for key in ("exp_avg", "exp_avg_sq"):
                    if key in state:
                        state[key].index_fill_(dim, rows, 0)
        self.tokens_since_fired[ids] = 0
        return int(dead.sum())

    def _reanchor(self, ids):
        """Dead shared latents restart from spare word anchors (tools/train/anchors.py: per modality
        a decoder row and a probe) while any are left — the same concept in both towers, where
        residual directions of unrelated inputs would give a shared latent two unrelated halves.
        Returns the ids still to resample."""
        pool = getattr(self, "anchor_pool", None)
        if not pool:
            return ids
        model = self.model
        shared = ids[ids < model.config["nShared"]][: len(pool)]
        if len(shared) == 0:
            return ids
        picked = [pool.pop(0) for _ in range(len(shared))]
        for modality in MODALITIES:
            rows = torch.stack([p[modality][0] for p in picked])
            probes = torch.stack([p[modality][1] for p in picked], 1)
            scale = float(model.p(modality, "W_enc")[:, : model.config["nShared"]].norm(dim=0).median())
            model.p(modality, "W_dec")[shared] = rows / rows.norm(dim=1, keepdim=True).clamp_min(1e-12)
            model.p(modality, "W_enc")[:, shared] = scale * probes / probes.norm(dim=0, keepdim=True).clamp_min(1e-12)
            model.p(modality, "b_enc")[shared] = 0
            for name, dim in (("W_dec", 0), ("W_enc", 1), ("b_enc", 0)):
                state = self.optimizer.state.get(model.p(modality, name), {})
                for key in ("exp_avg", "exp_avg_sq"):
                    if key in state:
                        state[key].index_fill_(dim, shared, 0)
        self.tokens_since_fired[shared] = 0
        self.reanchored = getattr(self, "reanchored", 0) + len(shared)
        keep = torch.ones(len(ids), dtype=torch.bool)
        for j in shared.tolist():
            keep &= ids != j
        return ids[keep]
