#!/usr/bin/env bash
# Builds imgtrust (installing the JDK and Maven first when missing) and runs `imgtrust demo`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
command -v mvn >/dev/null && command -v javac >/dev/null || apt_install "${BUILD_PACKAGES[@]}"
exec "$here/imgtrust" demo "$@"
