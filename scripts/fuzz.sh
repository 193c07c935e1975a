#!/bin/bash
# Runs the libFuzzer targets of the kit's loaders for a bounded time each.
#
#   scripts/fuzz.sh                 every target, 60 s each
#   scripts/fuzz.sh safetensors 180 one target for 3 minutes
#   scripts/fuzz.sh list            the target names
#
# Each target is a harness (Tests/Fuzz/harness/<target>.swift) compiled with
# `swiftc -sanitize=fuzzer,address` together with the kit's modules it needs (built once into
# .build/fuzz, rebuilt when their sources change), started from the committed seed corpus
# (Tests/Fuzz/corpus/<target>; new inputs go to .build/fuzz/work/<target>). A crash, trap,
# AddressSanitizer report, hang (> 10 s), allocation over 512 MB or contract violation
# (see Harness.swift) stops the run and writes the input to .build/fuzz/crashes/<target>/.
# Minimise one with: SWIFT_BACKTRACE=enable=no .build/fuzz/bin/<target> -minimize_crash=1 \
#     -max_total_time=60 -exact_artifact_path=<out> <crash file>
# (SWIFT_BACKTRACE=enable=no: Swift's own crash reporter would hang under AddressSanitizer.)
# Targets run one after another (the machine may be shared); the summary goes to
# .build/fuzz/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

CORE_TARGETS="safetensors metrics-csv jsonl"
CHAPTER_TARGETS="gpt-config tokenizer sft-data preference-data unpaired-preference supportdesk-sft supportdesk-preferences supportdesk-unpaired supportdesk-eval supportdesk-adversarial supportdesk-corpus gpt-checkpoint training-checkpoint lora-adapter"
which="${1:-all}"
seconds="${2:-60}"
if [ "$which" = list ]; then echo $CORE_TARGETS $CHAPTER_TARGETS | tr ' ' '\n'; exit 0; fi
if [ "$which" = all ]; then targets="$CORE_TARGETS $CHAPTER_TARGETS"; else targets="$which"; fi

B=.build/fuzz
mkdir -p "$B/modules" "$B/bin" "$B/work"
FLAGS=(-O -sanitize=fuzzer,address -swift-version 6 -parse-as-library -I "$B/modules"
       -I Sources/COpenBLAS -I Sources/CPNG)
for f in $(pkg-config --cflags openblas libpng); do FLAGS+=(-Xcc "$f"); done
LIBS=($(pkg-config --libs openblas libpng))

# build_module NAME SOURCE_DIR [DEPENDENCY...]: one object and one .swiftmodule, whole-module
# optimised; rebuilt when a source file or a dependency's object is newer than the object.
build_module() {
    local name=$1 dir=$2 obj="$B/modules/$1.o" dep stale=
    shift 2
    [ -f "$obj" ] || stale=1
    [ -n "$stale" ] || [ -z "$(find "$dir" -name '*.swift' -newer "$obj" | head -1)" ] || stale=1
    for dep in "$@"; do [ -n "$stale" ] || [ ! "$B/modules/$dep.o" -nt "$obj" ] || stale=1; done
    [ -n "$stale" ] || return 0
    echo "fuzz.sh: compiling $name with -sanitize=fuzzer,address" >&2
    swiftc "${FLAGS[@]}" -wmo -module-name "$name" -emit-module -emit-module-path "$B/modules/$name.swiftmodule" \
        -c -o "$obj" $(find "$dir" -name '*.swift' | sort)
}

build_target() {
    local t=$1 extra
    build_module Core Sources/Core
    build_module FuzzSupport Tests/FuzzSupport Core
    if [[ " $CORE_TARGETS " == *" $t "* ]]; then
        extra=(Tests/CoreTests/Fuzz/CoreFuzzTargets.swift "$B/modules/Core.o" "$B/modules/FuzzSupport.o")
    else
        build_module Plot Sources/Plot
        build_module SupportDesk Sources/SupportDesk Core
        build_module Autograd Chapters/01-Autograd Core Plot
        build_module Transformer Chapters/02-Transformer Core Plot SupportDesk Autograd
        build_module SFT Chapters/03-SFT Core Plot SupportDesk Autograd Transformer
        build_module LoRA Chapters/04-LoRA Core Plot SupportDesk Autograd Transformer SFT
        build_module RewardModel Chapters/06-RewardModel Core Plot SupportDesk Autograd Transformer SFT LoRA
        build_module DPO Chapters/08-DPO Core Plot SupportDesk Autograd Transformer SFT LoRA
        extra=(Tests/ChapterTests/Fuzz/ChapterFuzzTargets.swift "$B/modules/FuzzSupport.o"
               "$B/modules/Core.o" "$B/modules/Plot.o" "$B/modules/SupportDesk.o" "$B/modules/Autograd.o"
               "$B/modules/Transformer.o" "$B/modules/SFT.o" "$B/modules/LoRA.o" "$B/modules/RewardModel.o" "$B/modules/DPO.o")
    fi
    echo "fuzz.sh: linking $t" >&2
    swiftc "${FLAGS[@]}" -module-name FuzzHarness_${t//-/_} -o "$B/bin/$t" \
        Tests/Fuzz/harness/Harness.swift "Tests/Fuzz/harness/$t.swift" "${extra[@]}" "${LIBS[@]}" 2>&1 \
        | grep -v "warning: Cannot export local symbol" >&2 || true
    [ -x "$B/bin/$t" ]
}

: > "$B/summary.txt.new"
for t in $targets; do
    [ -f "Tests/Fuzz/harness/$t.swift" ] || { echo "fuzz.sh: unknown target '$t' (scripts/fuzz.sh list)" >&2; exit 2; }
    build_target "$t"
    mkdir -p "$B/work/$t" "$B/crashes/$t"
    log="$B/$t.log"
    before=$(find "$B/crashes/$t" -type f | wc -l)
    echo "fuzz.sh: running $t for $seconds s" >&2
    dict=()
    [ -f "Tests/Fuzz/dict/$t.dict" ] && dict=(-dict="Tests/Fuzz/dict/$t.dict")
    set +e
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$B/bin/$t" "$B/work/$t" "Tests/Fuzz/corpus/$t" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=65536 \
        -detect_leaks=0 -print_final_stats=1 "${dict[@]}" -artifact_prefix="$B/crashes/$t/" > "$log" 2>&1
    status=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "$seconds")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    crashes=$(( $(find "$B/crashes/$t" -type f | wc -l) - before ))
    line="$t: $runs executions in ${secs:-$seconds} s, coverage $cov edges, exit $status, $crashes new crash files"
    echo "$line" | tee -a "$B/summary.txt.new"
    if [ $status -ne 0 ]; then grep -m3 -E 'ERROR|Fatal error|==[0-9]+==' "$log" >&2 || true; fi
done
mv "$B/summary.txt.new" "$B/summary.txt"
