#!/usr/bin/env bash
# Runs `imgtrust bench lvm` on this machine: a throwaway volume group on a loop device, with the test-only lvm
# configuration and activation emulation of scripts/lvm-emulation (this kernel has no device-mapper), removed after.
# Arguments go to the bench (e.g. --size-mib 256 --runs 3). BENCH_LVM_VG_MIB sizes the group (default: room for four 1 GiB LVs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
apt_install "${LVM_PACKAGES[@]}" qemu-utils
emu="$here/scripts/lvm-emulation"
export PATH="$emu/bin:$PATH" LVM_SYSTEM_DIR="$emu/etc" LVM_SUPPRESS_FD_WARNINGS=1
vg="imgtrust_bench_$$"
file="/var/tmp/$vg.img"
"$emu/loop-vg" up "$vg" "${BENCH_LVM_VG_MIB:-4352}" "$file" >/dev/null
trap '"$emu/loop-vg" down "$vg" "$file"' EXIT
"$here/imgtrust" bench lvm --volume-group "$vg" "$@"
