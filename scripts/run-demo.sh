#!/usr/bin/env bash
# Builds imgtrust and runs `imgtrust demo`. As root it first installs what is missing: the JDK and Maven, and what
# the demo runs (qemu-img, prlimit, chattr). As another user it runs with what is there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
if [[ $(id -u) -eq 0 ]]; then
  apt_install "${BUILD_PACKAGES[@]}" "${DEMO_PACKAGES[@]}"
else
  command -v mvn >/dev/null && command -v javac >/dev/null || apt_install "${BUILD_PACKAGES[@]}"
fi
exec "$here/imgtrust" demo "$@"
