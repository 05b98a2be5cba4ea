#!/usr/bin/env bash
# Runs `imgtrust bench all` with every service it compares against, each its own and removed afterwards: a Ceph
# cluster (scripts/ceph-up.sh, /run/imgtrust-bench-ceph, port 3320), a Glance (scripts/glance-up.sh, port 9398), a
# volume group on a loop device (scripts/lvm-emulation; activation emulated where the kernel has no device-mapper)
# and, with --boot, libvirtd (scripts/libvirt-up.sh; started if it is not running, never restarted).
# Arguments go to the bench (e.g. --runs 5 --boot --json). Run as root.
# BENCH_LVM_VG_MIB sizes the group (default 4352: room for the 4 GiB LV of bench memory, or four 1 GiB LVs); BENCH_CEPH_GB the OSD (default 16).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
apt_install "${BENCH_PACKAGES[@]}" "${LVM_PACKAGES[@]}" "${CEPH_PACKAGES[@]}" "${GLANCE_PACKAGES[@]}"
export GLANCE_DIR=/tmp/imgtrust-bench-glance GLANCE_PORT=9398
export IMGTRUST_CEPH_DIR=/run/imgtrust-bench-ceph IMGTRUST_CEPH_PORT=3320 IMGTRUST_CEPH_GB="${BENCH_CEPH_GB:-16}"
vg="imgtrust_bench_$$" pv_file="/var/tmp/imgtrust_bench_$$.img"
emul="$here/scripts/lvm-emulation"
if [[ ! -e /dev/mapper/control ]]; then
  export LVM_SYSTEM_DIR="$emul/etc" PATH="$emul/bin:$PATH" LVM_SUPPRESS_FD_WARNINGS=1
fi
cleanup() {
  "$emul/loop-vg" down "$vg" "$pv_file" >/dev/null 2>&1 || true
  "$here/scripts/glance-up.sh" stop >/dev/null 2>&1 || true
  "$here/scripts/ceph-up.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
for arg in "$@"; do
  if [[ $arg == --boot ]]; then
    apt_install "${LIBVIRT_PACKAGES[@]}"
    remove_test_hooks
    "$here/scripts/libvirt-up.sh" >&2
  fi
done
"$here/scripts/ceph-up.sh" start >/dev/null
"$here/scripts/glance-up.sh" start >/dev/null
"$emul/loop-vg" up "$vg" "${BENCH_LVM_VG_MIB:-4352}" "$pv_file" >/dev/null
"$here/imgtrust" bench all --glance "http://127.0.0.1:$GLANCE_PORT" --ceph-conf "$IMGTRUST_CEPH_DIR/ceph.conf" \
  --volume-group "$vg" "$@"
