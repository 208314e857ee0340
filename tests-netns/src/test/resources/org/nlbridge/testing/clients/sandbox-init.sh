#!/bin/sh
# The first process of a client sandbox (org.nlbridge.testing.clients.ClientHost): PID 1 of a new PID namespace,
# in a new mount namespace whose mounts are slaves of the machine's (nothing mounted here propagates back), inside
# the network namespace that plays the host. It makes the directories real clients write to private, moves itself
# into the sandbox's own cgroups, enters a cgroup namespace rooted there, prints "nlbc-ready" and then only reaps
# orphans until its stdin closes. When it exits, the kernel kills every process of the PID namespace: dockerd,
# containerd, shims, conmon, containers. The JVM holds the other end of stdin, so this happens even if the JVM dies.
#
# Phase 1 (no argument) runs in the machine's cgroup namespace; phase 2 ("cgroupns") after unshare --cgroup.
# Input from the environment (set by ClientHost):
#   NLBC_WORK            the sandbox's work directory on the machine (kept visible inside, at the same path)
#   NLBC_HOST_NS         the name of the host network namespace (bound into the private /run/netns)
#   NLBC_CGROUP_PROCS    cgroup.procs files of the sandbox's cgroups, one per hierarchy (created by ClientHost)
#   NLBC_CGROUP_MOUNTS   lines "fstype options mountpoint": the machine's cgroup mounts, mounted again in phase 2
set -eu

fail() { echo "nlbc-failed: $*"; exit 1; }

if [ "${1:-}" = "" ]; then
  # a private /run (tmpfs): pid files, sockets, runtime state, /run/netns of the runtimes' containers
  mount -t tmpfs -o mode=0755 nlbc-run /run || fail "tmpfs on /run"
  mkdir -p /run/lock /run/netns /run/.nlbc/home /run/.nlbc/keep

  # a sysfs of this network namespace (/sys/class/net must show the host namespace's links, never the machine's),
  # keeping the machine's mounts below /sys (cgroups, securityfs, bpf ...)
  tops=$(awk '$5 ~ "^/sys/" {print $5}' /proc/self/mountinfo | sort | awk 'BEGIN {p = "-"} index($0, p "/") != 1 {print; p = $0}')
  n=0
  : > /run/.nlbc/keep.list
  for m in $tops; do
    [ -d "$m" ] || continue
    n=$((n + 1))
    mkdir -p "/run/.nlbc/keep/$n"
    mount --rbind "$m" "/run/.nlbc/keep/$n"
    echo "$n $m" >> /run/.nlbc/keep.list
  done
  mount -t sysfs nlbc-sysfs /sys || fail "sysfs on /sys"
  while read -r n m; do
    if [ -d "$m" ]; then mount --rbind "/run/.nlbc/keep/$n" "$m"; fi
    umount -l "/run/.nlbc/keep/$n"
  done < /run/.nlbc/keep.list

  # a private /tmp and /var/tmp, with the work directory bound back at its own path
  mkdir -p /run/.nlbc/work
  mount --bind "$NLBC_WORK" /run/.nlbc/work
  mount -t tmpfs -o mode=1777 nlbc-tmp /tmp
  mkdir -p "$NLBC_WORK"
  mount --bind /run/.nlbc/work "$NLBC_WORK"
  umount /run/.nlbc/work
  mount -t tmpfs -o mode=1777 nlbc-vartmp /var/tmp

  # configuration directories the clients read and write: empty and private (only those the machine has: a
  # directory is never created on the machine)
  for d in /etc/docker /etc/containers /etc/cni/net.d /etc/containerd; do
    if [ -d "$d" ]; then mount -t tmpfs -o mode=0755 nlbc-etc "$d"; fi
  done
  # directories whose content stays visible but whose writes go to a private upper layer
  for d in /var/lib /usr/lib/cni; do
    [ -d "$d" ] || continue
    o=/run/.nlbc/overlay$(echo "$d" | tr / _)
    mkdir -p "$o/upper" "$o/work"
    mount -t overlay -o "lowerdir=$d,upperdir=$o/upper,workdir=$o/work" nlbc-overlay "$d" || fail "overlay on $d"
  done
  # data roots on a plain tmpfs each (the runtimes' overlay storage cannot sit on an overlay)
  for d in /var/lib/docker /var/lib/containerd /var/lib/containers /var/lib/cni; do
    mkdir -p "$d"
    mount -t tmpfs -o mode=0711 nlbc-data "$d"
  done

  # the host namespace under its name, for tools inside that open namespaces by name
  touch "/run/netns/$NLBC_HOST_NS"
  mount --bind /proc/self/ns/net "/run/netns/$NLBC_HOST_NS"

  # the sandbox's cgroups (children of the JVM's, so the machine's accounting still applies), then a cgroup
  # namespace rooted there: whatever the runtimes create lands below them
  for f in $NLBC_CGROUP_PROCS; do echo $$ > "$f" || fail "cannot join $f"; done
  exec unshare --cgroup -- /bin/sh "$0" cgroupns
fi

# phase 2: the cgroup file systems as this cgroup namespace sees them (the kernel refuses to stack a superblock on
# itself, hence the unmount first); PID 1 moves to a child "init" so that the
# namespace root holds no process (cgroup v2 allows controllers only on cgroups without processes)
while read -r type opts mp; do
  [ -n "$type" ] || continue
  umount "$mp" || fail "cannot unmount $mp"   # the machine's view (a slave copy: unmounting it here changes nothing there)
  mount -t "$type" -o "$opts" nlbc-cgroup "$mp" || fail "$type on $mp"
  mkdir -p "$mp/init"
  for f in cpuset.cpus cpuset.mems; do
    if [ -e "$mp/$f" ]; then cat "$mp/$f" > "$mp/init/$f"; fi
  done
  echo $$ > "$mp/init/cgroup.procs"
done <<EOF
$NLBC_CGROUP_MOUNTS
EOF

echo nlbc-ready
exec perl -e '
  use POSIX ":sys_wait_h";
  $SIG{CHLD} = sub {};
  my $rin = ""; vec($rin, fileno(STDIN), 1) = 1;
  while (1) {
    1 while waitpid(-1, WNOHANG) > 0;
    my $n = select(my $rout = $rin, undef, undef, 1);
    if ($n > 0) { my $buf; exit 0 unless sysread(STDIN, $buf, 4096); }
  }'
