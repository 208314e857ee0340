#!/bin/bash
# Per-frame cost of anti-spoofing: the time to send a UDP datagram from a container through its bridge port (the
# bridge family's prerouting hook, where the check runs) to the host, with N containers' checks installed: nlbridge's
# layout (one verdict-map lookup, then the port's own chain) against the classic per-port rule list (three rules per
# port, the real port last), and no rules at all. The rulesets come from the engine's own layout code
# (SpoofPathRules, rendered with Transaction.toScript(); the firewall goldens prove nft loads them to the same bytes).
#   bench/spoof-path.sh ["N1 N2 ..."] [K]   default: "10 1000 10000", K=200000 datagrams per run (the rule list,
#                                           slow by nature, gets K*100/N of them, at least 2000)
#   bench/spoof-path.sh --report            only rewrite the .md from the .tsv
# Writes bench/results/spoof-path.tsv and bench/results/spoof-path.md.
set -uo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
NS_LIST=${1:-"10 1000 10000"}
K=${2:-200000}
REPS=${REPS:-3}
out=$bench/results/spoof-path.tsv
if [ "${1:-}" != --report ]; then
[ "$(id -u)" = 0 ] || { echo "spoof-path.sh: needs root" >&2; exit 1; }
"$bench/peers-engine" train >/dev/null || exit 1 # builds bench/target when needed
jdk=$("$bench/../nlbridge" --print-java-home)
cp=$bench/target/nlbridge-bench-0.1.0-SNAPSHOT.jar:$(ls "$bench"/target/lib/*.jar | tr '\n' ':')
host=sppp-host ctr=sppp-ctr
cleanup() { ip netns del $host 2>/dev/null; ip netns del $ctr 2>/dev/null; }
trap cleanup EXIT
mkdir -p "$bench/results"
printf 'method\tN\trep\tus_per_frame\n' > "$out"
send='import socket,sys,time
k=int(sys.argv[1]);s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);d=("172.18.0.1",9);b=b"x"*64
for i in range(2000): s.sendto(b,d)
t=time.perf_counter()
for i in range(k): s.sendto(b,d)
print("%.3f"%((time.perf_counter()-t)*1e6/k))'
for rep in $(seq 1 "$REPS"); do
  for n in $NS_LIST; do
    for m in none map rules; do
      cleanup
      ip netns add $host; ip netns add $ctr
      mac=$(printf '02:42:ac:12:%02x:%02x' $(( (n + 1) / 256 % 256 )) $(( (n + 1) % 256 )))
      ip -n $host link set lo up
      ip -n $host link add nlb0 type bridge
      ip -n $host addr add 172.18.0.1/16 dev nlb0
      ip -n $host link set nlb0 up
      ip -n $host link add vreal type veth peer name eth0 netns $ctr address "$mac"
      ip -n $host link set vreal master nlb0 up
      ip -n $ctr link set lo up
      ip -n $ctr addr add "172.18.$(( (n + 1) / 256 % 256 )).$(( (n + 1) % 256 ))/16" dev eth0
      ip -n $ctr link set eth0 up
      ip netns exec $host sysctl -qw net.ipv4.icmp_ratelimit=1000000000
      if [ $m != none ]; then
        "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.nlbridge.bench.spoof.SpoofPathRules "$n" $m vreal \
          | ip netns exec $host nft -f - || { echo "spoof-path.sh: $m N=$n failed to load" >&2; continue; }
      fi
      k=$K; [ $m = rules ] && k=$(( K * 100 / n > 2000 ? K * 100 / n : 2000 )); [ $k -gt "$K" ] && k=$K # a list is slow
      us=$(ip netns exec $ctr python3 -c "$send" "$k")
      printf '%s\t%s\t%s\t%s\n' $m "$n" "$rep" "$us" | tee -a "$out"
    done
  done
done
fi
/usr/bin/python3 - "$out" "$bench/results/spoof-path.md" "$K" <<'PY'
import sys, statistics, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
by = collections.defaultdict(list)
for m, n, rep, us in rows: by[(m, int(n))].append(float(us))
ns = sorted({n for _, n in by})
names = {"none": "no rules (same path, baseline)", "map": "nlbridge: verdict map + the port's chain",
         "rules": "per-port rule list (3 rules per port)"}
with open(sys.argv[2], "w") as f:
    f.write("µs per UDP datagram sent from a container through its bridge port to the host (median of %d runs of %s"
            " datagrams; the rule list K*100/N), and the cost over no rules:\n\n" % (max(len(v) for v in by.values()), sys.argv[3]))
    f.write("| method | " + " | ".join("N=%d" % n for n in ns) + " |\n|---|" + "---:|" * len(ns) + "\n")
    for m in ("none", "map", "rules"):
        cells = []
        for n in ns:
            med = statistics.median(by[(m, n)]); base = statistics.median(by[("none", n)])
            cells.append("%.2f" % med if m == "none" else "%.2f (%+.2f)" % (med, med - base))
        f.write("| %s | %s |\n" % (names[m], " | ".join(cells)))
print(open(sys.argv[2]).read())
PY
