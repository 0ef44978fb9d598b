"""LUCID data-parallel over processes (torchrun): each rank holds a slice of the global batch and
computes its *share* of the global loss, so that the shares sum to the single-process loss of the
whole batch and the summed gradients are its gradient (docs/training.md, "Many processes").

Why shares and not per-rank losses averaged: FVU is a ratio of sums over the batch,
Σ‖x − x̂‖² / Σ‖x − x̄‖², and the mean of two ratios is not the ratio of the whole. The denominator
depends on the data only (never on the weights), so it is all-reduced once per term and each rank
divides its own residual by the global total. GCMT is a mean over pairs and the contrast a mean over
groups: each rank divides its sums by the global counts. The transport plans couple pairs only within
a contrast group (lucid_torch.lucid_loss), so when every rank's slice is a whole number of groups
the plans are the single-process ones and nothing else needs to travel between ranks.
Top-K, the private cap and AuxK's Top-kAux act per row.

Shapes in comments: n rows, m latents, B pairs on this rank.
"""

import os

import torch
import torch.distributed as dist

import lucid_torch as L


class World:
    """This process's place among the ranks, and the collectives the loss and trainer need."""

    def __init__(self, rank=0, size=1, local_rank=0, device="cpu"):
        self.rank = rank
        self.size = size
        self.local_rank = local_rank
        self.device = torch.device(device)

    @property
    def is_main(self):
        return self.rank == 0

    def sum(self, tensor):
        """Σ over ranks of a tensor that carries no gradient (a copy; the input is kept)."""
        out = tensor.detach().clone()
        if self.size > 1:
            dist.all_reduce(out, op=dist.ReduceOp.SUM)
        return out

    def any(self, mask):
        """Elementwise OR over ranks of a bool tensor."""
        return self.sum(mask.to(torch.float32)) > 0

    def sum_gradients(self, params):
        """Replaces each parameter's gradient by its sum over ranks (one flat all-reduce)."""
        if self.size == 1:
            return
        grads = [p.grad for p in params]
        flat = torch.cat([g.reshape(-1) for g in grads])
        dist.all_reduce(flat, op=dist.ReduceOp.SUM)
        offset = 0
        for g in grads:
            g.copy_(flat[offset : offset + g.numel()].view_as(g))
            offset += g.numel()

    def broadcast_state(self, trainer):
        """Rank 0's weights, Adam moments and dead-latent counters on every rank."""
        if self.size == 1:
            return
        tensors = [p.data for p in trainer.model.params.values()] + [trainer.tokens_since_fired]
        for p in trainer.model.params.values():
            state = trainer.optimizer.state.get(p, {})
            tensors += [state[key] for key in ("exp_avg", "exp_avg_sq") if key in state]
        for tensor in tensors:
            dist.broadcast(tensor, src=0)

    def barrier(self):
        if self.size > 1:
            dist.barrier()

    def close(self):
        if self.size > 1 and dist.is_initialized():
            dist.destroy_process_group()


def init_world(device="auto"):
    """The World torchrun describes in the environment (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_*),
    or a world of one without it. device: "auto" (CUDA when present), "cpu" or "cuda".
    The backend is NCCL for CUDA and gloo for CPU."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = device == "cuda" or (device == "auto" and torch.cuda.is_available())
    if use_cuda and not torch.cuda.is_available():
        raise SystemExit("--device cuda: this PyTorch sees no CUDA device")
    name = f"cuda:{local_rank}" if use_cuda else "cpu"
    if use_cuda:
        torch.cuda.set_device(local_rank)
    if size > 1:
        dist.init_process_group(backend="nccl" if use_cuda else "gloo", rank=rank, world_size=size)
    return World(rank, size, local_rank, name)


def use_device(model, device, data=None):
    """Moves the model (and a dict of data tensors, returned) to a CUDA device, and makes it the
    default device of new tensors: lucid_torch creates its constants (zeros, dustbin rows, contrast
    labels) without naming a device. Call before the Trainer is made, so Adam holds the moved
    tensors. Never used on CPU, where every tensor already is where it is needed."""
    for name, p in model.params.items():
        model.params[name] = p.detach().to(device).requires_grad_(True)
    model.allowed = {m: a.to(device) for m, a in model.allowed.items()}
    if hasattr(torch, "set_default_device"):
        torch.set_default_device(device)
    else:  # PyTorch < 2.0
        torch.set_default_tensor_type(torch.cuda.FloatTensor)
    return None if data is None else {key: value.to(device) for key, value in data.items()}


def global_fvu(x, x_hat, weight, world):
    """This rank's share of the FVU of the rows of all ranks, Σ_local w‖x − x̂‖² / Σ_all w‖x − x̄_all‖²,
    x̄_all the weighted mean over all ranks. x [n, d] must not depend on the weights (it is data or a
    detached residual), so the denominator is a constant. weight [n] or None (all 1)."""
    w = weight.unsqueeze(1) if weight is not None else torch.ones_like(x[:, :1])
    with torch.no_grad():
        sums = world.sum(torch.cat([(x * w).sum(0), w.sum().reshape(1)]))
        mean = sums[:-1] / sums[-1].clamp_min(1e-12)
        total = world.sum(((x - mean).square() * w).sum())
    residual = ((x - x_hat).square() * w).sum()
    return residual / total.clamp_min(1e-12)


def aux_k_share(model, modality, x, x_hat, linear, pre, dead, weight, options, world):
    """lucid_torch.aux_k_loss with the FVU denominator over all ranks. `dead` [m] is the same on
    every rank (the trainer keeps the counters in step), so every rank takes the same branch."""
    dead_allowed = dead * model.allowed[modality]
    if float(dead_allowed.sum()) == 0:
        return torch.zeros((), device=x.device)
    k_aux = min(model.config["kAux"], int(dead_allowed.sum()))
    if options["auxPreActivation"]:
        with torch.no_grad():
            scores = linear.masked_fill(dead_allowed == 0, float("-inf"))
            idx = torch.topk(scores, k_aux, dim=1).indices
        codes = torch.zeros_like(linear).scatter(1, idx, torch.nn.functional.softplus(linear.gather(1, idx)))
    else:
        codes = L.top_k_dense(pre * dead_allowed, k_aux)
    residual = (x - x_hat).detach()
    return global_fvu(residual, codes @ model.p(modality, "W_dec"), weight, world)


def lucid_loss_share(model, batch, dead, smoothing, options, world):
    """This rank's share of every loss term of lucid_torch.lucid_loss over the global batch (the
    shares of all ranks sum to the terms of the whole batch in one process), the fired mask [m]
    and the real-token count, both already over all ranks.
    batch: this rank's patches [B, Np, dI], tokens [B, T, dT], token_mask [B, T], align_mask [B, T]."""
    config = model.config
    patches, tokens, token_mask, align_mask = batch
    pairs, np_, d_image = patches.shape
    _, length, d_text = tokens.shape
    zero = torch.zeros((), device=patches.device)

    x_image = patches.reshape(pairs * np_, d_image)
    lin_i, pre_i, z_i = L.encode(model, "image", x_image, options)
    x_hat_i = L.decode(model, "image", z_i)
    fvu_image = global_fvu(x_image, x_hat_i, None, world)
    aux_image = aux_k_share(model, "image", x_image, x_hat_i, lin_i, pre_i, dead, None, options, world)

    x_text = tokens.reshape(pairs * length, d_text)
    weight = token_mask.reshape(pairs * length)
    lin_t, pre_t, z_t = L.encode(model, "text", x_text, options)
    x_hat_t = L.decode(model, "text", z_t)
    fvu_text = global_fvu(x_text, x_hat_t, weight, world)
    aux_text = aux_k_share(model, "text", x_text, x_hat_t, lin_t, pre_t, dead, weight, options, world)
    with torch.no_grad():
        fired = world.any(((z_i > 0).any(0)) | (((z_t > 0) & (weight.unsqueeze(1) > 0)).any(0)))
        token_count = world.sum(pairs * np_ + weight.sum())

    gcmt, contrast = zero, zero
    ms = config["nShared"]
    if ms > 0 and (config["gcmtWeight"] > 0 or config["contrastWeight"] > 0):
        align_k = config["alignK"]
        if options["sparseAlign"]:
            a_i = L.top_k_dense(pre_i, align_k) if align_k != config["k"] else z_i
            a_t = L.top_k_dense(pre_t, align_k) if align_k != config["k"] else z_t
        else:
            a_i, a_t = pre_i, pre_t
        shared_image = a_i[:, :ms].reshape(pairs, np_, ms)
        shared_text = a_t[:, :ms].reshape(pairs, length, ms)
        group = options["contrastGroup"]
        gcmt_sum, contrast_sum, contrast_groups = zero, zero, 0
        for start in range(0, pairs, group):
            sl = slice(start, min(start + group, pairs))
            matched, total = L.guided_transport(
                model, shared_image[sl], shared_text[sl], align_mask[sl], smoothing, options
            )
            gcmt_sum = gcmt_sum + torch.diagonal(matched).sum()
            if matched.shape[0] > 1:
                contrast_sum = contrast_sum + L.batch_contrast_loss(total, config["contrastTemperature"])
                contrast_groups += 1
        counts = world.sum(torch.tensor([float(pairs), float(contrast_groups)], device=patches.device))
        gcmt = gcmt_sum / counts[0]
        if counts[1] > 0:
            contrast = contrast_sum / counts[1]

    terms = L.loss_terms(config, fvu_image, fvu_text, aux_image, aux_text, gcmt, contrast)
    return terms, fired, token_count


class DistributedTrainer(L.Trainer):
    """lucid_torch.Trainer over ranks: the loss is this rank's share, gradients are summed over ranks
    before the decoder projection and Adam, so every rank applies the same update to the same weights
    and they never drift apart (no broadcast needed after the start). The dead-latent counters see
    every rank's fired mask and token count. Resampling takes the global batch, which every rank
    reads for itself (all ranks see all shards), and draws from the same seeded generator."""

    def __init__(self, model, options, grid, world):
        super().__init__(model, options, grid)
        self.world = world

    def step(self, batch, lr=None):
        model = self.model
        if lr is not None:
            for group in self.optimizer.param_groups:
                group["lr"] = lr
        dead = (self.tokens_since_fired > model.config["deadAfterTokens"]).to(torch.float32)
        self.optimizer.zero_grad(set_to_none=True)
        terms, fired, token_count = lucid_loss_share(model, batch, dead, self.smoothing, self.options, self.world)
        terms["total"].backward()
        # A parameter outside this step's graph (the dustbin cost without GCMT) has no gradient and
        # Adam skips it, as in one process; the graph is the same on every rank, so all ranks agree.
        self.world.sum_gradients([p for p in model.params.values() if p.grad is not None])
        with torch.no_grad():
            for modality in L.MODALITIES:
                decoder = model.p(modality, "W_dec")
                decoder.grad.sub_((decoder.grad * decoder).sum(1, keepdim=True) * decoder)
        self.optimizer.step()
        with torch.no_grad():
            for modality in L.MODALITIES:
                decoder = model.p(modality, "W_dec")
                decoder.div_(decoder.norm(dim=1, keepdim=True).clamp_min(1e-12))
            self.tokens_since_fired = torch.where(
                fired, torch.zeros_like(self.tokens_since_fired), self.tokens_since_fired + token_count
            )
        shares = self.world.sum(torch.stack([v.detach().reshape(()) for v in terms.values()]))
        out = {name: float(value) for name, value in zip(terms, shares)}
        out["dead"] = float(dead.mean())
        return out
