#!/bin/bash
# Start-up of one-shot commands through the README's launcher (./nlbridge), side by side with podman, the Go CLI a
# user would otherwise run: `nlbridge version` vs `podman --version`, `nlbridge status` (empty state) vs
# `podman network ls`, and ours alone: status through a daemon (-H), check, plan, apply, destroy. Interleaved runs
# (bench/startup_run.py), wall time, user and system CPU, peak RSS per run; rows in the peers harness's TSV columns,
# which bench/compare_report.py turns into the start-up section of RESULTS.md.
#
#   bench/startup.sh            REPS=20 runs of each (after WARMUP=3), then a summary; podman installed when missing
#   bench/startup.sh --smoke    one run of each, verification only (rc and output), podman only if installed
# Environment: REPS, WARMUP, OUT_TSV (default $PB_RESULTS/startup.tsv, PB_RESULTS default /tmp/pb-results/startup-DATE)
#
# Safety: the commands that touch the kernel work in namespaces of this script (pbstart-PID-*) with state under a
# temporary directory; podman runs with every path of its own under that directory (--root, --runroot,
# CONTAINERS_CONF) inside a private mount namespace with tmpfs over /etc/cni/net.d and /dev/shm, so the machine's
# container state is neither read nor written; /tmp is noexec in that namespace (nothing may load native code from
# it). Everything is removed on exit.
set -euo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=${bench%/*}
smoke=0
[[ ${1:-} == --smoke ]] && smoke=1
[ "$(id -u)" = 0 ] || { echo "startup.sh: needs root (network namespaces, a private mount namespace)" >&2; exit 1; }
REPS=${REPS:-20} WARMUP=${WARMUP:-3}
[ $smoke = 1 ] && REPS=1 WARMUP=1
PB_RESULTS=${PB_RESULTS:-/tmp/pb-results/startup-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$PB_RESULTS"
OUT_TSV=${OUT_TSV:-$PB_RESULTS/startup.tsv}
log() { printf '%s startup.sh: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if ! command -v podman >/dev/null; then
  if [ $smoke = 1 ]; then
    log "podman not installed: nlbridge's commands only"
  else
    log "installing podman"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends podman >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends podman >&2; }
  fi
fi

tag=pbstart-$$
work=$(mktemp -d /tmp/pbstart.XXXXXX) # 0700: scripts in it are root's only, as the launcher requires
daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true; fi
  local ns
  for ns in "$tag-host" "$tag-dhost" "$tag-web" "$tag-db"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/host-ns.sh
. "$bench/host-ns.sh"
host_ns "$tag-host"
host_ns "$tag-dhost"
nlb=$repo/nlbridge
state=$work/state
sed "s/^container('\([a-z]*\)')\$/container('\1') { netns '$tag-\1' }/; s/^container('web') {\$/container('web') {\n    netns '$tag-web'/" \
  "$repo/scripts/docker0.groovy" > "$work/net.groovy"
grep -q "netns '$tag-web'" "$work/net.groovy" && grep -q "netns '$tag-db'" "$work/net.groovy" \
  || { log "cannot give the script's containers namespaces of ours"; cat "$work/net.groovy" >&2; exit 1; }

log "nlbridge: build and start-up cache if needed (untimed)"
"$nlb" version >/dev/null
"$nlb" --host-netns "$tag-host" --state "$state" status >/dev/null
sock=$work/daemon/nlbridge.sock
mkdir -m 0700 "$work/daemon"
"$nlb" daemon -H "unix://$sock" --host-netns "$tag-dhost" --state "$work/dstate" > "$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 300); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { log "the daemon did not start"; cat "$work/daemon.log" >&2; exit 1; }

# podman with every path of its own (the private mount namespace below hides the machine's CNI and shm too)
cat > "$work/containers.conf" <<EOF
[engine]
cgroup_manager="cgroupfs"
events_logger="file"
events_logfile_path="$work/podman/events.log"
tmp_dir="$work/podman/tmp"
volume_path="$work/podman/volumes"
static_dir="$work/podman/libpod"
[network]
network_backend="cni"
network_config_dir="$work/podman/cni"
[containers]
default_ulimits=["nofile=20000:20000"]
EOF
podman=(podman --root "$work/podman/root" --runroot "$work/podman/runroot")
penv="{\"CONTAINERS_CONF\": \"$work/containers.conf\"}"
j() { # label rc expect argv... -> one spec line
  local label=$1 rc=$2 expect=$3; shift 3
  python3 -c 'import json, sys; print(json.dumps({"label": sys.argv[1], "rc": int(sys.argv[2]), "expect": sys.argv[3],
    "env": json.loads(sys.argv[4]), "argv": sys.argv[5:]}))' "$label" "$rc" "$expect" "${spec_env:-{\}}" "$@"
}
at=(--host-netns "$tag-host" --state "$state")
{
  if command -v podman >/dev/null; then
    spec_env=$penv j podman-version 0 "podman version" "${podman[@]}" --version
  fi
  j nlbridge-version 0 "nlbridge " "$nlb" version
  if command -v podman >/dev/null; then
    spec_env=$penv j podman-network-ls 0 "podman" "${podman[@]}" network ls
  fi
  j nlbridge-status 0 "no networks" "$nlb" "${at[@]}" status
  j nlbridge-status-H 0 "no networks" "$nlb" -H "unix://$sock" status
  j nlbridge-check 0 ": ok, 1 network, 2 containers" "$nlb" check "$work/net.groovy"
  j nlbridge-plan 2 "plan: " "$nlb" "${at[@]}" plan "$work/net.groovy"
} > "$work/readonly.jsonl"
{
  j nlbridge-apply 0 "applied: " "$nlb" "${at[@]}" apply "$work/net.groovy"
  j nlbridge-destroy 0 "destroyed: " "$nlb" "${at[@]}" destroy "$work/net.groovy"
} > "$work/apply.jsonl"

log "read-only commands, $REPS interleaved runs after $WARMUP warm-up (in a private mount namespace, /tmp noexec)"
rc=0
# /tmp noexec there too, as hardened hosts mount it: the commands must not load native code from it (sqlite-jdbc
# would extract its library into /tmp unless the launcher points it at the build's copy)
unshare -m --propagation private bash -c '
  set -e
  [ -d /etc/cni/net.d ] && mount -t tmpfs -o mode=0755 tmpfs /etc/cni/net.d
  mount -t tmpfs -o mode=1777 tmpfs /dev/shm
  mount --bind /tmp /tmp && mount -o remount,bind,noexec,nosuid,nodev /tmp
  exec python3 "$@"' _ "$bench/startup_run.py" "$work/readonly.jsonl" "$OUT_TSV" "$REPS" "$WARMUP" || rc=1
log "apply then destroy, $REPS runs each (the state changes, so outside the mount namespace, in order)"
python3 "$bench/startup_run.py" "$work/apply.jsonl" "$OUT_TSV" "$REPS" "$WARMUP" --fixed-order || rc=1
python3 "$bench/startup_run.py" --summary "$OUT_TSV"
if awk -F'\t' 'NR > 1 && $6 != "OK" {bad = 1} END {exit !bad}' "$OUT_TSV"; then
  log "FAILED: some runs exited with another code or printed something else (see above)"; rc=1
fi
exit $rc
