#!/usr/bin/env bash
# Regenerates the book's figures from real runs: builds the release binary, runs each chapter
# that has figures (default preset, seed 1) into a scratch runs folder, and copies its PNG
# plots into book/figures/ as <chapter>-<plot>.png. Commit the PNGs it changes.
#
#   scripts/update-book-figures.sh            # all chapters with figures
#   scripts/update-book-figures.sh autograd   # just one
set -euo pipefail
cd "$(dirname "$0")/.."

chapters=("$@")
[ ${#chapters[@]} -eq 0 ] && chapters=(autograd)

swift build -c release --product course
runs="$(mktemp -d)"
trap 'rm -rf "$runs"' EXIT
mkdir -p book/figures
for chapter in "${chapters[@]}"; do
  echo "== course run $chapter"
  .build/release/course run "$chapter" --runs "$runs" --seed 1
  shopt -s nullglob
  pngs=("$runs/$chapter"/*.png)
  if [ ${#pngs[@]} -eq 0 ]; then
    echo "error: course run $chapter wrote no PNG files into $runs/$chapter" >&2
    exit 1
  fi
  for png in "${pngs[@]}"; do
    name="$(basename "$png" .png | tr '_' '-')"
    cp "$png" "book/figures/$chapter-$name.png"
    echo "book/figures/$chapter-$name.png ($(wc -c < "$png") bytes)"
  done
done
