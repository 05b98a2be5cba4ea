#!/usr/bin/env bash
# Builds imgtrust and runs `imgtrust demo`, the whole story. As root it first installs what is missing (the JDK and
# Maven; what the demo runs: qemu-img, prlimit, chattr, libvirt, Ceph, lvm2, Glance) and starts throwaway services
# for it on their own ports and directories, so they never touch the test suite's: a Glance v2 API (file store), a
# one-node Ceph cluster, and an LVM volume group on a loop device; the demo installs the real libvirt hook for its
# own configuration (and removes it). It stops them again when the demo ends.
# As another user it runs the demo without services and says what it skipped.
# Extra arguments go to `imgtrust demo` (see `./imgtrust demo --help`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
if [[ $(id -u) -ne 0 ]]; then
  command -v mvn >/dev/null && command -v javac >/dev/null || apt_install "${BUILD_PACKAGES[@]}"
  echo "run-demo: not root, so no Glance, Ceph, LVM or libvirt set-up; the demo skips what needs them" >&2
  exec "$here/imgtrust" demo "$@"
fi
apt_install "${BUILD_PACKAGES[@]}" "${DEMO_PACKAGES[@]}" "${LIBVIRT_PACKAGES[@]}" "${CEPH_PACKAGES[@]}" \
  "${LVM_PACKAGES[@]}" "${GLANCE_PACKAGES[@]}"

export GLANCE_DIR=/tmp/imgtrust-demo-glance GLANCE_PORT=9396
export IMGTRUST_CEPH_DIR=/run/imgtrust-demo-ceph IMGTRUST_CEPH_PORT=3310
vg=imgtrust-demo pv_file=/var/tmp/imgtrust-demo-pv.img
emul="$here/scripts/lvm-emulation"
if [[ ! -e /dev/mapper/control ]]; then
  # This kernel has no device-mapper: lvm2 keeps metadata only and the test-only emulation makes each LV's device.
  echo "run-demo: no device-mapper here; LV activation is emulated with loop devices (scripts/lvm-emulation)" >&2
  export LVM_SYSTEM_DIR="$emul/etc" PATH="$emul/bin:$PATH"
fi
hook=/etc/libvirt/hooks/qemu.d/50-imgtrust-demo # the demo installs it and removes it; also after a crash
cleanup() {
  if [[ -e $hook ]]; then rm -f "$hook"; pkill -HUP -x libvirtd || true; fi
  "$emul/loop-vg" down "$vg" "$pv_file" >/dev/null 2>&1 || true
  "$here/scripts/glance-up.sh" stop >/dev/null 2>&1 || true
  "$here/scripts/ceph-up.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
remove_test_hooks
"$here/scripts/libvirt-up.sh"
"$here/scripts/ceph-up.sh" start >/dev/null
"$here/scripts/glance-up.sh" start >/dev/null
"$emul/loop-vg" up "$vg" 512 "$pv_file" >/dev/null
"$here/imgtrust" demo --glance "http://127.0.0.1:$GLANCE_PORT" --glance-store "$GLANCE_DIR/images" \
  --ceph-conf "$IMGTRUST_CEPH_DIR/ceph.conf" --lvm-vg "$vg" "$@"
