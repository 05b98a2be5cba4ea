#!/usr/bin/env bash
# A throwaway Keystone v3 (Debian's keystone) on 127.0.0.1 for the Glance auth tests: sqlite, fernet tokens, no
# Apache or uwsgi (keystone-wsgi-public's own wsgiref server, single-threaded: a test peer only). Bootstraps user
# admin / project admin in domain Default with password $KEYSTONE_PASSWORD and the identity endpoint. Run as root.
# Usage: keystone-up.sh start|stop|status
# Env:   KEYSTONE_DIR (default /tmp/imgtrust-keystone), KEYSTONE_PORT (default 5055),
#        KEYSTONE_PASSWORD (default imgtrust-admin)
# start prints KEYSTONE_URL=http://127.0.0.1:PORT/v3 on its last line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
D=${KEYSTONE_DIR:-/tmp/imgtrust-keystone}
PORT=${KEYSTONE_PORT:-5055}
PASSWORD=${KEYSTONE_PASSWORD:-imgtrust-admin}
URL=http://127.0.0.1:$PORT/v3

die() { echo "keystone-up: $*" >&2; exit 1; }

running() { pid_alive "$D/keystone.pid" keystone-wsgi; }

stop() {
  stop_group "$D/keystone.pid" keystone-wsgi
  wipe_dir "$D" keystone.conf || die "not wiped"
}

manage() {
  keystone-manage --config-file "$D/keystone.conf" "$@" >>"$D/manage.log" 2>&1 \
    || { tail -5 "$D/manage.log" >&2; die "keystone-manage $1 failed (log: $D/manage.log)"; }
}

start() {
  apt_install "${KEYSTONE_PACKAGES[@]}"
  stop
  wait_port_free "$PORT"
  mkdir -p "$D/fernet" "$D/credential"
  cat > "$D/keystone.conf" <<INI
[DEFAULT]
log_file = $D/keystone.log
[database]
connection = sqlite:///$D/keystone.sqlite
[token]
provider = fernet
[fernet_tokens]
key_repository = $D/fernet
[credential]
key_repository = $D/credential
INI
  manage db_sync
  manage fernet_setup --keystone-user root --keystone-group root
  manage credential_setup --keystone-user root --keystone-group root
  manage bootstrap --bootstrap-password "$PASSWORD" --bootstrap-admin-url "$URL/" \
    --bootstrap-public-url "$URL/" --bootstrap-internal-url "$URL/" --bootstrap-region-id RegionOne
  OS_KEYSTONE_CONFIG_FILES="$D/keystone.conf" setsid keystone-wsgi-public --host 127.0.0.1 --port "$PORT" \
    >"$D/keystone.stdout" 2>&1 &
  echo $! > "$D/keystone.pid"
  for _ in $(seq 1 600); do # 60 s
    curl -sf -o /dev/null "$URL" && break
    running || { tail -20 "$D/keystone.stdout" >&2; die "keystone died during start"; }
    sleep 0.1
  done
  curl -sf -o /dev/null "$URL" || die "keystone did not answer on $URL within 60 s"
  echo "KEYSTONE_URL=$URL"
}

status() {
  if running && curl -sf -o /dev/null "$URL"; then
    echo "keystone running: KEYSTONE_URL=$URL pid=$(cat "$D/keystone.pid") dir=$D"
  else
    echo "keystone not running (dir=$D port=$PORT)"; return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
