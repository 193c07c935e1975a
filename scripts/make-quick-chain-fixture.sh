#!/usr/bin/env bash
# Records the metrics of `course run all --preset quick` (seed 1) as the committed copy that
# Tests/CLITests/RunAllTests.swift compares every later quick chain with, bit for bit. Run it
# only when a change is meant to change what the chapters compute, and say so in the commit.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product course
runs=$(mktemp -d)
.build/debug/course run all --preset quick --runs "$runs" >/dev/null
out=Tests/CLITests/Fixtures/quick-chain
rm -rf "$out"
for f in autograd/metrics.csv transformer/metrics.csv sft/metrics.csv lora/lora-r16/metrics.csv \
         qlora/qlora-r16/metrics.csv qlora/qlora-r16/quantization.csv reward-model/metrics.csv \
         rlhf/ppo-rm/metrics.csv rlhf/grpo/metrics.csv dpo/sigmoid/metrics.csv evaluation/results.json; do
    mkdir -p "$out/$(dirname "$f")"
    cp "$runs/$f" "$out/$f"
done
rm -rf "$runs"
echo "wrote $out"
