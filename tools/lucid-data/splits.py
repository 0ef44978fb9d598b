"""The emoji-level split of the LUCID data: fit / validation / test, disjoint sets of emoji.

Each emoji goes to a split by a seeded hash of its hexcode (SHA-256 of "<seed>:<hexcode>"), so the
split does not depend on the order or the number of emoji: 70 % fit, 15 % validation, 15 % test.
`emoji-splits.json` (committed) records it; the TypeScript side (src/eval/splits.ts) reads that file
and tests that no name, evidence tile or vocabulary entry comes from the test emoji.
Usage: /usr/bin/python3 tools/lucid-data/splits.py --build /tmp/emoji-build   # rewrites emoji-splits.json
"""
import argparse, hashlib, json, os, re

SEED = "lucid-splits-2026-12"
SHARES = (("fit", 0.70), ("validation", 0.15), ("test", 0.15))
HERE = os.path.dirname(os.path.abspath(__file__))
SPLITS_FILE = os.path.join(HERE, "emoji-splits.json")


def split_of_hexcode(hexcode):
    u = int(hashlib.sha256(f"{SEED}:{hexcode}".encode()).hexdigest()[:12], 16) / float(1 << 48)
    at = 0.0
    for name, share in SHARES:
        at += share
        if u < at:
            return name
    return SHARES[-1][0]


def load_splits(meta):
    """Split name of every emoji of meta (index-aligned), from emoji-splits.json; checks it is current."""
    with open(SPLITS_FILE) as f:
        table = json.load(f)
    by_hex = {h: name for name, hexes in table["splits"].items() for h in hexes}
    out = []
    for e in meta:
        name = by_hex.get(e["hexcode"])
        if name is None:
            raise SystemExit(f"emoji {e['hexcode']} is not in {SPLITS_FILE}; rerun splits.py")
        out.append(name)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="/tmp/emoji-build")
    args = ap.parse_args()
    with open(os.path.join(args.build, "data", "meta.json")) as f:
        meta = json.load(f)["emoji"]
    splits = {name: [] for name, _ in SHARES}
    for e in meta:
        splits[split_of_hexcode(e["hexcode"])].append(e["hexcode"])
    with open(SPLITS_FILE, "w") as f:
        json.dump({"seed": SEED, "shares": dict(SHARES), "splits": splits}, f, indent=0)
    # The fit emoji's label and tag words: the only caption words the vocabulary may take
    # (src/eval/splits.test.ts checks that no latent is named with a word only test emoji have).
    words = sorted({w for e in meta if split_of_hexcode(e["hexcode"]) == "fit"
                    for t in [e["label"], *e["tags"]] for w in re.findall(r"[a-z][a-z'-]*", t.lower())})
    with open(os.path.join(HERE, "fit-words.json"), "w") as f:
        json.dump(words, f, indent=0)
    print({name: len(v) for name, v in splits.items()}, len(words), "fit words")


if __name__ == "__main__":
    main()
