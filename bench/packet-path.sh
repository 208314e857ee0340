#!/bin/bash
# Per-packet cost of published ports: the time for a new TCP connection through the host to one container port, with
# N ports published as our map (one lookup) and as linear per-port rules (ours, nft's and iptables'), in the same run.
# The method is the harness's lib/packet_path.sh (same steps, its lib/connect_rate.py), with our engine added:
#   inside a fresh namespace: the ruleset of METHOD for N ports; a port-less bridge with the gateway address and a
#   permanent neighbour entry for the DNAT target (DNATed SYNs are dropped by the bridge: nothing leaves the
#   namespace); then K non-blocking connect()+close() from inside the namespace to the gateway at the LAST published
#   port (worst case for a linear chain) through the nat OUTPUT hook: each connect is a new conntrack entry, so one
#   full evaluation of the nat chain. 'none' = no rules, connecting straight to the target (same routed path).
#
#   bench/packet-path.sh ["N1 N2 ..."] ["METHODS"] [K]      default: "10 1000 10000", all methods below, K=2000
# Methods: none nlbridge-map nlbridge-rules nft-map nft-rules iptables-restore iptables-legacy-restore
# Writes bench/results/packet-path.tsv, bench/results/packet-path.md and bench/packet-path.png.
set -uo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
PEERS=${PEERS:-/work/shared/peers}
NS_LIST=${1:-"10 1000 10000"}
METHODS=${2:-"none nlbridge-map nlbridge-rules nft-map nft-rules iptables-restore iptables-legacy-restore"}
K=${3:-2000}
REPS=${REPS:-3}
[ "$(id -u)" = 0 ] || { echo "packet-path.sh: needs root" >&2; exit 1; }
# namespaces of our own prefix: never the harness's pb-* (a compare run may be going on)
export PB_NS_PREFIX=pbpp- PB_FW_NS=pbpp-fw PB_WORK_ROOT=/tmp/pbpp-work
# shellcheck disable=SC1091
. "$PEERS/lib/common.sh"
trap 'pb_cleanup_all; rm -rf "$PB_WORK_ROOT"' EXIT
"$bench/peers-engine" train >/dev/null || exit 1
out=$bench/results/packet-path.tsv
mkdir -p "$bench/results"
printf 'method\tN\trep\tus_per_new_flow\n' > "$out"
run_method() { # run_method METHOD: the ruleset for PB_N ports in PB_FW_NS
  case $1 in
    none) ;;
    nlbridge-map) "$bench/peers-engine" firewall ;;
    nlbridge-rules) PB_ENGINE_FW=rules "$bench/peers-engine" firewall ;;
    *) (cd "$PEERS" && "methods/$1" firewall) ;;
  esac
}
for rep in $(seq 1 "$REPS"); do
  for n in $NS_LIST; do
    for m in $METHODS; do
      pb_cleanup_all; pb_settle
      export PB_N=$n PB_WORKDIR=$PB_WORK_ROOT/pp; rm -rf "$PB_WORKDIR"; mkdir -p "$PB_WORKDIR"
      ip netns add "$PB_FW_NS"
      if ! run_method "$m" > "$PB_WORKDIR/method.log" 2>&1; then
        echo "packet-path.sh: $m N=$n failed:" >&2; cat "$PB_WORKDIR/method.log" >&2; continue
      fi
      ip -n "$PB_FW_NS" link set lo up
      ip_of_v target "$n"
      ip -n "$PB_FW_NS" link add "$PB_BRIDGE" type bridge
      ip -n "$PB_FW_NS" addr add "$PB_GATEWAY/$PB_PREFIXLEN" dev "$PB_BRIDGE"
      ip -n "$PB_FW_NS" link set "$PB_BRIDGE" up
      ip -n "$PB_FW_NS" neigh add "$target" lladdr 02:00:00:00:00:01 dev "$PB_BRIDGE" nud permanent
      if [ "$m" = none ]; then dst=$target port=$PB_CT_PORT; else dst=$PB_GATEWAY port=$((PB_PORT_BASE + n - 1)); fi
      us=$(ip netns exec "$PB_FW_NS" "$PB_PY" "$PEERS/lib/connect_rate.py" "$dst" "$port" "$K")
      printf '%s\t%s\t%s\t%s\n' "$m" "$n" "$rep" "$us" | tee -a "$out"
    done
  done
done
/usr/bin/python3 "$bench/packet_path_plot.py" "$out" "$bench/results/packet-path.md" "$bench/packet-path.png" "$K"
