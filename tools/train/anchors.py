"""Word-anchored initialisation of the shared latents (`lucid_train.py --anchor-init`).

GCMT learns which image directions and which text directions are the same concept from
image–caption pairs alone. On two CPU cores it gets a few hundred thousand caption tokens, and
its shared latents start from unrelated random directions in the two towers. This module gives
it the same information in closed form before the first step: for each of the `nShared` most
frequent caption words of the fit split (whole tokens of the text tower, function words out),

- the text decoder row is the mean normalised hidden state of that word's tokens in the fit
  captions (its text direction), and
- the image decoder row is that word's coefficient in a ridge regression of each single-emoji
  fit image's mean patch state on the bag of content words of its caption (its image direction;
  the regression separates words that co-occur, "face" from "smiling").

Only fit captions and fit images are read: no label, no tag list, no validation or test data.
The encoder columns start as the decoder rows (W_enc = W_decᵀ, as the random start does), and
training then moves everything; docs/dictionary.md measures the start alone and after training.
"""

import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "emoji-clip"))
from tokenizer import WordPiece  # noqa: E402

FUNCTION_WORDS_TS = os.path.join(HERE, "..", "..", "src", "clip", "functionWords.ts")


def function_words():
    """The one function-word list (src/clip/functionWords.ts), read from its source."""
    import re

    with open(FUNCTION_WORDS_TS) as f:
        text = f.read()
    return set(re.findall(r"'([a-z']+)'", text))


def load_wordpiece(model_dir):
    with open(os.path.join(model_dir, "tokenizer.json")) as f:
        vocab = json.load(f)["model"]["vocab"]
    return WordPiece(vocab)


def caption_word_positions(captions, token_mask, wordpiece, stop):
    """Per pair, [(position, token id)] of whole-word content tokens, where the Python tokenizer
    gives exactly the shard's token count (BOS … EOS); pairs that disagree are skipped."""
    out = []
    lengths = token_mask.sum(1).long().tolist()
    for caption, length in zip(captions, lengths):
        ids = wordpiece.encode(caption)
        if len(ids) != length:
            out.append([])
            continue
        pieces = [wordpiece.inv[i] for i in ids]
        words = []
        for p in range(1, length - 1):
            token = pieces[p]
            whole = not token.startswith("##") and not pieces[p + 1].startswith("##")
            if whole and token.isalpha() and len(token) > 1 and token not in stop:
                words.append((p, ids[p]))
        out.append(words)
    return out


def anchor_directions(data, captions, singles, n_words, wordpiece, ridge=1.0, min_pairs=8):
    """Word anchors for the V ≤ n_words most frequent content words of the fit captions:
    (token ids [V], per modality (decoder rows [V, d], encoder columns [d, V], encoder biases [V])).
    data: the normalised fit tensors of lucid_train.

    Decoder rows are what a word adds to the input: for text the mean hidden state of the word's
    tokens, for images the word's coefficient in a ridge regression of each single-emoji image's
    mean patch state on its caption's bag of words. Encoder columns are linear probes that read
    the word off one row: ridge regression of the word's indicator on the centred row — the token's
    own word for text, the caption's words for every patch of a single-emoji image (so the probe
    weighs directions by how little they vary between patches of other words)."""
    stop = function_words()
    n = len(captions)
    positions = caption_word_positions(captions, data["tokenMask"][:n], wordpiece, stop)
    counts = {}
    for words in positions:
        for token in {t for _, t in words}:
            counts[token] = counts.get(token, 0) + 1
    chosen = [t for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_pairs][:n_words]
    column = {t: j for j, t in enumerate(chosen)}
    v = len(chosen)
    f64 = torch.float64
    # Text: token rows and their word column.
    rows, cols = [], []
    single_rows, bags = [], []
    for i, words in enumerate(positions):
        bag = torch.zeros(v, dtype=f64)
        for p, token in words:
            j = column.get(token)
            if j is None:
                continue
            rows.append(data["tokens"][i, p])
            cols.append(j)
            bag[j] = 1
        if singles[i] and bag.sum() > 0:
            single_rows.append(i)
            bags.append(bag)
    x_t = torch.stack(rows).double()
    y_t = torch.zeros(len(cols), v, dtype=f64)
    y_t[torch.arange(len(cols)), torch.tensor(cols)] = 1
    text_dec = (y_t.t() @ x_t) / y_t.sum(0).clamp_min(1).unsqueeze(1)
    text_enc, text_bias = _probe(x_t.t() @ x_t, x_t.sum(0), y_t.t() @ x_t, y_t.sum(0), len(cols), ridge)

    # Images: single-emoji images, every patch labelled with its caption's bag of words.
    bag = torch.stack(bags)
    patches = data["patches"][single_rows].double()  # [n, Np, d]
    n_img, n_p, d = patches.shape
    pooled = patches.mean(1)
    image_dec = _ridge(bag - bag.mean(0), pooled - pooled.mean(0), ridge)
    flat = patches.reshape(-1, d)
    image_enc, image_bias = _probe(
        flat.t() @ flat, flat.sum(0), (bag.t() @ pooled) * n_p, bag.sum(0) * n_p, n_img * n_p, ridge
    )
    return chosen, {
        "image": (image_dec.float(), image_enc.float(), image_bias.float()),
        "text": (text_dec.float(), text_enc.float(), text_bias.float()),
    }


def word_targets(captions, token_mask, wordpiece, chosen):
    """What `lucid_train.py --word-weight` asks of the anchored latents, per fit pair: the bag of
    anchored words in its caption (uint8 [n, V]) and each token's anchored word or −1 (int16 [n, T]),
    by the same whole-token rule as the anchors themselves (caption_word_positions)."""
    positions = caption_word_positions(captions, token_mask[: len(captions)], wordpiece, function_words())
    column = {t: j for j, t in enumerate(chosen)}
    bag = torch.zeros(len(captions), len(chosen), dtype=torch.uint8)
    target = torch.full((len(captions), token_mask.shape[1]), -1, dtype=torch.int16)
    for i, words in enumerate(positions):
        for p, token in words:
            j = column.get(token)
            if j is not None:
                bag[i, j] = 1
                target[i, p] = j
    return bag, target


def _ridge(x, y, ridge):
    """argmin_B ‖x B − y‖² + ridge ‖B‖² for centred x [n, p], y [n, q]: B [p, q]."""
    gram = x.t() @ x + ridge * torch.eye(x.shape[1], dtype=x.dtype)
    return torch.linalg.solve(gram, x.t() @ y)


def _probe(xx, x_sum, yx, y_sum, n, ridge):
    """Linear probes y ≈ (x − x̄) W + ȳ from sufficient statistics: xx = Σ x xᵀ [d, d], x_sum = Σ x,
    yx = Σ y xᵀ [V, d], y_sum = Σ y, n rows. Returns W [d, V] and the intercept ȳ − x̄ W [V]."""
    x_mean, y_mean = x_sum / n, y_sum / n
    cov = xx / n - torch.outer(x_mean, x_mean)
    cross = yx / n - torch.outer(y_mean, x_mean)  # [V, d]
    scale = torch.trace(cov) / cov.shape[0]
    w = torch.linalg.solve(cov + ridge * 1e-2 * scale * torch.eye(cov.shape[0], dtype=cov.dtype), cross.t())
    return w, y_mean - x_mean @ w


@torch.no_grad()
def apply_anchors(model, anchors, samples, options):
    """Shared latents 0..V−1 start at the word anchors: unit decoder rows, the probes as encoder
    columns and their intercepts as biases, all divided by one number (the probes' mean norm, so
    that they stay calibrated against each other and sized like the unit random columns). Then
    each modality's encoder is scaled by the one factor that minimises the squared reconstruction
    error on `samples` (rows of normalised inputs per modality)."""
    import lucid_torch as L

    for modality, (dec, enc, intercept) in anchors.items():
        v = dec.shape[0]
        unit = dec / dec.norm(dim=1, keepdim=True).clamp_min(1e-12)
        norm = float(enc.norm(dim=0).mean())
        model.p(modality, "W_dec")[:v] = unit
        model.p(modality, "W_enc")[:, :v] = enc / norm
        # (x − b_pre) W + b = x W + intercept.
        model.p(modality, "b_enc")[:v] = (intercept + model.p(modality, "b_pre") @ enc) / norm
        x = samples[modality]
        _, _, z = L.encode(model, modality, x, options)
        x_hat = z @ model.p(modality, "W_dec")
        scale = float((x * x_hat).sum() / x_hat.square().sum().clamp_min(1e-12))
        model.p(modality, "W_enc").mul_(scale)
        model.p(modality, "b_enc").mul_(scale)


def load_captions(pairs_json, count):
    """Captions and single-object flags of the first `count` pairs of a make_pairs.py split."""
    with open(pairs_json) as f:
        pairs = json.load(f)["pairs"][:count]
    return [p["caption"] for p in pairs], [len(p["objects"]) == 1 for p in pairs]
