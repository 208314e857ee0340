#!/bin/bash
# Name resolution under load: 10 container namespaces query the embedded DNS server (127.0.0.11 in each) in
# parallel, side by side with the host resolver path (the same client asking the upstream server directly from
# the host's namespace). Upstream: dnsmasq in a namespace of its own behind a veth, answering from its config.
#   bench/dns.sh [COUNT] [REPS]       COUNT queries per container (default 1000, so 10,000 a run), REPS rounds (3)
# Modes, interleaved in each round:
#   direct        10 clients in the host namespace -> dnsmasq (w<i>.example.test)       the host resolver path
#   ours-local    10 clients, one per container -> 127.0.0.11 (c<i>: answered from the network's table)
#   ours-forward  10 clients, one per container -> 127.0.0.11 -> dnsmasq from the host (w<i>.example.test)
# Clients send one query at a time (as a stub resolver does) and count an answer lost after 2 s.
# Writes bench/results/dns.tsv (every run) and bench/results/dns.md (medians). Needs root, dnsmasq and busybox.
set -euo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=${bench%/*}
COUNT=${1:-1000}
REPS=${2:-3}
N=10
[ "$(id -u)" = 0 ] || { echo "dns.sh: needs root (network namespaces)" >&2; exit 1; }
command -v dnsmasq >/dev/null || { echo "dns.sh: needs dnsmasq (apt-get install dnsmasq-base)" >&2; exit 1; }
jdk=$("$repo/nlbridge" --print-java-home)
"$repo/nlbridge" --mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl bench -am package >/dev/null
java=("$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$bench/target/classes:$bench/target/lib/*")

p=pbdns$$-   # our own prefix: never another run's namespaces
host=${p}host up=${p}up
ctrs=(); for i in $(seq 0 $((N - 1))); do ctrs+=("${p}c$i"); done
work=$(mktemp -d)
dnsmasq_pid="" server_pid=""
cleanup() {
  [ -n "$server_pid" ] && { exec 9>&- 2>/dev/null || true; kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  [ -n "$dnsmasq_pid" ] && { kill "$dnsmasq_pid" 2>/dev/null || true; wait "$dnsmasq_pid" 2>/dev/null || true; }
  for ns in "$host" "$up" "${ctrs[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

for ns in "$host" "$up" "${ctrs[@]}"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add h-up netns "$host" type veth peer name u-host netns "$up"
ip -n "$host" addr add 10.99.0.1/24 dev h-up; ip -n "$host" link set h-up up
ip -n "$up" addr add 10.99.0.2/24 dev u-host; ip -n "$up" link set u-host up

records=(); names_w=(); names_c=()
for i in $(seq 0 $((N - 1))); do
  records+=("--host-record=w$i.example.test,192.0.2.$((i + 1))")
  names_w+=("w$i.example.test"); names_c+=("c$i")
done
ip netns exec "$up" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --pid-file= \
  --listen-address=10.99.0.2 --bind-interfaces --user=root --local=/test/ "${records[@]}" 2>"$work/dnsmasq.log" &
dnsmasq_pid=$!

# the server: a process of its own, serving until its stdin closes
mkfifo "$work/in"
"${java[@]}" org.nlbridge.bench.dns.DnsServe "$host" 10.99.0.2 "${ctrs[@]}" <"$work/in" >"$work/server.out" 2>&1 &
server_pid=$!
exec 9>"$work/in"
for _ in $(seq 100); do grep -q '^ready' "$work/server.out" && break; sleep 0.1; done
grep '^ready' "$work/server.out" >&2 || { cat "$work/server.out" >&2; exit 1; }
for _ in $(seq 50); do
  ip netns exec "${ctrs[0]}" busybox nslookup -type=a w0.example.test 127.0.0.11 2>/dev/null | grep -q 192.0.2.1 && break
  sleep 0.1
done

join() { local IFS=,; echo "$*"; }
hosts=(); for _ in $(seq $N); do hosts+=("$host"); done
warm=$((COUNT / 3))
out=$bench/results/dns.tsv
mkdir -p "$bench/results"
printf 'mode\tqueries\tp50_us\tp90_us\tp99_us\tmax_us\tqps\tlost\twrong\n' > "$out"
for rep in $(seq "$REPS"); do
  "${java[@]}" org.nlbridge.bench.dns.DnsLoad direct 10.99.0.2 "$COUNT" "$warm" "$(join "${names_w[@]}")" "${hosts[@]}" | tee -a "$out"
  "${java[@]}" org.nlbridge.bench.dns.DnsLoad ours-local 127.0.0.11 "$COUNT" "$warm" "$(join "${names_c[@]}")" "${ctrs[@]}" | tee -a "$out"
  "${java[@]}" org.nlbridge.bench.dns.DnsLoad ours-forward 127.0.0.11 "$COUNT" "$warm" "$(join "${names_w[@]}")" "${ctrs[@]}" | tee -a "$out"
done
exec 9>&-
wait "$server_pid" || true
server_pid=""
stats=$(grep '^DnsStats' "$work/server.out" || true)

machine="$(nproc) CPUs, $(uname -r), $(systemd-detect-virt 2>/dev/null || echo unknown), load average at the end $(cut -d" " -f1-3 /proc/loadavg) (a machine shared with other work: p99 and max are noisy)"
/usr/bin/python3 - "$out" "$bench/results/dns.md" "$COUNT" "$REPS" "$N" "$machine" "$stats" <<'EOF'
import csv, statistics, sys
src, dst, count, reps, n, machine, stats = sys.argv[1:]
rows = list(csv.DictReader(open(src), delimiter='\t'))
modes = ['direct', 'ours-local', 'ours-forward']
med = {m: {k: statistics.median(float(r[k]) for r in rows if r['mode'] == m)
           for k in ('p50_us', 'p90_us', 'p99_us', 'max_us', 'qps')} for m in modes}
tot = {m: (sum(int(r['queries']) for r in rows if r['mode'] == m), sum(int(r['lost']) for r in rows if r['mode'] == m),
           sum(int(r['wrong']) for r in rows if r['mode'] == m)) for m in modes}
d = med['direct']
with open(dst, 'w') as f:
    f.write(f"### DNS under load ({n} container namespaces in parallel, {count} queries each, {reps} rounds; medians)\n\n")
    f.write(f"Machine: {machine}. Upstream: dnsmasq 2.90 in its own namespace behind a veth. One query in flight per client.\n\n")
    f.write("| path | p50 µs | p90 µs | p99 µs | max µs | queries/s | p50 vs direct | p99 vs direct | queries | lost | wrong |\n")
    f.write("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    names = {'direct': 'host → upstream directly (the host resolver path)',
             'ours-local': 'container → 127.0.0.11, answered from the table',
             'ours-forward': 'container → 127.0.0.11 → upstream from the host'}
    for m in modes:
        x = med[m]
        f.write(f"| {names[m]} | {x['p50_us']:.0f} | {x['p90_us']:.0f} | {x['p99_us']:.0f} | {x['max_us']:.0f} | "
                f"{x['qps']:.0f} | {x['p50_us'] / d['p50_us']:.2f} | {x['p99_us'] / d['p99_us']:.2f} | "
                f"{tot[m][0]} | {tot[m][1]} | {tot[m][2]} |\n")
    f.write(f"\nServer counters after the run: `{stats}`\n")
print(open(dst).read())
EOF
