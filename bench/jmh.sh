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
/usr/bin/python3 - "$bench/results/jmh.json" "$bench/results/jmh.md" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
rows = []
for r in runs:
    name = r['benchmark'].rsplit('.', 2)[-2] + '.' + r['benchmark'].rsplit('.', 1)[-1]
    params = ', '.join(f'{k}={v}' for k, v in (r.get('params') or {}).items())
    pm = r['primaryMetric']
    sec = r.get('secondaryMetrics', {})
    norm = sec.get('gc.alloc.rate.norm', {}).get('score')
    rows.append((name, params, pm['score'], pm.get('scoreError'), pm['scoreUnit'], norm, r['forks'],
                 r['measurementIterations'], r['measurementTime']))
out = ['| benchmark | params | score | ± error (99.9 %) | unit | B/op (gc.alloc.rate.norm) |', '|---|---|---:|---:|---|---:|']
for n, p, s, e, u, norm, *_ in rows:
    err = '' if e is None or e != e else f'{e:.1f}'
    out.append(f'| {n} | {p} | {s:.1f} | {err} | {u} | {"—" if norm is None else f"{norm:.3g}"} |')
f, i, t = rows[0][6], rows[0][7], rows[0][8]
out.append('')
out.append(f'JMH 1.37, {f} fork, {i} measurement iterations of {t} after 3 warm-up iterations, `-prof gc`; '
           f'raw: `bench/results/jmh.json`, `bench/results/jmh-run.txt`.')
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
print('\n'.join(out))
PY
