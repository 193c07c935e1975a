#!/usr/bin/env bash
# Side by side: this kit's training step against PyTorch (Hugging Face GPT2LMHeadModel) on the
# same shapes and thread count, in one run. Prints one line per preset with the ratio
# ours/PyTorch of tokens per second (above 1 = we are faster).
#   benchmarks/compare_train.sh [presets] [python]      e.g. benchmarks/compare_train.sh tiny,small
# Needs a Python with torch and transformers (pip install torch transformers); the kit does not.
set -euo pipefail
cd "$(dirname "$0")/.."
presets="${1:-tiny,small}"
python="${2:-python3}"
threads="${THREADS:-2}"
swift build -c release --product course >/dev/null
for p in ${presets//,/ }; do
  ours=$(OPENBLAS_NUM_THREADS=$threads .build/release/course bench train --preset "$p" --json | tail -1)
  theirs=$("$python" benchmarks/pytorch_train.py --preset "$p" --threads "$threads" 2>/dev/null | tail -1)
  "$python" - "$ours" "$theirs" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{a['preset']:6s} ours {a['tokens_per_s']:8.0f} tok/s  pytorch {b['tokens_per_s']:8.0f} tok/s  ratio {a['tokens_per_s'] / b['tokens_per_s']:.2f}x  ({a['threads']} threads)")
PY
done
