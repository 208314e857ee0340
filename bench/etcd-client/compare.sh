#!/usr/bin/env bash
# Chooses the etcd client with figures: nlbridge's client over etcd's v3 JSON gateway (java.net.http + Jackson)
# versus the official jetcd (io.etcd:jetcd-core), each in a fresh JVM until its first successful compare-and-swap
# transaction (in-JVM time, process wall time, classes loaded), plus the jars each needs. Then the latency of
# nlbridge's client (CAS transaction, watch delivery, etcd RPCs per operation) against a 1- and a 3-member etcd.
# Everything runs in a network namespace of its own (etcd on its loopback); etcd is ended by PID and the namespace
# and data directories are deleted on exit. Needs root, etcd, Maven (jetcd is resolved from Maven Central into a
# temporary directory, never installed into the project).
#   bench/etcd-client/compare.sh [RUNS] [LATENCY-N]
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-10}
n=${2:-2000}
jetcd_version=0.8.6
[ "$(id -u)" = 0 ] || { echo "compare.sh: needs root (network namespace)" >&2; exit 1; }
command -v etcd >/dev/null || { echo "compare.sh: needs etcd (apt-get install etcd-server)" >&2; exit 1; }
jdk=$("$root/nlbridge" --print-java-home)
java=("$jdk/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1) # as the nlbridge launcher starts the daemon

work=$(mktemp -d /tmp/nlbt-etcd-bench-XXXXXX)
ns=nlbt-etcdbench-$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do { wait "$p"; } 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building nl-engine and resolving jetcd-core $jetcd_version" >&2
"$root/nlbridge" --mvn -B -ntp -q -pl nl-engine -am compile dependency:build-classpath \
  -DincludeGroupIds=com.fasterxml.jackson.core -DincludeScope=runtime -Dmdep.outputFile="$work/jackson.cp" >/dev/null
gw_cp="$root/nl-engine/target/classes:$(cat "$work/jackson.cp")"
mkdir -p "$work/jetcd"
cat > "$work/jetcd/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>jetcd-cmp</artifactId><version>1</version>
  <dependencies><dependency><groupId>io.etcd</groupId><artifactId>jetcd-core</artifactId><version>$jetcd_version</version></dependency></dependencies>
</project>
POM
(cd "$work/jetcd" && JAVA_HOME=$jdk mvn -B -ntp -q dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$work/jetcd/lib" >/dev/null 2>&1)
"$jdk/bin/javac" -nowarn -d "$work/cls" -cp "$gw_cp:$work/jetcd/lib/*" "$here"/*.java 2>/dev/null

echo "== etcd in namespace $ns" >&2
ip netns add "$ns"
ip -n "$ns" link set lo up
start_member() { # name client-port peer-port cluster
  mkdir -p "$work/$1"
  ip netns exec "$ns" etcd --name "$1" --data-dir "$work/$1/data" --listen-client-urls "http://127.0.0.1:$2" \
    --advertise-client-urls "http://127.0.0.1:$2" --listen-peer-urls "http://127.0.0.1:$3" \
    --initial-advertise-peer-urls "http://127.0.0.1:$3" --initial-cluster "$4" --initial-cluster-token "bench-$5" \
    --logger zap --log-level error >"$work/$1/log" 2>&1 &
  pids+=($!)
}
healthy() { for _ in $(seq 100); do ip netns exec "$ns" etcdctl --endpoints "$1" endpoint health >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
start_member one 2379 2380 one=http://127.0.0.1:2380 1
three="t1=http://127.0.0.1:12380,t2=http://127.0.0.1:22380,t3=http://127.0.0.1:32380"
start_member t1 12379 12380 "$three" 3
start_member t2 22379 22380 "$three" 3
start_member t3 32379 32380 "$three" 3
healthy 127.0.0.1:2379
healthy 127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379

echo "== startup: fresh JVM to first successful CAS txn, $runs runs each, alternating" >&2
: >"$work/startup"
for i in $(seq "$runs"); do
  for v in gateway jetcd; do
    if [ $v = gateway ]; then cp="$work/cls:$gw_cp"; main=GatewayFirstTxn; else cp="$work/cls:$work/jetcd/lib/*"; main=JetcdFirstTxn; fi
    t0=$(date +%s%N)
    out=$(ip netns exec "$ns" "${java[@]}" -cp "$cp" $main 127.0.0.1:2379 2>/dev/null | grep first-txn)
    t1=$(date +%s%N)
    echo "$out wall-ms=$(( (t1 - t0) / 1000000 ))" >>"$work/startup"
  done
done
python3 - "$work/startup" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    v = line.split()[0]
    d = dict(re.findall(r'(\S+)=([\d.]+)', line))
    rows.setdefault(v, []).append(d)
print("| client | runs | first txn in JVM (median ms) | process wall (median ms) | classes loaded (median) |")
print("|---|---|---|---|---|")
for v, ds in rows.items():
    med = lambda k: statistics.median(float(d[k]) for d in ds)
    print(f"| {v} | {len(ds)} | {med('first-txn-ms'):.0f} | {med('wall-ms'):.0f} | {med('classes'):.0f} |")
g, j = rows.get('gateway'), rows.get('jetcd')
if g and j:
    r = lambda k: statistics.median(float(d[k]) for d in j) / statistics.median(float(d[k]) for d in g)
    print(f"\njetcd / gateway: first txn x{r('first-txn-ms'):.2f}, wall x{r('wall-ms'):.2f}, classes x{r('classes'):.2f}")
PY
echo
echo "jars: jetcd-core $jetcd_version brings $(ls "$work/jetcd/lib" | wc -l) runtime jars, $(du -cb "$work/jetcd/lib"/*.jar | tail -1 | awk '{printf "%.1f MB", $1/1e6}')"
echo "jars: the gateway client needs $(tr ':' '\n' <"$work/jackson.cp" | grep -c jar) (Jackson, already a dependency of dsl), $(tr ':' '\n' <"$work/jackson.cp" | xargs du -cb | tail -1 | awk '{printf "%.1f MB", $1/1e6}'); its own classes: $(du -cb "$root"/nl-engine/target/classes/org/nlbridge/cluster/etcd/*.class | tail -1 | awk '{printf "%.0f kB", $1/1e3}')"
echo "netty versions in jetcd's closure: $(ls "$work/jetcd/lib" | sed -n 's/^netty-.*-\(4\.[0-9.]*\)\.Final.*/\1/p' | sort -u | tr '\n' ' ')"

echo
echo "== latency, 1 member (N=$n)"
ip netns exec "$ns" "$jdk/bin/java" -cp "$work/cls:$gw_cp" Latency 127.0.0.1:2379 "$n"
echo
echo "== latency, 3 members (client talks to t1; N=$n)"
ip netns exec "$ns" "$jdk/bin/java" -cp "$work/cls:$gw_cp" Latency 127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379 "$n"
