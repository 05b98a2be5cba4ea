#!/usr/bin/env bash
# Installs what the tests need and runs every test: unit tests (surefire) and integration tests against real
# components (failsafe, *IT). In the integration run a missing component fails the test; nothing is skipped.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
apt_install "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${BENCH_PACKAGES[@]}" "${LIBVIRT_PACKAGES[@]}" "${LVM_PACKAGES[@]}" \
  "${CEPH_PACKAGES[@]}" "${GLANCE_PACKAGES[@]}" "${KEYSTONE_PACKAGES[@]}"
remove_test_hooks
"$here/scripts/libvirt-up.sh"
"$here/scripts/ceph-up.sh" start
"$here/scripts/glance-up.sh" start   # the fetch ITs (GLANCE_ENDPOINT http://127.0.0.1:9393, GLANCE_DIR)
GLANCE_STORE=rbd GLANCE_PORT=9395 GLANCE_DIR=/tmp/imgtrust-glance-rbd "$here/scripts/glance-up.sh" start  # Glance on Ceph ITs
"$here/scripts/keystone-up.sh" start # Keystone v3 (http://127.0.0.1:5055/v3) and a Glance that validates its tokens
GLANCE_AUTH=keystone GLANCE_PORT=9394 GLANCE_DIR=/tmp/imgtrust-glance-keystone "$here/scripts/glance-up.sh" start
cd "$here"
mvn -B -ntp verify "$@"
