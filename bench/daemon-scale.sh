#!/bin/bash
# The daemon as it holds more containers: its memory (RSS) and what one more container costs, at 0, 10, 100, 500 and
# 1,000 containers (issue 14: RSS at 0/100/1,000; one more container at 500 at most 2x what it costs at 10, at 1,000
# at most 3x). One `nlbridge daemon` through the README's launcher, on a namespace that plays the host; each level is
# reached by one POST /v1/apply of the whole desired state (network 'bridge', N containers, each with a namespace of
# its own and one published port), then, after it settles:
#   rss_kb, hwm_kb     VmRSS and VmHWM of the daemon's JVM (/proc/PID/status)
#   live_kb            the Java heap in use after a full collection (jcmd GC.run, then GC.heap_info): what the
#                      live objects keep (the rest of the RSS is the JVM itself, code, metaspace, the heap's slack)
#   add_s, del_s       REPS x: POST /v1/containers (one more container with a published port), DELETE it: medians
#   status_s           REPS x GET /v1/status: median
#   cpu_ms             the daemon's CPU time (user + system, all its threads, /proc/PID/stat) per round of the three
#                      requests above, averaged over the REPS rounds: a count that the machine's load moves less than
#                      wall time
# Wall times are curl's time_total (connect, request, the engine's work, the reply).
#
#   bench/daemon-scale.sh                 LEVELS="0 10 100 500 1000" REPS=7 -> results/daemon-scale.{tsv,md}
#   bench/daemon-scale.sh --smoke         LEVELS="0 3" REPS=1, nothing written under results/ (CI)
# Environment: LEVELS, REPS, OUT_DIR (default bench/results), PROFILE_AT=N: a JDK Flight Recording of the daemon
# during the requests at N containers -> results/daemon-scale-N.jfr.txt (samples per method of ours, inclusive, by
# bench/jfr_inclusive.py); KEEP_WORK=1 keeps the temporary directory (the recording, the daemon's log)
#
# Safety: everything happens in namespaces named pbds-PID-* (the host, every container's), with state under a
# temporary directory; the daemon is stopped by its PID and every namespace of this run deleted on exit.
set -euo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=${bench%/*}
smoke=0
[[ ${1:-} == --smoke ]] && smoke=1
[ "$(id -u)" = 0 ] || { echo "daemon-scale.sh: needs root (network namespaces)" >&2; exit 1; }
LEVELS=${LEVELS:-"0 10 100 500 1000"} REPS=${REPS:-7}
[ $smoke = 1 ] && LEVELS="0 3" REPS=1
OUT_DIR=${OUT_DIR:-$bench/results}
log() { printf '%s daemon-scale.sh: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

tag=pbds-$$
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null)$(git -C "$repo" diff --quiet HEAD -- bindings nl-engine dsl 2>/dev/null || echo +)
work=$(mktemp -d /tmp/pbds.XXXXXX)
daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true; fi
  ip netns list 2>/dev/null | awk -v p="$tag-" 'index($1, p) == 1 {print "netns del " $1}' | ip -force -batch - 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/host-ns.sh
. "$bench/host-ns.sh"
host_ns "$tag-host"

nlb=$repo/nlbridge
"$nlb" version >/dev/null # build and start-up caches, untimed
sock=$work/d/nlbridge.sock
mkdir -m 0700 "$work/d"
"$nlb" daemon -H "unix://$sock" --host-netns "$tag-host" --state "$work/state" > "$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 600); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { log "the daemon did not start"; cat "$work/daemon.log" >&2; exit 1; }
jdk=$("$nlb" --print-java-home)

req() { # req METHOD PATH [BODY-FILE] -> prints time_total; fails on a status other than 2xx
  local code t
  read -r code t < <(curl -sS -o "$work/reply" -w '%{http_code} %{time_total}\n' --unix-socket "$sock" -X "$1" \
    ${3:+-H 'Content-Type: application/json' --data-binary @"$3"} "http://nlbridge$2")
  [[ $code == 2* ]] || { log "$1 $2: HTTP $code: $(head -c 400 "$work/reply")"; return 1; }
  echo "$t"
}
desired() { # desired N -> the whole desired state with N containers
  python3 - "$1" "$tag" <<'EOF'
import json, sys
n, tag = int(sys.argv[1]), sys.argv[2]
print(json.dumps({"networks": [{"name": "bridge", "bridge": "docker0", "bip": "172.17.0.1/16"}],
                  "containers": [{"name": f"c{i}", "netns": f"{tag}-c{i}", "publish": [f"{10000 + i}:80"]}
                                 for i in range(1, n + 1)]}))
EOF
}
status_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$daemon_pid/status"; }
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

printf '{"name": "probe", "netns": "%s-probe", "publish": ["20000:80"]}\n' "$tag" > "$work/probe.json"
tsv=$work/daemon-scale.tsv
printf 'containers\trss_kb\thwm_kb\tlive_kb\tadd_s\tdel_s\tstatus_s\tapply_s\treps\tcpu_ms\n' > "$tsv"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$daemon_pid/stat"; } # utime + stime, in clock ticks
for n in $LEVELS; do
  desired "$n" > "$work/desired.json"
  apply_s=$(req POST /v1/apply "$work/desired.json")
  log "$n containers: applied in $apply_s s"
  sleep 2
  rss=$(status_kb VmRSS) hwm=$(status_kb VmHWM)
  adds=() dels=() stats=()
  [ "${PROFILE_AT:-}" = "$n" ] && "$jdk/bin/jcmd" "$daemon_pid" JFR.start name=scale settings=profile 'jdk.ExecutionSample#period=2ms' >/dev/null
  ticks0=$(cpu_ticks)
  for ((r = 0; r < REPS; r++)); do
    adds+=("$(req POST /v1/containers "$work/probe.json")")
    dels+=("$(req DELETE /v1/containers/probe)")
    stats+=("$(req GET /v1/status)")
  done
  cpu_ms=$(awk -v a="$ticks0" -v b="$(cpu_ticks)" -v hz="$(getconf CLK_TCK)" -v n="$REPS" 'BEGIN {printf "%.1f", (b - a) * 1000 / hz / n}')
  if [ "${PROFILE_AT:-}" = "$n" ]; then
    "$jdk/bin/jcmd" "$daemon_pid" JFR.stop name=scale filename="$work/scale.jfr" >/dev/null
    "$jdk/bin/jfr" print --json --stack-depth 96 --events jdk.ExecutionSample,jdk.NativeMethodSample "$work/scale.jfr" \
      | python3 "$bench/jfr_inclusive.py" "the $REPS x POST, DELETE, GET /v1/status at $n containers" > "$work/profile.txt"

  fi
  live=-
  if "$jdk/bin/jcmd" "$daemon_pid" GC.run >/dev/null 2>&1; then
    live=$("$jdk/bin/jcmd" "$daemon_pid" GC.heap_info | awk '/^ *(DefNew|Tenured) .* used [0-9]+K/ {
      for (i = 1; i <= NF; i++) if ($i == "used") {sub(/K,?$/, "", $(i + 1)); s += $(i + 1)}} END {print s + 0}')
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$rss" "$hwm" "$live" \
    "$(printf '%s\n' "${adds[@]}" | median)" "$(printf '%s\n' "${dels[@]}" | median)" \
    "$(printf '%s\n' "${stats[@]}" | median)" "$apply_s" "$REPS" "$cpu_ms" >> "$tsv"
  log "$n containers: $(tail -1 "$tsv")"
done
column -t "$tsv" >&2
[ $smoke = 1 ] && exit 0

mkdir -p "$OUT_DIR"
cp "$tsv" "$OUT_DIR/daemon-scale.tsv"
[ -n "${PROFILE_AT:-}" ] && [ -f "$work/profile.txt" ] && cp "$work/profile.txt" "$OUT_DIR/daemon-scale-$PROFILE_AT.jfr.txt"
python3 - "$tsv" "$OUT_DIR/daemon-scale.md" "$REPS" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  "$commit" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'EOF'
import csv, os, sys
tsv, out, reps, date, commit, load = sys.argv[1:]
rows = list(csv.DictReader(open(tsv), delimiter='\t'))
f = lambda v, d=3: '—' if v in ('-', '') else f'{float(v):.{d}f}'
mib = lambda v: '—' if v in ('-', '') else f'{int(v) / 1024:.0f} MiB'
w = []
w.append(f'`bench/daemon-scale.sh` on {date} ({commit}; load average {load} at the end): one daemon through '
         '`./nlbridge`, each level reached by one `POST /v1/apply` (network `bridge`, N containers with a namespace '
         f'and a published port each); medians of {reps} requests, wall seconds (curl\'s `time_total`).\n')
w.append('| containers | RSS | peak RSS | live heap after a full GC | one more container (POST) | its removal (DELETE) | '
         '`GET /v1/status` | the apply that got there | daemon CPU per POST + DELETE + status |')
w.append('|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for r in rows:
    w.append(f"| {r['containers']} | {mib(r['rss_kb'])} | {mib(r['hwm_kb'])} | {mib(r['live_kb'])} | "
             f"{f(r['add_s'])} s | {f(r['del_s'])} s | {f(r['status_s'])} s | {f(r['apply_s'], 2)} s | "
             f"{r.get('cpu_ms') or '—'} ms |")
base = next((r for r in rows if r['containers'] == '10'), None)
if base:
    w.append('\n**One more container at N / at 10** (issue 14: at most 2 at 500, at most 3 at 1,000):\n')
    w.append('| containers | POST | DELETE | status |')
    w.append('|---:|---:|---:|---:|')
    for r in rows:
        if int(r['containers']) > 10:
            w.append(f"| {r['containers']} | {float(r['add_s']) / float(base['add_s']):.2f} | "
                     f"{float(r['del_s']) / float(base['del_s']):.2f} | {float(r['status_s']) / float(base['status_s']):.2f} |")
prof = os.environ.get('PROFILE_AT')
if prof:
    w.append(f'\nWhere a request\'s time goes at {prof} containers (JDK Flight Recorder, samples per method of ours, '
      f'inclusive): [`results/daemon-scale-{prof}.jfr.txt`](results/daemon-scale-{prof}.jfr.txt).')
open(out, 'w').write('\n'.join(w) + '\n')
print(f'wrote {out}')
EOF
