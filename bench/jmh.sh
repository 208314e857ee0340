#!/bin/bash
# The JMH benchmarks with -prof gc, results to bench/results/ (jmh.json, jmh-*.txt, and jmh.md for RESULTS.md).
#   bench/jmh.sh                 all: CodecBenchmark, BatchBenchmark, RtnlBatchBenchmark, NftTransactionBenchmark
#   bench/jmh.sh Codec ...       a subset (JMH regular expressions); extra JMH options after --, e.g. -- -f 2
# RtnlBatchBenchmark and NftTransactionBenchmark need root (they work in scratch network namespaces of their own).
set -euo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=${bench%/*}
jdk=$("$repo/nlbridge" --print-java-home)
sel=(); extra=()
while [ $# -gt 0 ]; do
  if [ "$1" = -- ]; then shift; extra=("$@"); break; fi
  sel+=("$1"); shift
done
[ ${#sel[@]} -gt 0 ] || sel=(CodecBenchmark BatchBenchmark RtnlBatchBenchmark NftTransactionBenchmark)
"$repo/nlbridge" --mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl bench -am package >/dev/null
mkdir -p "$bench/results"
regex=$(IFS='|'; echo "${sel[*]}")
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$bench/target/classes:$bench/target/lib/*" \
  org.openjdk.jmh.Main "$regex" -prof gc -rf json -rff "$bench/results/jmh.json" "${extra[@]}" \
  | tee "$bench/results/jmh-run.txt"
/usr/bin/python3 "$bench/jmh_report.py" "$bench/results/jmh.json" "$bench/results/jmh.md"
