#!/bin/bash
# Per-entry cost of the overlay's forwarding entries (FDB MAC->VTEP + ARP IP->MAC per remote container) against
# iproute2's bridge -batch / ip -batch, in a scratch namespace of its own (ovb-PID, deleted at the end).
#   bench/overlay-entries.sh [REPS] [N...]     default: 5 repetitions, N = 100 1000 10000
# Writes bench/results/overlay-entries.md (and .tsv with the raw rows). Needs root.
set -euo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=${bench%/*}
jdk=$("$repo/nlbridge" --print-java-home)
reps=${1:-5}; shift || true
"$repo/nlbridge" --mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl bench -am package >/dev/null
mkdir -p "$bench/results"
exec "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$bench/target/classes:$bench/target/lib/*" \
  org.nlbridge.bench.overlay.EntriesSweep "$bench/results/overlay-entries.md" "$reps" "$@"
