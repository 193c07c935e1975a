#!/usr/bin/env bash
# The kit's main job: installs the two system libraries if they are missing, builds the
# release binary and runs the whole chain on the built-in data (`course run all`).
set -euo pipefail
cd "$(dirname "$0")"
need=()
pkg-config --exists openblas 2>/dev/null || need+=(libopenblas-dev)
pkg-config --exists libpng 2>/dev/null || need+=(libpng-dev)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(uname)" = "Darwin" ]; then
    echo "Installing ${need[*]} with Homebrew (openblas libpng)"; brew install openblas libpng pkg-config
  else
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing ${need[*]} (apt-get)"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}"
  fi
fi
swift build -c release --product course
exec .build/release/course run all "$@"
