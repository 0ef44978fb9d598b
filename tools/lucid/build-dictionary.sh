#!/usr/bin/env bash
# Rebuilds the pretrained Emoji-CLIP dictionary, its two baselines, their interpretations and
# docs/results.* — the exact sequence that produced the committed files (see docs/dictionary.md).
# Needs the emoji data of tools/emoji-clip/README.md step 1 in /tmp/emoji-build (npm + Debian's python3-torch).
# Takes about an hour on 2 CPU cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-/tmp/lucid-data}
SHARDS=${SHARDS:-/tmp/lucid-shards}
RUNS=${RUNS:-/tmp/lucid-final}
STEPS=${STEPS:-1500}
DICT=public/dictionaries/emoji-clip

/usr/bin/python3 tools/lucid-data/make_pairs.py --build /tmp/emoji-build --out "$DATA" --train 12000 --heldout 1500
npx tsx tools/lucid/extract.ts "$DATA/heldout" "$SHARDS/heldout" 500
npx tsx tools/lucid/extract.ts "$DATA/train" "$SHARDS/train" 1000

common=(--train "$SHARDS/train" --heldout "$SHARDS/heldout" --out "$RUNS" --k 16 --steps "$STEPS")
npx tsx tools/lucid/pretrain.ts "${common[@]}" --name lucid --shared 512 --image-private 128 --text-private 128 --aux-weight 0.5
npx tsx tools/lucid/pretrain.ts "${common[@]}" --name shared-topk --shared 512 --image-private 128 --text-private 128 --no-gcmt
npx tsx tools/lucid/pretrain.ts "${common[@]}" --name per-modality --shared 0 --image-private 640 --text-private 640 --no-gcmt

install_dict() { # <run name> <folder>
  mkdir -p "$2"
  cp "$RUNS/$1.safetensors" "$2/lucid.safetensors"
  cp "$RUNS/$1.config.json" "$2/lucid.config.json"
}
install_dict lucid "$DICT"
install_dict shared-topk "$DICT/baselines/shared-topk"
install_dict per-modality "$DICT/baselines/per-modality"
npx tsx tools/lucid/matchBaseline.ts --dict "$DICT/baselines/per-modality" --train "$SHARDS/train"

npx tsx tools/lucid/interpret.ts --dict "$DICT" --pairs "$DATA/heldout"
npx tsx tools/lucid/interpret.ts --dict "$DICT/baselines/shared-topk" --pairs "$DATA/heldout" --no-reference-files
npx tsx tools/lucid/interpret.ts --dict "$DICT/baselines/per-modality" --pairs "$DATA/heldout" --no-reference-files
npx lucid eval --write-docs
