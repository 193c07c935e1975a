#!/bin/sh
# Regenerates the Plot module's golden images (Tests/PlotTests/Golden/*.png) after a deliberate
# change to how charts are drawn. Look at every changed image before committing it.
set -e
cd "$(dirname "$0")/.."
PLOT_UPDATE_GOLDENS=1 swift test --filter GoldenTests
git status --short Tests/PlotTests/Golden
