#!/bin/bash
# Docker's bridge driver against nlbridge's Docker plugin, side by side on one real dockerd 20.10 (in a client
# sandbox of tests-netns: private network, PID and mount namespaces; nothing of the machine is touched):
#   - docker run -d -p PORT:80 until the port answers from upstream, N containers per driver, interleaved;
#   - one container publishing -p 20000-20999:20000-20999: time until it answers, docker-proxy processes and their
#     memory, the per-new-connection cost at the first and last port of the range, docker rm -f.
#
#   bench/docker.sh [N]          default N=50
# Environment: K=2000 (connects per batch of the per-connection cost), PEERS=/work/shared/peers (its
# lib/connect_rate.py; without it the per-connection columns stay empty).
# Writes bench/results/docker.tsv and bench/results/docker.md; regenerates bench/RESULTS.md from the last compare run's
# rows (bench/results/compare/) when they exist. bench/compare.sh runs this too with DOCKER=1.
set -uo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=${bench%/*}
N=${1:-50}
K=${K:-2000}
PEERS=${PEERS:-/work/shared/peers}
[ "$(id -u)" = 0 ] || { echo "docker.sh: needs root (namespaces)" >&2; exit 1; }
for t in dockerd docker runc; do
  command -v $t >/dev/null || { echo "docker.sh: needs $t (apt-get install docker.io containerd runc busybox-static)" >&2; exit 1; }
done
out=$(mktemp -d /tmp/nlbridge-docker-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
"$repo/nlbridge" --mvn -B -ntp -q -Dstyle.color=never -pl nl-engine,dsl,tests-netns -am verify -Dtest=DockerBench \
  -Dsurefire.failIfNoSpecifiedTests=false -Dnlbridge.bench.docker="$out" -Dnlbridge.bench.docker.n="$N" \
  -Dnlbridge.bench.docker.k="$K" -Dnlbridge.bench.peers="$PEERS" >&2 || { echo "docker.sh: the benchmark failed" >&2; exit 1; }
mkdir -p "$bench/results"
cp "$out/docker.tsv" "$bench/results/docker.tsv"
/usr/bin/python3 "$bench/docker_report.py" "$bench/results/docker.tsv" "$bench/results/docker.md" \
  "$(date -u '+%Y-%m-%d %H:%M UTC'), N=$N, $(git -C "$repo" rev-parse --abbrev-ref HEAD) $(git -C "$repo" rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -f "$bench/results/compare/meta.env" ]; then
  /usr/bin/python3 "$bench/compare_report.py" "$bench/RESULTS.md" "$bench/results/compare/meta.env" "$bench/results/compare" >/dev/null
fi
