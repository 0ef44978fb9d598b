#!/usr/bin/env bash
# Rebuilds the pretrained Emoji-CLIP dictionary, its baselines, their interpretations, the test atlas
# and docs/results.* — the exact sequence that produced the committed files (docs/dictionary.md).
# Needs the emoji data of tools/emoji-clip/README.md step 1 in /tmp/emoji-build, Node and Debian's
# python3-torch + libopenblas0-pthread. About 1 h 15 min on 2 CPU cores (extraction ~25 min, LUCID ~16 min).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-/tmp/lucid-data}
SHARDS=${SHARDS:-/tmp/lucid-shards}
RUNS=${RUNS:-/tmp/lucid-runs}
STEPS=${STEPS:-1000}
DICT=public/dictionaries/emoji-clip
PY=/usr/bin/python3

# 1. Emoji-level split (committed), then pairs: fit (Noto + Twemoji), validation and test (OpenMoji).
$PY tools/lucid-data/splits.py --build /tmp/emoji-build
$PY tools/lucid-data/make_pairs.py --build /tmp/emoji-build --out "$DATA" --splits validation --scenes 300
$PY tools/lucid-data/make_pairs.py --build /tmp/emoji-build --out "$DATA" --splits test --scenes 450
$PY tools/lucid-data/make_pairs.py --build /tmp/emoji-build --out "$DATA" --splits fit --fit 48000
npx tsx tools/lucid/atlas.ts "$DATA/test" eval/test
for split in validation fit; do npx tsx tools/lucid/extract.ts "$DATA/$split" "$SHARDS/$split" 1000; done

# 2. Training (PyTorch), the no-GCMT baseline and the untrained random control.
train=($PY -u tools/train/lucid_train.py --fit "$SHARDS/fit" --validation "$SHARDS/validation" --out "$RUNS" --pairs 32)
"${train[@]}" --name lucid --steps "$STEPS" --dustbin 0.9 --dead-after 50000 --resample-every 200 \
  --anchor-init "$DATA/fit.json"
"${train[@]}" --name shared-topk --steps "$STEPS" --no-gcmt --dustbin 0.9 --dead-after 50000 --resample-every 200
"${train[@]}" --name random --random-control --fit-limit 1000

install_dict() { # <run name> <folder>
  mkdir -p "$2"
  cp "$RUNS/$1.safetensors" "$2/lucid.safetensors"
  cp "$RUNS/$1.config.json" "$2/lucid.config.json"
}
install_dict lucid "$DICT"
install_dict shared-topk "$DICT/baselines/shared-topk"
install_dict random "$DICT/baselines/random"

# 3. Names from fit captions and fit images (evidence tiles and statistics from validation), never
# test; then the test-split evaluation. Rule and threshold chosen on validation (docs/dictionary.md).
interpret=(npx tsx tools/lucid/interpret.ts --pairs "$DATA/validation" --fit "$DATA/fit" \
  --label-rule evidence --fit-images 4000 --min-term-confidence 0.1)
"${interpret[@]}" --dict "$DICT"
"${interpret[@]}" --dict "$DICT/baselines/shared-topk" --no-reference-files
"${interpret[@]}" --dict "$DICT/baselines/random" --no-reference-files
npx lucid eval --split validation
npx lucid eval --write-docs
