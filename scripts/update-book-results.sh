#!/usr/bin/env bash
# Copies recorded results and figures from a runs folder into the book: the tables the book
# includes with @results(...) and the figures it shows. Run it after the `course run` commands
# the book names (default preset, seed 1), then look at the pages with `course book --out site`.
# The tables of chapters 4 to 8 are rendered first by `course results RUNS` (into a scratch
# folder: the runs folder is only read), from the files the runs recorded.
#   scripts/update-book-results.sh [RUNS]        (default: runs)
# The Japanese chain's report and costs come from RUNS-ja (`course run all --lang ja --runs runs-ja`),
# or from $RUNS_JA.
#   COURSE=path/to/course scripts/update-book-results.sh RUNS   (default: the release build, else the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-runs}
course=${COURSE:-}
if [ -z "$course" ]; then
    if [ -x .build/release/course ]; then course=.build/release/course
    else swift build --product course >/dev/null; course=.build/debug/course; fi
fi
tables=$(mktemp -d)
trap 'rm -rf "$tables"' EXIT
"$course" results "$runs" --out "$tables" || echo "course results rendered nothing: the tables of chapters 4 to 8 stay as they are" >&2
copy() {   # copy SOURCE-in-runs DESTINATION-in-book, if the run exists
    if [ -f "$runs/$1" ]; then mkdir -p "book/$(dirname "$2")"; cp "$runs/$1" "book/$2"; echo "book/$2 <- $runs/$1"; fi
}
table() {  # copy a table `course results` rendered (SOURCE-in-runs) to DESTINATION-in-book, if the stage finished
    if [ -f "$tables/$1" ]; then mkdir -p "book/$(dirname "$2")"; cp "$tables/$1" "book/$2"; echo "book/$2 <- course results $runs ($1)"; fi
}
copy copying-study/results.md       results/copying-study.md
copy copying-study/copying.png      figures/03-copying-study.png
copy sft/slots.png                  figures/03-sft-slots.png
copy sft/slot-attention.png         figures/03-sft-slot-attention.png
copy transformer/results.md         results/transformer.md
copy transformer/loss.png           figures/transformer-loss.png
copy transformer/attention.png      figures/transformer-attention.png
copy sft/results.md                 results/sft.md
copy sft/loss.png                   figures/03-sft-loss.png
copy sft/grader.png                 figures/03-sft-grader.png
copy evaluation/results.md          results/evaluation.md
copy evaluation/scores.png          figures/09-evaluation-scores.png
copy evaluation/winrate.png         figures/09-evaluation-winrate.png
copy rlhf/overoptimisation/overoptimisation.png figures/07-rlhf-overoptimisation.png
copy dpo/compare/scores.png         figures/08-dpo-scores.png
copy dpo/controls/results.md        results/dpo-controls.md
copy dpo/controls/slots.png         figures/08-dpo-slots.png
copy dpo/controls-variants/results.md results/dpo-variants.md
copy seeds/results.md               results/seeds.md
copy seeds/judges.md                results/seeds-judges.md
copy seeds/flaws.md                 results/seeds-flaws.md
table lora/results.md                    results/lora.md
table qlora/results.md                   results/qlora.md
table qlora/results-quantization.md      results/qlora-quantization.md
table qlora/results-memory.md            results/qlora-memory.md
table reward-model/results.md            results/reward-model.md
for f in flaws accuracy rewards calibration length-bias; do copy reward-model/$f.png figures/06-reward-model-$f.png; done
table reward-model/results-training.md   results/reward-model-training.md
table rlhf/results.md                    results/rlhf.md
table rlhf/results-heldout.md            results/rlhf-heldout.md
table rlhf/results-diagnostics.md        results/rlhf-diagnostics.md
table rlhf/results-overoptimisation.md   results/rlhf-overoptimisation.md
table dpo/results.md                     results/dpo.md
table dpo/results-flaws.md               results/dpo-flaws.md
table dpo/results-pairs.md               results/dpo-pairs.md
table dpo/results-flaw-study.md          results/dpo-flaw-study.md
copy cost.md                        results/cost.md
copy rlhf/ppo-rm/rewards.png        figures/07-rlhf-ppo-rewards.png
copy rlhf/ppo-rm/kl.png             figures/07-rlhf-ppo-kl.png
copy rlhf/ppo-rm/diagnostics.png    figures/07-rlhf-ppo-diagnostics.png
copy rlhf/grpo/rewards.png          figures/07-rlhf-grpo-rewards.png
copy dpo/sigmoid/rewards.png        figures/08-dpo-rewards.png
ja=${RUNS_JA:-$runs-ja}
if [ -f "$ja/evaluation/results.md" ]; then
    cp "$ja/evaluation/results.md" book/results/evaluation-ja.md; echo "book/results/evaluation-ja.md <- $ja/evaluation/results.md"
    cp "$ja/cost.md" book/results/cost-ja.md; echo "book/results/cost-ja.md <- $ja/cost.md"
fi
