"""Activation shards read on demand (memory-mapped), so a fit set larger than memory trains.

The shards are src/pipeline/shards.ts's: safetensors files with patches [n, Np, dI], tokens [n, T, dT],
tokenMask [n, T], alignMask [n, T], listed in index.json. `ShardPairs.rows` gathers a batch's pairs
from the files; lucid_train.py normalises them per batch, which gives exactly (bit for bit) what its
in-memory path gives, because normalisation is elementwise and done in the same order, only on
fewer rows. The operating system's page cache decides what stays in memory.
"""

import json
import os
import struct
from collections import OrderedDict

import numpy as np
import torch

KEYS = ("patches", "tokens", "tokenMask", "alignMask")
# Each open shard holds one mapping (and one file descriptor) per tensor; a few hundred shards of
# a large set would run into the descriptor limit, so only the most recently used stay open.
OPEN_SHARDS_MAX = 64


def read_index(directory):
    path = os.path.join(directory, "index.json")
    try:
        with open(path) as f:
            index = json.load(f)
    except FileNotFoundError:
        raise SystemExit(f"{path}: missing (write shards with `lucid extract` or tools/lucid/extract.ts)")
    except json.JSONDecodeError as error:
        raise SystemExit(f"{path}: not valid JSON ({error})")
    if not index.get("shards"):
        raise SystemExit(f"{path}: lists no shards")
    return index


def map_safetensors(path, keys=KEYS):
    """Read-only memory maps of a safetensors file's F32 tensors {name: np.memmap}."""
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise SystemExit(f"{path}: not a safetensors file (shorter than its 8-byte header length)")
        (n,) = struct.unpack("<Q", head)
        try:
            header = json.loads(f.read(n).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise SystemExit(f"{path}: not a safetensors file (its header is not JSON)")
    size = os.path.getsize(path)
    out = {}
    for name in keys:
        entry = header.get(name)
        if entry is None:
            raise SystemExit(f"{path}: has no tensor {name}")
        if entry["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} has dtype {entry['dtype']}; only F32 is read")
        begin, end = entry["data_offsets"]
        if 8 + n + end > size:
            raise SystemExit(f"{path}: tensor {name} ends past the end of the file (truncated?)")
        out[name] = np.memmap(path, dtype="<f4", mode="r", offset=8 + n + begin, shape=tuple(entry["shape"]))
    return out


class ShardPairs:
    """The pairs of a shard directory as one indexable set [count], read from disk per batch.

    limit: as load_shards' --fit-limit, whole shards until at least `limit` pairs."""

    def __init__(self, directory, limit=None):
        self.directory = directory
        self.index = read_index(directory)
        shards = []
        total = 0
        for shard in self.index["shards"]:
            shards.append(shard)
            total += shard["count"]
            if limit and total >= limit:
                break
        self.files = [s["file"] for s in shards]
        self.starts = np.cumsum([0] + [s["count"] for s in shards])
        self.count = int(self.starts[-1])
        self._open = OrderedDict()

    def _shard(self, s):
        if s in self._open:
            self._open.move_to_end(s)
            return self._open[s]
        tensors = map_safetensors(os.path.join(self.directory, self.files[s]))
        expected = int(self.starts[s + 1] - self.starts[s])
        if tensors["patches"].shape[0] != expected:
            raise SystemExit(
                f"{os.path.join(self.directory, self.files[s])}: holds {tensors['patches'].shape[0]} pairs, "
                f"index.json says {expected}"
            )
        self._open[s] = tensors
        if len(self._open) > OPEN_SHARDS_MAX:
            self._open.popitem(last=False)
        return tensors

    def rows(self, idx):
        """Raw (unnormalised) pairs idx as tensors {key: [len(idx), …]}, in idx's order."""
        idx = np.asarray(idx, dtype=np.int64)
        shard_of = np.searchsorted(self.starts, idx, side="right") - 1
        out = {}
        for s in np.unique(shard_of):
            where = np.nonzero(shard_of == s)[0]
            local = idx[where] - self.starts[s]
            for key, array in self._shard(int(s)).items():
                if key not in out:
                    out[key] = np.empty((len(idx),) + array.shape[1:], dtype=np.float32)
                out[key][where] = array[local]
        return {key: torch.from_numpy(value) for key, value in out.items()}

    def first(self, n):
        """The first n pairs, raw: what norm statistics and data-initialisation read."""
        return self.rows(np.arange(min(n, self.count)))
