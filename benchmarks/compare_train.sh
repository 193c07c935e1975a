#!/usr/bin/env bash
# Side by side: this kit against PyTorch (Hugging Face GPT2LMHeadModel) on the same shapes and
# thread count, ours and PyTorch's back to back in one run, repeated RUNS times (default 3) with
# the machine's load average printed before each round (numbers taken under load > ~1.5 per 2
# cores are not comparable). Per round:
#   - training: one line per preset, tokens per second and the ratio ours/PyTorch (above 1 = we
#     are faster), full step = forward, backward, clip, AdamW;
#   - generation: one line for GEN_PRESET (default small), 32-token prompt, 256 new tokens,
#     greedy, with the KV cache (PyTorch: `generate` with its cache), and the cache's speed-up.
#   benchmarks/compare_train.sh [presets] [python]     e.g. benchmarks/compare_train.sh tiny,small,gpt2
# Needs a Python with torch and transformers (pip install torch transformers); the kit does not.
set -euo pipefail
cd "$(dirname "$0")/.."
presets="${1:-tiny,small,gpt2}"
python="${2:-python3}"
threads="${THREADS:-2}"
runs="${RUNS:-3}"
gen="${GEN_PRESET:-small}"
swift build -c release --product course >/dev/null
course() { COURSE_THREADS=$threads OPENBLAS_NUM_THREADS=$threads .build/release/course "$@"; }
ratio() {  # ours-json pytorch-json key label
  "$python" - "$1" "$2" "$3" "$4" <<'PY'
import json, sys
a, b, key, label = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
extra = f"  cache speed-up ours {a['speedup']}x" if "speedup" in a else ""
print(f"{label:9s} {a['preset']:6s} ours {a[key]:8.0f} tok/s  pytorch {b[key]:8.0f} tok/s  ratio {a[key] / b[key]:.2f}x{extra}")
PY
}
for r in $(seq 1 "$runs"); do
  echo "round $r/$runs  load:$(uptime | sed 's/.*load average://')  threads $threads"
  for p in ${presets//,/ }; do
    ours=$(course bench train --preset "$p" --json | tail -1)
    theirs=$("$python" benchmarks/pytorch_train.py --preset "$p" --threads "$threads" 2>/dev/null | tail -1)
    ratio "$ours" "$theirs" tokens_per_s train
  done
  ours=$(course bench generate --preset "$gen" --json | tail -1)
  theirs=$("$python" benchmarks/pytorch_generate.py --preset "$gen" --threads "$threads" 2>/dev/null | tail -1)
  ratio "$ours" "$theirs" tokens_per_s_cached generate
done
