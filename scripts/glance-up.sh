#!/usr/bin/env bash
# A throwaway Glance v2 API (Debian's glance-api) on 127.0.0.1 for the integration tests: sqlite database, file
# store. GLANCE_AUTH=test (the default): no Keystone, a test-only paste filter plays Keystone's authtoken (every
# request is project imgtrust-test with roles admin,member,reader; X-Auth-Token is ignored).
# GLANCE_AUTH=keystone: Glance's own keystonemiddleware authtoken validates X-Auth-Token against the Keystone of
# scripts/keystone-up.sh (KEYSTONE_URL, default http://127.0.0.1:5055/v3; service user admin, KEYSTONE_PASSWORD).
# GLANCE_STORE=file (the default) or rbd: the rbd store on the test Ceph of scripts/ceph-up.sh (IMGTRUST_CEPH_DIR;
# pool GLANCE_RBD_POOL, default glance-images, created if missing; client.admin), with show_image_direct_url and
# show_multiple_locations, so direct_url is rbd://<fsid>/<pool>/<image>/snap and locations can be PATCHed.
# Run as root.
# Usage: glance-up.sh start|stop|status|restart  (restart: stop the process only and start it again on the same
#        database and store, as an operator restarting the service; the ITs use it mid-download)
# Env:   GLANCE_DIR  (default /tmp/imgtrust-glance): config, db, log, store; wiped on start and stop
#        GLANCE_PORT (default 9393)
# start prints GLANCE_ENDPOINT=http://127.0.0.1:PORT and GLANCE_DIR=... on its last two lines.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
D=${GLANCE_DIR:-/tmp/imgtrust-glance}
PORT=${GLANCE_PORT:-9393}
AUTH=${GLANCE_AUTH:-test}
STORE=${GLANCE_STORE:-file}
CEPH_CONF_FILE=${IMGTRUST_CEPH_DIR:-/run/imgtrust-ceph}/ceph.conf
RBD_POOL=${GLANCE_RBD_POOL:-glance-images}
KEYSTONE_URL=${KEYSTONE_URL:-http://127.0.0.1:5055/v3}
KEYSTONE_PASSWORD=${KEYSTONE_PASSWORD:-imgtrust-admin}
E=http://127.0.0.1:$PORT

die() { echo "glance-up: $*" >&2; exit 1; }

running() { pid_alive "$D/glance-api.pid" glance-api; }

kill_api() { stop_group "$D/glance-api.pid" glance-api; }

stop() {
  kill_api
  wipe_dir "$D" glance-api.conf || die "not wiped"
}

store_config() {
  if [[ $STORE == rbd ]]; then
    printf '%s\n' "stores = rbd" "default_store = rbd" "rbd_store_pool = $RBD_POOL" "rbd_store_user = admin" \
      "rbd_store_ceph_conf = $CEPH_CONF_FILE" "rbd_store_chunk_size = 4"
  else
    printf '%s\n' "stores = file" "default_store = file" "filesystem_store_datadir = $D/images"
  fi
}

rbd_pool() {
  [[ -r $CEPH_CONF_FILE ]] || die "GLANCE_STORE=rbd needs the test Ceph (scripts/ceph-up.sh start): no $CEPH_CONF_FILE"
  if ! ceph --conf "$CEPH_CONF_FILE" osd pool ls | grep -qx "$RBD_POOL"; then
    ceph --conf "$CEPH_CONF_FILE" osd pool create "$RBD_POOL" 8 >/dev/null 2>&1 || die "cannot create pool $RBD_POOL"
    ceph --conf "$CEPH_CONF_FILE" osd pool set "$RBD_POOL" size 1 --yes-i-really-mean-it >/dev/null 2>&1 || true
    rbd --conf "$CEPH_CONF_FILE" pool init "$RBD_POOL" || die "cannot init pool $RBD_POOL"
  fi
}

write_config() {
  mkdir -p "$D"/{images,staging,work,lock,py}
  cat > "$D/py/imgtrust_test_auth.py" <<'PY'
"""Test-only paste filter: the request is authenticated as Keystone's authtoken would leave it."""


def filter_factory(global_conf, **local_conf):
    def _filter(app):
        def _app(environ, start_response):
            environ['HTTP_X_IDENTITY_STATUS'] = 'Confirmed'
            environ['HTTP_X_PROJECT_ID'] = 'imgtrust-test'
            environ['HTTP_X_USER_ID'] = 'imgtrust-test-user'
            environ['HTTP_X_ROLES'] = 'admin,member,reader'
            return app(environ, start_response)
        return _app
    return _filter
PY
  cat > "$D/glance-api-paste.ini" <<INI
[pipeline:glance-api]
pipeline = versionnegotiation $([[ $AUTH == keystone ]] && echo authtoken || echo testauth) context rootapp
[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app
[app:apiversions]
paste.app_factory = glance.api.versions:create_resource
[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory
[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory
[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory
[filter:testauth]
paste.filter_factory = imgtrust_test_auth:filter_factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
INI
  cat > "$D/glance-api.conf" <<INI
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $PORT
workers = 0
hashing_algorithm = sha512
log_file = $D/glance-api.log
node_staging_uri = file://$D/staging
show_image_direct_url = True
show_multiple_locations = $([[ $STORE == rbd ]] && echo True || echo False)
[database]
connection = sqlite:///$D/glance.sqlite
[paste_deploy]
flavor =
config_file = $D/glance-api-paste.ini
[glance_store]
$(store_config)
[oslo_concurrency]
lock_path = $D/lock
[task]
work_dir = $D/work
[keystone_authtoken]
www_authenticate_uri = $KEYSTONE_URL
auth_url = $KEYSTONE_URL
auth_type = password
username = admin
password = $KEYSTONE_PASSWORD
user_domain_name = Default
project_name = admin
project_domain_name = Default
INI
}

start() {
  apt_install "${GLANCE_PACKAGES[@]}"
  case "$AUTH" in test|keystone) ;; *) die "GLANCE_AUTH must be test or keystone, not '$AUTH'" ;; esac
  case "$STORE" in file) ;; rbd) apt_install "${CEPH_PACKAGES[@]}" python3-rbd python3-rados; rbd_pool ;;
    *) die "GLANCE_STORE must be file or rbd, not '$STORE'" ;; esac
  stop
  wait_port_free "$PORT"
  write_config
  glance-manage --config-file "$D/glance-api.conf" db_sync >"$D/db_sync.log" 2>&1 \
    || { tail -5 "$D/db_sync.log" >&2; die "glance-manage db_sync failed (log: $D/db_sync.log)"; }
  launch
}

restart() {
  [[ -f $D/glance-api.conf ]] || die "not started (no $D/glance-api.conf)"
  kill_api
  launch
}

launch() {
  # setsid: its own process group, which stop signals as a whole
  PYTHONPATH="$D/py" setsid glance-api --config-file "$D/glance-api.conf" >"$D/glance-api.stdout" 2>&1 &
  echo $! > "$D/glance-api.pid"
  for _ in $(seq 1 600); do # 60 s (any HTTP answer: with Keystone an unauthenticated GET is 401)
    curl -s -o /dev/null "$E/versions" && break
    running || { tail -20 "$D/glance-api.stdout" >&2; die "glance-api died during start"; }
    sleep 0.1
  done
  curl -s -o /dev/null "$E/versions" || die "glance-api did not answer on $E within 60 s (log: $D/glance-api.log)"
  echo "GLANCE_ENDPOINT=$E"
  echo "GLANCE_DIR=$D"
}

status() {
  if running && curl -s -o /dev/null "$E/versions"; then
    echo "glance-api running: GLANCE_ENDPOINT=$E pid=$(cat "$D/glance-api.pid") dir=$D"
  else
    echo "glance-api not running (dir=$D port=$PORT)"; return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) restart ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
