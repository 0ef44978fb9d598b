"""Minimal WordPiece tokenizer that writes/reads the Hugging Face tokenizers
JSON format (BertNormalizer lowercase+strip accents, BertPreTokenizer,
WordPiece with ## continuation, TemplateProcessing [BOS] $A [EOS]).
The Python encoder mirrors what transformers.js does with tokenizer.json."""
import json
import unicodedata

PAD, UNK, BOS, EOS = "[PAD]", "[UNK]", "[BOS]", "[EOS]"
SPECIALS = [PAD, UNK, BOS, EOS]


def _is_punct(ch):
    cp = ord(ch)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126):
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def normalize(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        cat = unicodedata.category(ch)
        if ch in "\t\n\r" or cat == "Zs":
            out.append(" ")
            continue
        if cat in ("Cc", "Cf"):
            continue
        if _is_cjk(cp):
            out.append(" " + ch + " ")
            continue
        out.append(ch)
    s = "".join(out)
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.lower()


def pre_tokenize(text):
    words, cur = [], []
    for ch in text:
        if ch.isspace():
            if cur:
                words.append("".join(cur)); cur = []
        elif _is_punct(ch):
            if cur:
                words.append("".join(cur)); cur = []
            words.append(ch)
        else:
            cur.append(ch)
    if cur:
        words.append("".join(cur))
    return words


class WordPiece:
    def __init__(self, vocab):
        self.vocab = vocab  # token -> id
        self.inv = {i: t for t, i in vocab.items()}
        self.pad_id, self.unk_id = vocab[PAD], vocab[UNK]
        self.bos_id, self.eos_id = vocab[BOS], vocab[EOS]

    def word_ids(self, word):
        if len(word) > 100:
            return [self.unk_id]
        ids, start = [], 0
        while start < len(word):
            end, cur = len(word), None
            while start < end:
                sub = word[start:end]
                if start > 0:
                    sub = "##" + sub
                if sub in self.vocab:
                    cur = self.vocab[sub]
                    break
                end -= 1
            if cur is None:
                return [self.unk_id]
            ids.append(cur)
            start = end
        return ids

    def encode(self, text, add_special=True):
        ids = []
        for w in pre_tokenize(normalize(text)):
            ids.extend(self.word_ids(w))
        if add_special:
            ids = [self.bos_id] + ids + [self.eos_id]
        return ids

    def to_json(self, model_max_length):
        added = [dict(id=self.vocab[t], content=t, single_word=False, lstrip=False, rstrip=False,
                      normalized=False, special=True) for t in SPECIALS]
        post = {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": EOS, "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": EOS, "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": EOS, "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [self.vocab[t]], "tokens": [t]} for t in (BOS, EOS)},
        }
        tok = {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                           "strip_accents": True, "lowercase": True},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": post,
            "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
            "model": {"type": "WordPiece", "unk_token": UNK, "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": self.vocab},
        }
        cfg = {
            "tokenizer_class": "PreTrainedTokenizer",
            "model_max_length": model_max_length,
            "bos_token": BOS, "eos_token": EOS, "pad_token": PAD, "unk_token": UNK,
            "padding_side": "right",
            "do_lower_case": True,
            "clean_up_tokenization_spaces": True,
            "model_input_names": ["input_ids", "attention_mask"],
        }
        return tok, cfg


def build_vocab(texts_counts, min_count=2, always=()):
    """texts_counts: dict word->count (normalised words). Returns token->id."""
    chars = set()
    for w in list(texts_counts) + list(always):
        chars.update(w)
    chars.update("abcdefghijklmnopqrstuvwxyz0123456789")
    toks = list(SPECIALS)
    for c in sorted(chars):
        toks.append(c)
    for c in sorted(chars):
        if not _is_punct(c):
            toks.append("##" + c)
    words = set(always) | {w for w, n in texts_counts.items() if n >= min_count}
    for w in sorted(words):
        if w not in toks and len(w) > 1:
            toks.append(w)
    seen, vocab = set(), {}
    for t in toks:
        if t not in seen:
            seen.add(t); vocab[t] = len(vocab)
    return vocab
