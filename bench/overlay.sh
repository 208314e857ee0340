#!/bin/bash
# Overlay networks on three hosts: convergence latency (attach on host A -> host B holds the forwarding entries, and
# -> the first packet from B answered), p50/p99, for networks of N containers across the hosts; etcd round trips per
# attach; forwarding entries per netlink batch. Three "hosts" (namespaces pbovPID-h1..h3 on an underlay bridge in
# pbovPID-ul, 198.51.100.11-13/24, MTU 1500), a three-member etcd across them, one nlbridge daemon per host
# (--cluster-store, --cluster-advertise eth0), driven over their sockets by org.nlbridge.bench.overlay.Convergence.
#   bench/overlay.sh [--smoke] [N...]      default N = 1 100 1000 (cumulative: the network grows), 20 probes each
# Writes bench/results/overlay.md (--smoke: to a temporary file). Needs root, etcd and etcdctl (etcd-server,
# etcd-client), curl. Everything it makes (namespaces, processes, files) is its own and removed at the end.
set -euo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=${bench%/*}
probes=20
out=$bench/results/overlay.md
if [ "${1:-}" = "--smoke" ]; then shift; probes=3; out=$(mktemp --suffix=.md); set -- 1 12; fi
[ $# -gt 0 ] || set -- 1 100 1000
[ "$(id -u)" = 0 ] || { echo "overlay.sh: needs root (network namespaces)" >&2; exit 1; }
for c in etcd etcdctl curl; do command -v $c >/dev/null || { echo "overlay.sh: needs $c" >&2; exit 1; }; done
jdk=$("$repo/nlbridge" --print-java-home)
"$repo/nlbridge" --mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl bench -am package >/dev/null
"$repo/nlbridge" version >/dev/null   # builds the launcher's jar once, before three daemons start at the same time

p=pbov$$-   # our own prefix: never another run's namespaces
work=$(mktemp -d /dev/shm/pbov.XXXXXX 2>/dev/null || mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for f in /run/netns/"$p"*; do [ -e "$f" ] && ip netns del "${f##*/}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "${p}ul"; ip -n "${p}ul" link add br0 type bridge; ip -n "${p}ul" link set br0 up
wire() { # namespace, address
  ip netns add "$1"; ip -n "$1" link set lo up
  ip -n "${p}ul" link add "v-${1#$p}" type veth peer name eth0 netns "$1"
  ip -n "${p}ul" link set "v-${1#$p}" master br0 up
  ip -n "$1" addr add "$2/24" dev eth0; ip -n "$1" link set eth0 up
}
wire "${p}cl" 198.51.100.100
cluster=""; store=""
for i in 1 2 3; do
  wire "${p}h$i" 198.51.100.1$i
  cluster+="${cluster:+,}m$i=http://198.51.100.1$i:2380"; store+="${store:+,}198.51.100.1$i:2379"
done
for i in 1 2 3; do
  a=198.51.100.1$i
  ip netns exec "${p}h$i" etcd --name m$i --data-dir "$work/m$i" --listen-client-urls http://$a:2379 \
    --advertise-client-urls http://$a:2379 --listen-peer-urls http://$a:2380 --initial-advertise-peer-urls http://$a:2380 \
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token pbov --log-level warn \
    >"$work/m$i.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 300); do
  ip netns exec "${p}cl" etcdctl --endpoints="$store" endpoint health >/dev/null 2>&1 && break; sleep 0.2
done
for i in 1 2 3; do
  "$repo/nlbridge" --host-netns "${p}h$i" --state "$work/h$i" daemon -H "unix://$work/h$i.sock" \
    --cluster-store "etcd://$store" --cluster-advertise eth0 >"$work/h$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 600); do curl -s --unix-socket "$work/h$i.sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
done
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$bench/target/classes:$bench/target/lib/*" \
  org.nlbridge.bench.overlay.Convergence "$work" "$p" "$out" "$probes" "$@"
echo "overlay.sh: wrote $out" >&2
