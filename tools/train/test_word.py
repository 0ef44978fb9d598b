#!/usr/bin/python3
"""Checks the word supervision of lucid_train.py --word-weight (lucid_torch.word_loss,
anchors.word_targets). Run: /usr/bin/python3 tools/train/test_word.py (a second). Exits non-zero
on a failure.

- the image term is a softmax over the anchored latents of each latent's largest patch value, so
  raising the caption word's value on one patch lowers it, and raising it on a patch that is not
  the largest changes nothing;
- with columns, each anchored latent also separates its images from the batch's other images;
- a latent below zero on every row still gets a gradient (linear values, not ReLU outputs);
- the text term asks each word token for its own word; tokens marked −1 do not count;
- word_targets marks the bag and each token's word by the anchors' whole-token rule.
"""

import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import anchors as A  # noqa: E402
import lucid_torch as L  # noqa: E402


def check(condition, message):
    if not condition:
        print("FAILED:", message)
        sys.exit(1)


def main():
    pairs, np_, length, v, m = 2, 3, 4, 5, 8
    torch.manual_seed(0)
    lin_i = torch.randn(pairs * np_, m)
    lin_t = torch.randn(pairs * length, m)
    bag = torch.zeros(pairs, v)
    bag[0, 2] = 1
    bag[1, 4] = 1
    target = torch.full((pairs, length), -1, dtype=torch.int16)
    target[0, 1] = 2
    target[1, 2] = 4
    words = (bag, target)
    base = float(L.word_loss(lin_i, lin_t, words, pairs, np_, length, 0.1))

    # Raising pair 0's word on its strongest patch lowers the loss.
    raised = lin_i.clone()
    p = int(raised[:np_, 2].argmax())
    raised[p, 2] += 1.0
    check(float(L.word_loss(raised, lin_t, words, pairs, np_, length, 0.1)) < base, "image term: raising the word")
    # Raising it on a weaker patch (still below the strongest) changes nothing: the pooling is a max.
    weak = lin_i.clone()
    q = int(weak[:np_, 2].argmin())
    weak[q, 2] = weak[:np_, 2].max() - 1e-3
    check(abs(float(L.word_loss(weak, lin_t, words, pairs, np_, length, 0.1)) - base) < 1e-6, "image term: max pooling")
    # Latents beyond the V anchored ones are not part of the term.
    other = lin_i.clone()
    other[:, v:] += 5
    check(abs(float(L.word_loss(other, lin_t, words, pairs, np_, length, 0.1)) - base) < 1e-6, "private latents out")

    # With columns, raising word 2's latent on pair 1 (whose caption lacks it) raises the loss: the
    # latent must separate its images from the others; without columns the change is smaller.
    cols = float(L.word_loss(lin_i, lin_t, words, pairs, np_, length, 0.1, columns=True))
    wrong = lin_i.clone()
    wrong[np_:, 2] += 2.0
    up_cols = float(L.word_loss(wrong, lin_t, words, pairs, np_, length, 0.1, columns=True)) - cols
    up_rows = float(L.word_loss(wrong, lin_t, words, pairs, np_, length, 0.1)) - base
    check(up_cols > 0 and up_cols > up_rows, f"columns: {up_cols} vs rows only {up_rows}")

    # A latent below zero everywhere still gets a gradient.
    dead = lin_i.clone()
    dead[:, 2] = -1.0
    dead.requires_grad_(True)
    L.word_loss(dead, lin_t, words, pairs, np_, length, 0.1).backward()
    check(float(dead.grad[:np_, 2].abs().sum()) > 0, "gradient below zero")

    # Text: a word token's own word raised lowers the loss; an unmarked token's does not change it.
    text = lin_t.clone()
    text[1, 2] += 1.0
    check(float(L.word_loss(lin_i, text, words, pairs, np_, length, 0.1)) < base, "text term: own word")
    text = lin_t.clone()
    text[0, :] += 3.0
    check(abs(float(L.word_loss(lin_i, text, words, pairs, np_, length, 0.1)) - base) < 1e-6, "text term: −1 tokens out")

    # word_targets: whole-token content words only, by the anchors' rule.
    vocab = {"[BOS]": 0, "[EOS]": 1, "a": 2, "dog": 3, "face": 4, "cat": 5, "##s": 6, "emoji": 7}

    class Piece:
        inv = {i: t for t, i in vocab.items()}

        def encode(self, caption):
            return [0] + [vocab[t] for t in caption.split()] + [1]

    captions = ["a dog face", "cat ##s emoji"]
    mask = torch.zeros(2, 6)
    mask[0, :5] = 1
    mask[1, :5] = 1
    bag, target = A.word_targets(captions, mask, Piece(), [3, 4, 5])
    check(bag.tolist() == [[1, 1, 0], [0, 0, 0]], f"bag {bag.tolist()}")
    check(target[0].tolist() == [-1, -1, 0, 1, -1, -1], f"targets {target[0].tolist()}")
    check(int((target[1] >= 0).sum()) == 0, "a word split into pieces is not a whole token")
    print("all passed")


if __name__ == "__main__":
    main()
