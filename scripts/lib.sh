# Shared helpers for imgtrust scripts (sourced, not run).

# wait_port_free PORT: waits up to 10 s for nothing to listen on 127.0.0.1:PORT (a stopped server's workers may hold it a moment longer);
# dies naming the port if something still does.
wait_port_free() {
  local port="$1" t0=$SECONDS
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    ((SECONDS - t0 < 10)) || die "port $port on 127.0.0.1 is in use"
    sleep 0.2
  done
}

# apt_install PKG...: installs the Debian packages that are missing (needs root); quiet when all are present.
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing packages: ${missing[*]}; run as root or install them: apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Java 17+ and Maven are needed to build; Debian 12 ships both.
BUILD_PACKAGES=(openjdk-17-jdk-headless maven)
# What the demo itself runs: qemu-img (conversion, the second opinion on every fill), prlimit, chattr; as root
# run-demo.sh also installs libvirt, Ceph, lvm2 and Glance (the lists below) for the services it starts.
DEMO_PACKAGES=(qemu-utils util-linux e2fsprogs)
# What the test suite drives for real: openssl signs independently, qemu-img inspects and converts images.
TEST_PACKAGES=(openssl qemu-utils e2fsprogs util-linux)
# What `imgtrust bench` runs beside imgtrust (GNU time for peak RSS, the tools it compares against); BenchAllIT
# runs `bench all`, so the tests need them too (scripts/test-all.sh, scripts/bench-all.sh).
BENCH_PACKAGES=(time openssl coreutils qemu-utils curl python3-glanceclient)
# lvm2 for the lvm backend's tests and bench (real lvm2 on a loop-device PV; without device-mapper the tests emulate
# activation: scripts/lvm-emulation), losetup.
LVM_PACKAGES=(lvm2 util-linux coreutils)
# A real libvirtd with real domains (KVM when /dev/kvm is usable, TCG otherwise).
LIBVIRT_PACKAGES=(libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils)
# A throwaway Ceph cluster (scripts/ceph-up.sh; the mgr reports usage, which pool quotas need), librbd for the rbd
# backend, QEMU's and libvirt's rbd drivers.
CEPH_PACKAGES=(ceph-mon ceph-osd ceph-mgr ceph-common librbd1 librados2 qemu-block-extra libvirt-daemon-driver-storage-rbd uuid-runtime)
# A real Glance v2 API for the fetch tests (scripts/glance-up.sh) and its Python client for `bench fetch`; socat is
# the TLS endpoint the glance module's GlanceTlsIT puts in front of it (Glance's API no longer serves TLS itself).
GLANCE_PACKAGES=(glance-api python3-glanceclient curl python3-rbd python3-rados socat openssl)
# A real Keystone v3 for the Glance token tests (scripts/keystone-up.sh; Glance's authtoken middleware validates
# against it: glance-up.sh with GLANCE_AUTH=keystone).
KEYSTONE_PACKAGES=(keystone curl)

# pid_alive PIDFILE NAME: the pid in PIDFILE is a live process (not a zombie: PID 1 may reap late) running NAME.
pid_alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ -d /proc/$pid ]] && grep -q "$2" "/proc/$pid/cmdline" 2>/dev/null && ! ps -o stat= -p "$pid" | grep -q '^Z'
}

# stop_group PIDFILE NAME: SIGTERM to the process group of the pid in PIDFILE (started under setsid), SIGKILL after
# 10 s; returns when it is gone.
stop_group() {
  pid_alive "$1" "$2" || return 0
  local pid t0=$SECONDS
  pid=$(cat "$1")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$1" "$2"; do
    ((SECONDS - t0 < 10)) || kill -KILL -- "-$pid" 2>/dev/null || true
    sleep 0.05
  done
}

# wipe_dir DIR MARKER: removes a service's throwaway directory, refusing one that is not empty and lacks MARKER.
wipe_dir() {
  if [[ -e $1 && ! -e $1/$2 && -n $(ls -A "$1") ]]; then
    echo "refusing to wipe $1: not empty and no $2 in it" >&2
    return 1
  fi
  rm -rf "$1"
}

# remove_test_hooks: removes the libvirt hooks this project's own tests, bench and demo install under their fixed
# names and remove when they end. A killed run leaves its hook behind, and a hook from an older version checks every
# domain start on the host against a configuration that no longer applies. The calling script holds a lock (fd 7)
# until it exits, so a second run on the same machine leaves the first one's hooks alone and says so (naming the
# holder). Daemons never hold it: this file closes fd 7 in every script that sources it (below).
# (A new name: daemons started by older versions may still hold imgtrust-test-hooks.lock.)
TEST_HOOKS_LOCK=/run/lock/imgtrust-test-runs.lock
remove_test_hooks() {
  local h removed=0
  exec 7>"$TEST_HOOKS_LOCK"
  if ! flock -n 7; then
    echo "another imgtrust test, bench or demo run is going on ($(lock_holders)); leaving the test hooks in place" >&2
    return 0
  fi
  for h in /etc/libvirt/hooks/qemu.d/50-imgtrust-{it,bench,demo}; do
    if [[ -e $h ]]; then
      echo "removing $h, left by an earlier run that was killed" >&2
      rm -f "$h"
      removed=1
    fi
  done
  if ((removed)); then pkill -HUP -x libvirtd || true; fi
}

# lock_holders: "pid:name" of every other process that has the test-hook lock file open.
lock_holders() {
  local fd pid out=()
  while IFS= read -r fd; do
    pid=${fd#/proc/} pid=${pid%%/*}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] || out+=("$pid:$(cat "/proc/$pid/comm" 2>/dev/null)")
  done < <(find /proc/[0-9]*/fd -maxdepth 1 -lname "$TEST_HOOKS_LOCK" 2>/dev/null 7>&-)
  echo "held by ${out[*]:-no process now}"
}

# A script that starts a daemon (libvirtd, Ceph, Glance, Keystone) must not hand it the test-hook lock that the script
# running it took on fd 7 (remove_test_hooks): the daemon would hold it for its whole life, and every later run would
# take itself for a second one and leave a killed run's hooks in place. Closed here, before any daemon starts.
exec 7>&-
