#!/usr/bin/env bash
# Copies the files `course results` reads from a quick chain (`course run all --preset quick`,
# seed 1) into Tests/CLITests/Fixtures/quick-results, the runs folder ResultsCommandTests renders.
# Only recorded files are kept: no models, no plots.
#   scripts/make-results-fixture.sh [RUNS]    (default: a fresh quick chain in a scratch folder)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-}
if [ -z "$runs" ]; then
    swift build --product course
    runs=$(mktemp -d)
    trap 'rm -rf "$runs"' EXIT
    .build/debug/course run all --preset quick --runs "$runs" >/dev/null
fi
out=Tests/CLITests/Fixtures/quick-results
rm -rf "$out"
for f in lora/{done.json,config.json,results.json} \
         qlora/{done.json,config.json,results.json,memory_at_scale.json} qlora/qlora-r16/quantization.csv \
         reward-model/{done.json,config.json,evaluation.json,evaluation-test.json,metrics.csv} \
         rlhf/{ppo-rm,grpo}/{done.json,config.json,summary.json,metrics.csv} \
         dpo/sigmoid/{done.json,config.json,report.json,metrics.csv}; do
    mkdir -p "$out/$(dirname "$f")"
    cp "$runs/$f" "$out/$f"
done
echo "wrote $out"
