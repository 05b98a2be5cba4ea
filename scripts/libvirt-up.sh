#!/usr/bin/env bash
# Starts virtlogd and libvirtd (this machine has no systemd) and waits until qemu:///system answers.
# KVM is used when /dev/kvm exists; the node is made group kvm, mode 0660, so QEMU may open it. Idempotent.
# --restart stops a running libvirtd first: libvirtd reads hooks only when it starts.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
apt_install "${LIBVIRT_PACKAGES[@]}"
if [[ -e /dev/kvm ]]; then
  chgrp kvm /dev/kvm && chmod 660 /dev/kvm
fi
pgrep -x virtlogd >/dev/null || virtlogd -d
if [[ "${1:-}" == "--restart" ]] && pid="$(pgrep -x libvirtd)"; then
  kill -TERM $pid
  for _ in $(seq 1 100); do
    [[ -d /proc/$pid ]] || break
    sleep 0.1
  done
fi
if ! pgrep -x libvirtd >/dev/null; then
  LIBVIRT_LOG_OUTPUTS="3:file:/var/log/imgtrust-libvirtd.log" libvirtd -d
fi
for _ in $(seq 1 150); do
  if virsh -c qemu:///system list >/dev/null 2>&1; then
    exit 0
  fi
  sleep 0.1
done
echo "libvirt-up: libvirtd did not answer on qemu:///system within 15 s; see /var/log/imgtrust-libvirtd.log" >&2
exit 1
