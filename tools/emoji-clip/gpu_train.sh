#!/bin/bash
# Optional: train on a CUDA machine. Expects the prepared data at tools/emoji-clip/_gpu_build/data/
# (copy of /tmp/emoji-build/data). Writes the checkpoint + log to ${OUT:-/tmp/emoji-clip-gpu}.
# Usage: MINUTES=7 bash tools/emoji-clip/gpu_train.sh [more train.py options, e.g. --extra-style openmoji]
OUT=${OUT:-/tmp/emoji-clip-gpu}; MINUTES=${MINUTES:-7}
cd "$(dirname "$0")"
nvidia-smi -L || true
PY=""
for py in python3 /usr/bin/python3 python /opt/conda/bin/python; do
  if command -v $py >/dev/null 2>&1 && $py -c "import torch, numpy; assert torch.cuda.is_available(); print(torch.__version__)"; then PY=$py; break; fi
done
if [ -z "$PY" ]; then echo "no python with CUDA torch"; (pip list 2>/dev/null; ls /usr/local/lib/python3*/dist-packages 2>/dev/null) | grep -i -E "torch|numpy" ; exit 3; fi
mkdir -p "$OUT"
$PY train.py --build _gpu_build --device cuda --amp --batch 1024 --lr 2e-3 --minutes "$MINUTES" \
  --eval-every-min 1.5 --out "$OUT/ckpt" "$@" 2>&1 | tee "$OUT/train.log"
