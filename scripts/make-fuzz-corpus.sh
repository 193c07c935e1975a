#!/bin/sh
# Regenerates the fuzzers' seed corpus (Tests/Fuzz/corpus/<target>/seed-N): small valid files
# written by the kit's own writers (see Tests/ChapterTests/Fuzz/FuzzCorpusWriter.swift), and
# the libFuzzer dictionaries (Tests/Fuzz/dict/<target>.dict) from the targets' format tokens.
set -e
cd "$(dirname "$0")/.."
FUZZ_WRITE_CORPUS=1 swift test --filter "FuzzCorpusWriter/write|FuzzTests/writeDictionaries"
git status --short Tests/Fuzz/corpus Tests/Fuzz/dict
