#!/usr/bin/env bash
# Copies recorded results and figures from a runs folder into the book: the tables the book
# includes with @results(...) and the figures it shows. Run it after the `course run` commands
# the book names (default preset, seed 1), then look at the pages with `course book --out site`.
#   scripts/update-book-results.sh [RUNS]        (default: runs)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-runs}
copy() {   # copy SOURCE-in-runs DESTINATION-in-book, if the run exists
    if [ -f "$runs/$1" ]; then mkdir -p "book/$(dirname "$2")"; cp "$runs/$1" "book/$2"; echo "book/$2 <- $runs/$1"; fi
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
copy seeds/results.md               results/seeds.md
copy seeds/judges.md                results/seeds-judges.md
copy seeds/flaws.md                 results/seeds-flaws.md
copy reward-model/results.md        results/reward-model.md
copy cost.md                        results/cost.md
