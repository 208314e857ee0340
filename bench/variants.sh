#!/bin/bash
# Ablations of our engine, measured by the harness's own lib/bench_one.sh (same namespaces, timing, verification),
# variants interleaved A B C A B C: what each choice in bench/peers-engine is worth.
#   bench/variants.sh SCENARIO N REPS LABEL=VAR=VALUE[,VAR=VALUE...] ...
#   e.g. bench/variants.sh attach 500 3 default= docker=PB_ENGINE_ORDER=docker vethspec=PB_ENGINE_HOST=rtnl
# Prints a markdown table of medians (wall, and the main PB_PHASE values); rows go to $PB_RESULTS/variants-*.tsv.
set -uo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
PEERS=${PEERS:-/work/shared/peers}
scen=${1:?usage: variants.sh SCENARIO N REPS LABEL=ENV...}; n=${2:?N}; reps=${3:?REPS}; shift 3
export PB_RESULTS=${PB_RESULTS:-/tmp/pb-results/variants}
mkdir -p "$PB_RESULTS"
out=$PB_RESULTS/variants-$scen-N$n-$(date +%H%M%S).tsv
"$bench/peers-engine" train >/dev/null || exit 1
for ((r = 1; r <= reps; r++)); do
  for v in "$@"; do
    label=${v%%=*}; envs=${v#*=}
    # shellcheck disable=SC2086
    (cd "$PEERS" && lib/bench_one.sh "$scen" "$label" "$n" "$r" env ${envs//,/ } "$bench/peers-engine") >> "$out"
  done
done
/usr/bin/python3 - "$out" "$scen" "$n" "$@" <<'PY'
import statistics, sys
path, scen, n, variants = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
rows = {}
for line in open(path):
    f = line.rstrip('\n').split('\t')
    if len(f) < 16 or f[0] != scen:
        continue
    ph = dict(kv.split('=') for kv in f[15].split(',')) if f[15] not in ('-', '') else {}
    ph['wall'] = f[7]
    rows.setdefault(f[1], []).append((f[4] == '0' and f[5] == 'OK', ph))
keys = ['wall', 'jvm_start', 'init', 'engine_open', 'netlink', 'netlink_sys', 'netlink_blocked', 'host_batch',
        'container_batches', 'host_up', 'close', 'commit']
labels = [v.split('=', 1)[0] for v in variants]
present = [k for k in keys if any(k in p for l in labels for _, p in rows.get(l, []))]
print(f'{scen} N={n}: medians in seconds (runs verified / runs)\n')
print('| variant | settings | ok | ' + ' | '.join(present) + ' |')
print('|---|---|---|' + '---:|' * len(present))
for v in variants:
    l, e = v.split('=', 1)
    rs = rows.get(l, [])
    good = [p for ok, p in rs if ok]
    cells = []
    for k in present:
        vals = [float(p[k]) for p in good if k in p]
        cells.append(f'{statistics.median(vals):.3f}' if vals else '—')
    print(f'| {l} | `{e or "(defaults)"}` | {len(good)}/{len(rs)} | ' + ' | '.join(cells) + ' |')
PY
