"""train.py --extra-style: a style limited to some emoji (Synth styles_of) is never drawn for the others,
in singles or in scenes, while the limited emoji still get it. Synthetic images; no emoji data needed.
Run: /usr/bin/python3 tools/emoji-clip/test_styles.py (src/cli/extract.test.ts runs it)."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synth import Synth  # noqa: E402


def main():
    n = 40
    src = torch.rand(3, n, 4, 64, 64)
    meta = [{"label": f"thing {i}", "tags": ["tag"], "group": 0} for i in range(n)]
    limited = set(range(0, n, 2))  # emoji that may be drawn in style 2
    styles_of = [[0, 1, 2] if i in limited else [0, 1] for i in range(n)]
    syn = Synth(src, meta, 32, "cpu", seed=3, styles_of=styles_of)
    drawn = []
    syn.render = lambda layout, B, train=True: drawn.extend(o for objs in layout for o in objs)
    for _ in range(40):
        syn.sample(16)
    third = [i for st, i, *_ in drawn if st == 2]
    assert third, "style 2 was never drawn"
    assert all(i in limited for i in third), f"style 2 drawn for {sorted(set(third) - limited)}"
    assert any(st != 2 for st, i, *_ in drawn if i in limited), "limited emoji only ever drawn in style 2"
    print(f"ok: {len(drawn)} objects, {len(third)} in the limited style, all of the {len(limited)} allowed emoji")


if __name__ == "__main__":
    main()
