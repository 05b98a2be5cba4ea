#!/usr/bin/env bash
# Installs what the tests need and runs every test: unit tests (surefire) and integration tests against real
# components (failsafe, *IT). In the integration run a missing component fails the test; nothing is skipped.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
apt_install "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${LIBVIRT_PACKAGES[@]}" "${LVM_PACKAGES[@]}"
"$here/scripts/libvirt-up.sh"
cd "$here"
mvn -B -ntp verify "$@"
