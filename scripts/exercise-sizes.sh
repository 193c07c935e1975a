#!/usr/bin/env bash
# Exercise sizes: non-blank, non-comment, non-import lines of each reference solution.
cd "${1:-.}"
for d in solutions/*/; do
  for f in $d*.swift; do
    n=$(grep -v '^\s*$' "$f" | grep -v '^\s*//' | grep -v '^import' | wc -l); echo "$(basename $d) $n"
  done
done | awk '{c[$1]++; s[$1]+=$2; t+=$2; n++; if ($2>=20) big++} END {for (k in c) printf "%s %d exercises, mean %.1f\n", k, c[k], s[k]/c[k]; printf "all %d exercises, mean %.1f, %d at 20 lines or more\n", n, t/n, big}' | sort
