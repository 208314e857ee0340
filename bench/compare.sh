#!/bin/bash
# nlbridge side by side with the peers (ip, pyroute2, CNI bridge+portmap, netavark, nft, iptables), measured by the
# peers harness (/work/shared/peers: same namespaces, timing and independent verification for everyone), with our
# engine as its ENGINE_CMD, interleaved A B A B by the harness. Writes bench/RESULTS.md.
#
#   bench/compare.sh                  attach N=10 100 500, firewall N=100 1000 10000, 3 reps (about 30 min)
#   bench/compare.sh 100 500          those N for both scenarios (attach is skipped above 1023: bridge port limit)
#   bench/compare.sh --smoke          CI: tiny N, our engine + one peer per scenario, verification on, no timing
#                                     assertions, well under a minute; exits non-zero if any run fails verification
# Environment:
#   REPS=3                 repetitions per method and N
#   STARTUP_REPS=20        runs of each one-shot command in bench/startup.sh
#   FULL_REPS_500=REPS     repetitions for attach-full at N>=500 (the CNI/netavark peers take a minute or more per run)
#   ATTACH_NS / FW_NS      N lists per scenario (default "10 100 500" / "100 1000 10000")
#   PB_RESULTS             where raw rows go (default /tmp/pb-results/compare-DATE)
#   PEERS                  the harness (default /work/shared/peers; read-only is fine)
#   OUT                    the report (default bench/RESULTS.md; smoke: bench/target/smoke.md)
#   DOCKER=1, DOCKER_N=50  also run bench/docker.sh (Docker's bridge driver against our plugin on a real dockerd)
#   CNI=1                  also bench/cni.sh (the CNI plugin against the reference chains; 0: skip it)
#   DAEMON_SCALE=1         also bench/daemon-scale.sh (the daemon at 0..1,000 containers; 0: keep the last run's rows)
set -uo pipefail
bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=${bench%/*}
PEERS=${PEERS:-/work/shared/peers}
smoke=0
ns_args=()
for a in "$@"; do
  case $a in
    --smoke) smoke=1 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *[!0-9]*|'') echo "compare.sh: not a count: $a" >&2; exit 2 ;;
    *) ns_args+=("$a") ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "compare.sh: the harness needs root (network namespaces)" >&2; exit 1; }
[ -x "$PEERS/run-peers.sh" ] || { echo "compare.sh: no harness at $PEERS (set PEERS)" >&2; exit 1; }
PY=/usr/bin/python3
stamp=$(date +%Y%m%d-%H%M%S)
export PB_RESULTS=${PB_RESULTS:-/tmp/pb-results/compare-$stamp}
mkdir -p "$PB_RESULTS"
log() { printf '%s compare.sh: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- the peers, once
need_pkgs=()
[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/portmap ] || need_pkgs+=(containernetworking-plugins)
[ -x /usr/lib/podman/netavark ] || need_pkgs+=(netavark)
$PY -c 'import pyroute2' 2>/dev/null || need_pkgs+=(python3-pyroute2)
command -v nft >/dev/null || need_pkgs+=(nftables)
command -v iptables-nft-restore >/dev/null && command -v iptables-legacy-restore >/dev/null || need_pkgs+=(iptables)
command -v strace >/dev/null || need_pkgs+=(strace)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing the peers: ${need_pkgs[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2; } \
    || { log "cannot install ${need_pkgs[*]}"; exit 1; }
fi

# ---------------------------------------------------------------- our engine: built, cache trained (untimed)
if [ ! -f "$bench/target/nlbridge-bench-0.1.0-SNAPSHOT.jar" ] || [ -n "$(find "$repo" \( -path '*/target' -prune \) -o \
    \( -name '*.java' -o -name pom.xml \) -newer "$bench/target/nlbridge-bench-0.1.0-SNAPSHOT.jar" -print -quit)" ]; then
  log "building bench"
  "$repo/nlbridge" --mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl bench -am package >"$PB_RESULTS/build.log" 2>&1 \
    || { cat "$PB_RESULTS/build.log" >&2; log "build failed"; exit 1; }
fi
log "warming our engine (class-data cache training, untimed)"
"$bench/peers-engine" train >/dev/null || { log "peers-engine train failed"; exit 1; }
ENGINE=$bench/peers-engine
ENGINE_FULL=$bench/peers-engine-full

# ---------------------------------------------------------------- one group = one run-peers.sh call
meta=$PB_RESULTS/meta.env
: > "$meta"
m() { printf '%s=%s\n' "$1" "$2" >> "$meta"; }
# the commit measured, stamped before any run (daemon-scale.sh rewrites files of its own under bench/results)
commit_stamp="$(git -C "$repo" rev-parse --abbrev-ref HEAD 2>/dev/null) $(git -C "$repo" rev-parse --short HEAD 2>/dev/null)$(git -C "$repo" diff --quiet 2>/dev/null || echo ' (uncommitted changes)')"
runs=0
failed=0
group() { # group NAME N REPS ENV... -- : one harness run, its rows in $PB_RESULTS/NAME-N.tsv
  local name=$1 n=$2 reps=$3; shift 3
  local out=$PB_RESULTS/$name-N$n.tsv
  log "$name N=$n reps=$reps"
  m "run_$((++runs))" "$* PB_OUT=... $PEERS/run-peers.sh $n $reps"
  env "$@" PB_OUT="$out" "$PEERS/run-peers.sh" "$n" "$reps" > "$PB_RESULTS/$name-N$n.log" 2>&1
  if awk -F'\t' 'NR > 1 && ($5 != "0" || $6 != "OK") {bad = 1} END {exit !bad}' "$out"; then
    failed=1; log "$name N=$n: some runs failed or did not verify (see $out)"
  fi
}

attach_plain="ip-batch ip-exec pyroute2-setns pyroute2-netns"
attach_full="cni-bridge-portmap netavark-ports"
fw_fast="nft-map nft-rules iptables-restore iptables-legacy-restore"
if [ $smoke = 1 ]; then
  # Not through run-peers.sh: its settle step waits for a mostly idle machine before every run (up to 2 min on a
  # busy CI host). The same pieces instead: namespaces by one `ip -batch`, the command, the harness's verifier,
  # teardown; namespaces under a prefix of this run's own (pbsmoke<PID>-), so that neither a harness run nor another
  # smoke run on the host (parallel ./run-tests) is touched by this one's cleanup, nor touches it.
  REPS=1
  smoke_case() { # smoke_case SCENARIO LABEL N CMD...
    local scen=$1 label=$2 n=$3; shift 3
    local out=$PB_RESULTS/smoke-$scen.tsv t0 t1 rc verify=skipped
    (
      p=pbsmoke$$-
      export PB_NS_PREFIX=$p PB_N=$n PB_SCENARIO=$scen
      export PB_HOST_NS=${p}host PB_CT_PREFIX=${p}c- PB_FW_NS=${p}fw PB_WORK_ROOT=/tmp/${p}work
      # shellcheck disable=SC1091
      . "$PEERS/lib/common.sh"
      export PB_WORKDIR=$PB_WORK_ROOT/$scen-$label; rm -rf "$PB_WORKDIR"; mkdir -p "$PB_WORKDIR"
      trap 'pb_cleanup_all; rm -rf "$PB_WORK_ROOT"' EXIT
      pb_cleanup_all
      if [ "$scen" = attach ]; then
        { echo "netns add $PB_HOST_NS"; for ((i = 1; i <= n; i++)); do echo "netns add $PB_CT_PREFIX$i"; done; } | ip -batch -
      else
        ip netns add "$PB_FW_NS"
      fi
      t0=$(now_ns)
      (cd "$PEERS" && timeout -k 5 60 "$@" "$scen") > "$PB_RESULTS/smoke-$scen-$label.out" 2>&1 </dev/null
      rc=$?; t1=$(now_ns)
      if [ $rc = 0 ]; then
        if "$PB_PY" "$PEERS/lib/verify_$([ "$scen" = attach ] && echo attach || echo fw).py" \
            > "$PB_RESULTS/smoke-$scen-$label.verify" 2>&1; then verify=OK; else verify=FAIL; fi
      fi
      phases=$(awk '/^PB_PHASE /{printf "%s%s=%s", (k++ ? "," : ""), $2, $3}' "$PB_RESULTS/smoke-$scen-$label.out")
      [ -s "$out" ] || printf 'scenario\tmethod\tn\trep\trc\tverify\tns_s\twall_s\tuser_s\tsys_s\tper_ms\tmaxrss_kb\tdel_s\tsettle_s\tsteal_pct\tphases\tother_cpu_pct\n' > "$out"
      printf '%s\t%s\t%s\t1\t%s\t%s\t-\t%s\t-\t-\t-\t-\t-\t-\t-\t%s\t-\n' "$scen" "$label" "$n" "$rc" "$verify" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')" "${phases:--}" >> "$out"
      log "smoke $scen $label N=$n: rc=$rc verify=$verify"
      [ $rc = 0 ] && [ $verify = OK ]
    ) || failed=1
  }
  m run_1 "bench/compare.sh --smoke (namespaces pbsmoke<PID>-*, verification by $PEERS/lib/verify_*.py)"
  smoke_case attach ip-batch 3 "$PEERS/methods/ip-batch"
  smoke_case attach nlbridge 3 "$ENGINE"
  smoke_case attach nlbridge-full 3 "$ENGINE_FULL"
  smoke_case firewall nft-map 10 "$PEERS/methods/nft-map"
  smoke_case firewall nlbridge 10 "$ENGINE"
  log "smoke start-up: the one-shot commands through ./nlbridge (bench/startup.sh --smoke)"
  OUT_TSV=$PB_RESULTS/startup.tsv "$bench/startup.sh" --smoke > "$PB_RESULTS/startup.log" 2>&1 \
    || { failed=1; log "startup smoke failed (see $PB_RESULTS/startup.log)"; cat "$PB_RESULTS/startup.log" >&2; }
  log "smoke daemon scale: a daemon at 0 and 3 containers (bench/daemon-scale.sh --smoke)"
  "$bench/daemon-scale.sh" --smoke > "$PB_RESULTS/smoke-daemon-scale.log" 2>&1 \
    || { failed=1; tail -20 "$PB_RESULTS/smoke-daemon-scale.log" >&2; }
  if [ "${CNI:-1}" = 1 ]; then
    log "smoke cni: the CNI plugin and the reference chains, N=3 and 2"
    "$bench/cni.sh" --smoke > "$PB_RESULTS/smoke-cni.log" 2>&1 || { failed=1; tail -20 "$PB_RESULTS/smoke-cni.log" >&2; }
  fi
else
  REPS=${REPS:-3}
  if [ ${#ns_args[@]} -gt 0 ]; then attach_ns=${ns_args[*]}; fw_ns=${ns_args[*]}
  else attach_ns=${ATTACH_NS:-"10 100 500"}; fw_ns=${FW_NS:-"100 1000 10000"}; fi
  for n in $attach_ns; do
    [ "$n" -le 1023 ] || { log "attach N=$n skipped: a bridge takes at most 1024 ports"; continue; }
    group attach "$n" "$REPS" SCENARIOS=attach ATTACH_METHODS="$attach_plain" ENGINE_CMD="$ENGINE" ENGINE_LABEL=nlbridge
    if [ "$n" -ge 100 ]; then
      group attach-noipv6 "$n" "$REPS" PB_DISABLE_IPV6=1 SCENARIOS=attach ATTACH_METHODS="ip-batch pyroute2-setns" \
        ENGINE_CMD="$ENGINE" ENGINE_LABEL=nlbridge
    fi
    reps=$REPS; [ "$n" -ge 500 ] && reps=${FULL_REPS_500:-$REPS}
    group attach-full "$n" "$reps" PB_TIMEOUT=600 SCENARIOS=attach ATTACH_METHODS="$attach_full" \
      ENGINE_CMD="$ENGINE_FULL" ENGINE_LABEL=nlbridge-full
  done
  for n in $fw_ns; do
    methods=$fw_fast
    # one exec per rule: 6.7 s at 1000 but 220 s / 393 s at 10000 (peers/RESULTS.md); not repeated at 10000
    [ "$n" -le 1000 ] && methods="$methods iptables-exec iptables-legacy-exec"
    group firewall "$n" "$REPS" SCENARIOS=firewall FW_METHODS="$methods" ENGINE_CMD="$ENGINE" ENGINE_LABEL=nlbridge
  done
  log "start-up: one-shot commands through ./nlbridge vs podman (bench/startup.sh, ${STARTUP_REPS:-20} runs each)"
  m "run_$((++runs))" "REPS=${STARTUP_REPS:-20} bench/startup.sh"
  REPS=${STARTUP_REPS:-20} OUT_TSV=$PB_RESULTS/startup.tsv "$bench/startup.sh" > "$PB_RESULTS/startup.log" 2>&1 \
    || { failed=1; log "start-up: some runs failed (see $PB_RESULTS/startup.log)"; }
  if [ "${DAEMON_SCALE:-1}" = 1 ]; then
    # one more container through the daemon at 10/500/1,000 and its memory: bench/results/daemon-scale.{tsv,md}
    log "daemon scale: bench/daemon-scale.sh (0 to 1,000 containers)"
    m "run_$((++runs))" "bench/daemon-scale.sh"
    if "$bench/daemon-scale.sh" > "$PB_RESULTS/daemon-scale.log" 2>&1; then m daemon_scale "this run"
    else failed=1; log "daemon-scale.sh failed (see $PB_RESULTS/daemon-scale.log)"; fi
  fi
  if [ "${CNI:-1}" = 1 ]; then
    # the CNI plugin against the reference chains: its own driver (bench/cni_bench.py), bench/results/cni.md
    log "cni: ADD/DEL latency, $REPS rounds"
    m "run_$((++runs))" "bench/cni.sh $REPS"
    "$bench/cni.sh" "$REPS" > "$PB_RESULTS/cni.log" 2>&1 || { failed=1; log "cni.sh failed (see $PB_RESULTS/cni.log)"; }
  fi
fi

# ---------------------------------------------------------------- Docker: its bridge driver against our plugin
if [ $smoke = 0 ] && [ "${DOCKER:-0}" = 1 ]; then
  log "docker: bench/docker.sh ${DOCKER_N:-50}"
  m run_docker "bench/docker.sh ${DOCKER_N:-50}"
  "$bench/docker.sh" "${DOCKER_N:-50}" >&2 || { failed=1; log "docker.sh failed"; }
fi

# ---------------------------------------------------------------- machine, versions, report
m date "$(date -u '+%Y-%m-%d %H:%M UTC')"
m commit "$commit_stamp"
m raw_dir "$PB_RESULTS"
m machine "$(nproc) vCPU VM (systemd-detect-virt: $(systemd-detect-virt 2>/dev/null || echo unknown)), $(grep -q "^flags.* hypervisor" /proc/cpuinfo && echo "hypervisor flag set" || echo "no hypervisor flag")"
m cpu "$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
m memory "$(awk '/^MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
m os "$(. /etc/os-release; echo "$PRETTY_NAME") ($(cat /etc/debian_version 2>/dev/null))"
m kernel "$(uname -r)"
m load_after "$(cut -d' ' -f1-3 /proc/loadavg) (load average at the end; the VM is shared)"
jdk=$("$repo/nlbridge" --print-java-home)
m jdk "$("$jdk/bin/java" -version 2>&1 | sed -n 2p)"
m jvm_flags "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData, AOT cache (JDK 25 JEP 483/514) trained by \`peers-engine train\`"
m iproute2 "$(ip -V 2>&1 | head -1)"
m nftables "$(nft --version 2>&1 | head -1)"
m iptables "$(iptables --version 2>&1 | head -1)"
m cni_plugins "$(dpkg-query -W -f='${Version}' containernetworking-plugins 2>/dev/null)"
m netavark "$(/usr/lib/podman/netavark --version 2>&1 | head -1) ($(dpkg-query -W -f='${Version}' netavark 2>/dev/null))"
m pyroute2 "$(dpkg-query -W -f='${Version}' python3-pyroute2 2>/dev/null)"
m python "$($PY --version 2>&1)"
m podman "$(podman --version 2>/dev/null | head -1) ($(dpkg-query -W -f='${Version}' podman 2>/dev/null))"
m reps "$REPS"
[ $smoke = 1 ] || m reps_note "attach-full at N=500: ${FULL_REPS_500:-$REPS} reps; iptables-exec/iptables-legacy-exec only up to N=1000 (220 s / 393 s per run at 10,000, see peers/RESULTS.md)."
if [ $smoke = 0 ]; then
  # the raw rows next to the report, so RESULTS.md can be regenerated (compare_report.py) and checked
  rm -rf "$bench/results/compare" && mkdir -p "$bench/results/compare"
  cp "$PB_RESULTS"/*.tsv "$meta" "$bench/results/compare/"
  m raw_copy "bench/results/compare/"
fi
if [ $smoke = 1 ]; then
  OUT=${OUT:-$bench/target/smoke.md}
  $PY "$bench/compare_report.py" "$OUT" "$meta" "$PB_RESULTS" --smoke >&2
else
  OUT=${OUT:-$bench/RESULTS.md}
  $PY "$bench/compare_report.py" "$OUT" "$meta" "$PB_RESULTS" >&2
fi
cat "$OUT"
[ $failed = 0 ] || { log "FAILED: some runs did not exit 0 or did not verify"; exit 1; }
