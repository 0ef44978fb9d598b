"""Caption templates for single emoji and composed scenes."""
import random

TEMPLATE_WORDS = ["a", "an", "the", "and", "of", "emoji", "icon", "picture", "photo", "with", "on", "left",
                  "right", "top", "bottom", "next", "to", "above", "below", "two", "three", "four", "some",
                  "symbol", "sticker", "drawing", "cartoon", "image", "scene", "group", "together", "it"]


def art(label):
    l = label.lower()
    if l.startswith(("flag:", "keycap:")):
        return "a " + label
    return ("an " if l[:1] in "aeiou" else "a ") + label


SINGLE = [
    lambda L: art(L),
    lambda L: L,
    lambda L: "an emoji of " + art(L),
    lambda L: "a picture of " + art(L),
    lambda L: L + " emoji",
    lambda L: "an icon of " + art(L),
    lambda L: "a cartoon " + L,
]

EVAL_TEMPLATE = lambda L: art(L)  # noqa: E731


def single_caption(e, rng=random):
    L, tags = e["label"], e["tags"]
    r = rng.random()
    if r < 0.7 or not tags:
        return rng.choice(SINGLE)(L)
    if r < 0.9:
        k = min(len(tags), rng.randint(1, 3))
        return art(L) + ", " + ", ".join(rng.sample(tags, k))
    k = min(len(tags), rng.randint(2, 4))
    return ", ".join(rng.sample(tags, k))


def join_phrases(ps):
    if len(ps) == 1:
        return ps[0]
    return ", ".join(ps[:-1]) + " and " + ps[-1]


def scene_caption(items, rng=random):
    """items: list of (emoji_meta, box x0,y0,x1,y1). Returns caption string."""
    if len(items) == 2 and rng.random() < 0.3:
        (a, ba), (b, bb) = items
        ca = ((ba[0] + ba[2]) / 2, (ba[1] + ba[3]) / 2)
        cb = ((bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2)
        dx, dy = cb[0] - ca[0], cb[1] - ca[1]
        if abs(dx) >= abs(dy):
            l, r = (a, b) if dx > 0 else (b, a)
            return art(l["label"]) + " on the left and " + art(r["label"]) + " on the right"
        t, btm = (a, b) if dy > 0 else (b, a)
        return art(t["label"]) + " above " + art(btm["label"])
    order = list(items)
    if rng.random() < 0.5:
        order.sort(key=lambda it: (it[1][0] + it[1][2]))  # left to right
    else:
        rng.shuffle(order)
    return join_phrases([art(it[0]["label"]) for it in order])
