#!/usr/bin/env bash
# A throwaway single-node Ceph cluster on 127.0.0.1 for the rbd tests, the benchmark and the demo (no systemd):
# one mon, one bluestore OSD on a sparse file, one mgr (it reports pool usage, which quotas need), cephx on, pool
# `rbd` of size 1. Starts in a few seconds.
#
#   scripts/ceph-up.sh start|stop|status|conf
#
# start wipes and recreates the cluster; stop kills it (SIGKILL: the data is throwaway) and removes its directory;
# conf prints the path of its ceph.conf (clients: --conf, or CEPH_CONF; the admin keyring's path is inside it).
# Environment:
#   IMGTRUST_CEPH_DIR   where everything lives (default /run/imgtrust-ceph); the ITs read $IMGTRUST_CEPH_DIR/ceph.conf
#                       or IMGTRUST_CEPH_CONF
#   IMGTRUST_CEPH_PORT  monitor port, msgr v2 (default 3300; v1 is the next port); a second cluster needs its own
#                       port and directory
#   IMGTRUST_CEPH_GB    size of the OSD's sparse block file (default 8)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
dir="${IMGTRUST_CEPH_DIR:-/run/imgtrust-ceph}"
port="${IMGTRUST_CEPH_PORT:-3300}"
gb="${IMGTRUST_CEPH_GB:-8}"
conf="$dir/ceph.conf"

# waits up to $1 seconds for the command to succeed
await() {
  local limit=$1; shift
  for _ in $(seq 1 $((limit * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "ceph-up: timed out after ${limit}s waiting for: $*" >&2
  return 1
}

daemon_pids() {
  local f
  for f in "$dir"/run/*.pid; do
    [[ -e "$f" ]] && cat "$f"
  done
  return 0
}

# PID 1 on this machine reaps orphans late, so a killed daemon lingers as a zombie whose threads may still hold
# their sockets: wait until no thread of it is left but a zombie leader.
await_gone() {
  local pid=$1
  for _ in $(seq 1 100); do
    [[ -d /proc/$pid ]] || return 0
    local tasks state
    tasks=$(ls "/proc/$pid/task" 2>/dev/null | wc -l)
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo Z)
    [[ "$tasks" -le 1 && "$state" == Z ]] && return 0
    sleep 0.05
  done
}

stop() {
  local pids
  pids=$(daemon_pids)
  for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in $pids; do await_gone "$pid"; done
  if [[ -d "$dir" && ! -e "$conf" && -n "$(ls -A "$dir")" ]]; then
    echo "ceph-up: not removing $dir: it is not empty and holds no ceph.conf" >&2
    return 1
  fi
  rm -rf "$dir"
}

write_conf() {
  local fsid=$1
  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$port,v1:127.0.0.1:$((port + 1))]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/\$name.keyring
run dir = $dir/run
pid file = $dir/run/\$name.pid
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
mon data = $dir/mon/\$id
mgr data = $dir/mgr/\$id
# no python modules: the mgr's C++ part alone reports usage (loading the modules costs 10 s of CPU and 300 MB)
mgr module path = $dir/mgr/no-modules
osd data = $dir/osd/\$id
osd objectstore = bluestore
bluestore block create = true
bluestore block size = $((gb << 30))
bluestore fsck on mkfs = false
osd memory target = 939524096
# mon commands take ~1 s each at the default of 1 s
paxos propose interval = 0.1
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
auth allow insecure global id reclaim = false
mon data avail warn = 2
mon data avail crit = 1
# a client of a dead cluster would otherwise wait 300 s
client mount timeout = 15
# a killed client's watch on an image ends after this (default 30 s); until then librbd will not remove the image
osd client watch timeout = 5

[client]
# clients (the tests' JVMs, rbd, qemu) get no admin socket: one per name would clash
admin socket =
EOF
}

start() {
  stop
  mkdir -p "$dir"/{run,log,mon/a,osd/0,mgr/x,mgr/no-modules}
  chmod 0755 "$dir"
  local fsid osd_uuid osd_key mkfs
  fsid=$(uuidgen)
  write_conf "$fsid"
  export CEPH_CONF="$conf"
  ceph-authtool "$dir/mon.keyring" --create-keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$dir/client.admin.keyring" --create-keyring --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$dir/mon.keyring" --import-keyring "$dir/client.admin.keyring" >/dev/null
  chmod 0600 "$dir"/*.keyring
  monmaptool --create --addv a "[v2:127.0.0.1:$port,v1:127.0.0.1:$((port + 1))]" --fsid "$fsid" \
    "$dir/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/mon.keyring"
  cp "$dir/mon.keyring" "$dir/mon.a.keyring"
  ceph-mon -i a
  await 30 ceph --connect-timeout 5 mon stat
  # the OSD's mkfs runs while the mon creates the pool
  osd_uuid=$(uuidgen)
  osd_key=$(ceph-authtool --gen-print-key)
  (umask 077 && printf '[osd.0]\n\tkey = %s\n' "$osd_key" >"$dir/osd.0.keyring")
  (umask 077 && printf '{"cephx_secret": "%s"}' "$osd_key" >"$dir/osd-new.json")
  ceph osd new "$osd_uuid" 0 -i "$dir/osd-new.json" >/dev/null
  rm -f "$dir/osd-new.json"
  ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$dir/log/osd-mkfs.log" 2>&1 &
  mkfs=$!
  # `rbd pool init` does the same but takes ~3 s
  ceph osd pool create rbd 8 8 replicated --size 1 >/dev/null 2>&1
  ceph osd pool application enable rbd rbd >/dev/null 2>&1
  wait "$mkfs"
  ceph-osd -i 0 2>>"$dir/log/osd-start.log"
  (umask 077 && ceph auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' >"$dir/mgr.x.keyring")
  ceph-mgr -i x
  # its always-on python modules are left out on purpose
  ceph health mute MGR_MODULE_ERROR --sticky >/dev/null 2>&1
  # ready when a client can write an object
  await 60 timeout 5 rados -p rbd put imgtrust-probe "$conf"
  rados -p rbd rm imgtrust-probe
  echo "ceph-up: cluster up, conf $conf (client.admin), monitor 127.0.0.1:$port"
}

case "${1:-}" in
  start)
    apt_install "${CEPH_PACKAGES[@]}"
    start
    ;;
  stop) stop ;;
  status) CEPH_CONF="$conf" ceph --connect-timeout 5 -s ;;
  conf) echo "$conf" ;;
  *)
    echo "usage: $0 start|stop|status|conf" >&2
    exit 2
    ;;
esac
