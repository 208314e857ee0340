#!/bin/bash
# The CNI plugin's latency side by side with the reference chains a user would otherwise configure: ADD and DEL of our
# plugin (through the nlbridge daemon) against bridge+host-local+portmap and bridge+host-local (Debian's
# containernetworking-plugins), each invoked the same way by bench/cni_bench.py (a process per plugin, env + stdin),
# 100 containers one after the other and 50 at once, methods interleaved in every round. Plus the breakdown of ours:
# the plugin process alone (VERSION, answered without the daemon), the daemon's /v1/cni called directly over its
# socket, and the daemon's own Server-Timing (queue, engine work).
#   bench/cni.sh [REPS]          REPS rounds (default 3) -> bench/results/cni.tsv (every row), bench/results/cni.md
#   bench/cni.sh --smoke         one round, N=3 and 2, every method once: checks it all works (run-tests)
# Environment: N_SEQ=100, N_PAR=50, DAEMON_FLAGS (default none: the daemon's defaults; beyond its 16 requests per
# client, N_PAR complete requests of one user at once wait for the engine).
# Needs root; works in namespaces of its own (pbcni<pid>-*).
set -euo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=${bench%/*}
smoke=0
REPS=3
for a in "$@"; do
  case $a in
    --smoke) smoke=1; REPS=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) REPS=$a ;;
  esac
done
N_SEQ=${N_SEQ:-100}
N_PAR=${N_PAR:-50}
DAEMON_FLAGS=${DAEMON_FLAGS-}
[ $smoke = 1 ] && { N_SEQ=3; N_PAR=2; }
[ "$(id -u)" = 0 ] || { echo "cni.sh: needs root (network namespaces)" >&2; exit 1; }
[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/portmap ] && [ -x /usr/lib/cni/host-local ] \
  || { echo "cni.sh: needs the reference plugins (apt-get install containernetworking-plugins)" >&2; exit 1; }
log() { printf '%s cni.sh: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

jdk=$("$repo/nlbridge" --print-java-home)
"$repo/nlbridge" --mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl dsl -am package >/dev/null
nlb=("$jdk/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$repo/dsl/target/nlbridge.jar")

p=pbcni$$-
host=${p}host
work=$(mktemp -d /tmp/nlbridge-cni-bench.XXXXXX)
daemon_pid=""
cleanup() {
  local rc=$?
  [ $rc = 0 ] || [ ! -s "$work/daemon.log" ] || { echo "cni.sh: the daemon's log:" >&2; tail -40 "$work/daemon.log" >&2; }
  [ -n "$daemon_pid" ] && { kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; }
  for ns in $(ip netns list | awk '{print $1}' | grep "^$p" || true); do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$host"
ip -n "$host" link set lo up
"${nlb[@]}" cni install "$work/bin" >&2
"${nlb[@]}" --host-netns "$host" --state "$work/state" daemon -H "unix://$work/nlbridge.sock" $DAEMON_FLAGS >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 300); do [ -S "$work/nlbridge.sock" ] && break; sleep 0.1; done
[ -S "$work/nlbridge.sock" ] || { cat "$work/daemon.log" >&2; exit 1; }

out=$bench/results/cni.tsv
[ $smoke = 1 ] && out=$bench/target/cni-smoke.tsv
mkdir -p "$(dirname "$out")"
printf 'method\tmode\tn\trep\top\ti\tms\tqueue_ms\tengine_ms\tdaemon_ms\n' > "$out"

one() { # one METHOD MODE N REP: fresh container namespaces, the run, the namespaces gone
  local method=$1 mode=$2 n=$3 rep=$4 subnet gw bridge
  case $method in
    nlbridge*|version) subnet=10.201.0.0/16 gw=10.201.0.1 bridge=nlbb0 ;;
    *) subnet=10.202.0.0/16 gw=10.202.0.1 bridge=cnibb0 ;;
  esac
  { for i in $(seq 1 "$n"); do echo "netns add ${p}c$i"; done; } | ip -batch -
  CNI_BENCH_PREFIX=${p}c CNI_BENCH_WORK=$work CNI_BENCH_BIN=$work/bin CNI_BENCH_SUBNET=$subnet CNI_BENCH_GATEWAY=$gw \
    CNI_BENCH_BRIDGE=$bridge CNI_BENCH_PORT_BASE=$([ "$mode" = seq ] && echo 20000 || echo 30000) \
    ip netns exec "$host" /usr/bin/python3 "$bench/cni_bench.py" "$method" "$mode" "$n" "$rep" >> "$out"
  { for i in $(seq 1 "$n"); do echo "netns del ${p}c$i"; done; } | ip -batch -
}

methods="nlbridge-port bridge-portmap nlbridge bridge version nlbridge-http"
for rep in $(seq "$REPS"); do
  for method in $methods; do
    log "round $rep: $method, $N_SEQ one after the other"
    one "$method" seq "$N_SEQ" "$rep"
    log "round $rep: $method, $N_PAR at once"
    one "$method" par "$N_PAR" "$rep"
  done
done
# nothing of ours left: the daemon's status lists no container, no veth on its bridge
left=$(ip -n "$host" -o link show master nlbb0 2>/dev/null | wc -l)
[ "$left" = 0 ] || { log "FAILED: $left veths left on nlbb0"; exit 1; }

machine="$(nproc) CPUs, $(uname -r), load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (a machine shared with other work)"
jver=$("$jdk/bin/java" -version 2>&1 | sed -n 2p)
cniver=$(dpkg-query -W -f='${Version}' containernetworking-plugins 2>/dev/null || echo '?')
[ $smoke = 1 ] && { log "smoke: all methods ran ($(($(wc -l < "$out") - 1)) rows)"; exit 0; }
/usr/bin/python3 "$bench/cni_report.py" "$out" "$bench/results/cni.md" "$REPS" "$N_SEQ" "$N_PAR" "$machine" "$jver" "$cniver" "$DAEMON_FLAGS"
cat "$bench/results/cni.md"
