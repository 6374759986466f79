# Sourced by scripts/run_cluster.sh: the cluster's private PostgreSQL server, its data
# in $CLUSTER_DIR/postgres. PostgreSQL refuses to run as root, so as root the server
# runs as the `postgres` account of Debian's package (setpriv execs it in place, so the
# supervisor's pid is the server's).

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DATA=$CLUSTER_DIR/postgres
PG_SOCKET=$CLUSTER_DIR/pgsocket

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

pg_prepare_dirs() {
  mkdir -p "$PG_DATA" "$PG_SOCKET"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$PG_DATA" "$PG_SOCKET"
    # The postgres account must reach its folders; the files beside them stay 0600.
    local dir=$CLUSTER_DIR
    while ! as_postgres test -x "$PG_DATA" 2>/dev/null && [ "$dir" != / ]; do
      chmod o+x "$dir"
      dir=$(dirname "$dir")
    done
  fi
  chmod 700 "$PG_DATA"
}

pg_init() {
  pg_prepare_dirs
  [ -s "$PG_DATA/PG_VERSION" ] && return 0
  echo "Creating the PostgreSQL cluster in $PG_DATA"
  # Local socket: trust (only its owner can reach the socket folder); TCP: password.
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$CLUSTER_DIR/logs/initdb.log"
}

# Runs in place of the calling (sub)shell, in the foreground, for the supervisor.
pg_serve() {
  local server=("$PG_BIN/postgres" -D "$PG_DATA" -p "$CLUSTER_PG_PORT"
    -c listen_addresses=127.0.0.1 -c unix_socket_directories="$PG_SOCKET"
    -c max_connections=200)
  if [ "$(id -u)" -eq 0 ]; then
    exec setpriv --reuid=postgres --regid=postgres --init-groups -- "${server[@]}"
  fi
  exec "${server[@]}"
}

pg_psql() {
  as_postgres "$PG_BIN/psql" -h "$PG_SOCKET" -p "$CLUSTER_PG_PORT" -U postgres \
    -v ON_ERROR_STOP=1 -q "$@"
}

pg_ready() {
  "$PG_BIN/pg_isready" -q -h "$PG_SOCKET" -p "$CLUSTER_PG_PORT" -U postgres
}

# The role and its three databases, created when missing; the password is (re)set to
# CLUSTER_PG_PASSWORD each start.
pg_provision() {
  pg_psql -d postgres -v user="$CLUSTER_PG_USER" -v password="$CLUSTER_PG_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'user')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
ALTER ROLE :"user" WITH LOGIN PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', name, :'user')
  FROM unnest(ARRAY['tracker', 'analytics', 'servicedesk']) AS name
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = name) \gexec
SQL
}
