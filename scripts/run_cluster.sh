#!/usr/bin/env bash
# The multi-instance deployment on this machine, loopback only, state in var/cluster/:
# a private PostgreSQL (tracker store, analytics store, service desk), Redis (Rasa's lock
# store, socket.io fan-out), CLUSTER_RASA_INSTANCES Rasa servers and
# CLUSTER_ACTION_INSTANCES action servers, the service desk, and nginx in front of them
# (scripts/cluster_nginx.py). Every process is supervised: one that exits is started
# again after CLUSTER_RESTART_DELAY seconds (held while $CLUSTER_DIR/run/<name>.hold
# exists). Ctrl-C stops everything. docker-compose.yml is the same topology.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. scripts/cluster_env.sh
. scripts/cluster_postgres.sh

RUN=$CLUSTER_DIR/run
LOGS=$CLUSTER_DIR/logs
started_at=$SECONDS
mkdir -p "$RUN" "$LOGS" "$CLUSTER_DIR/redis" "$CLUSTER_DIR/nginx"

# One cluster per state folder; the lock is inherited by every process of the cluster.
exec 9>"$RUN/lock"
if ! flock -n 9; then
  echo "A cluster already runs from $CLUSTER_DIR; stop it first (Ctrl-C)." >&2
  exit 1
fi
rm -f "$RUN"/*.pid "$RUN"/*.hold "$RUN/stopping" "$RUN/ready"

rasa_ports=() action_ports=()
for ((i = 0; i < CLUSTER_RASA_INSTANCES; i++)); do
  rasa_ports+=($((CLUSTER_RASA_BASE_PORT + i)))
done
for ((i = 0; i < CLUSTER_ACTION_INSTANCES; i++)); do
  action_ports+=($((CLUSTER_ACTIONS_BASE_PORT + i)))
done
for port in "$CLUSTER_PORT" "$CLUSTER_ACTIONS_LB_PORT" "$CLUSTER_DESK_PORT" \
  "$CLUSTER_PG_PORT" "$CLUSTER_REDIS_PORT" "${rasa_ports[@]}" "${action_ports[@]}"; do
  if (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use; set the CLUSTER_*PORT variables (.env.example)." >&2
    exit 1
  fi
done

# Started in this order, stopped in the reverse one.
services=()
supervisors=()
supervise() {
  local name=$1
  shift
  services+=("$name")
  (
    while :; do
      "$@" >>"$LOGS/$name.log" 2>&1 &
      echo $! >"$RUN/$name.pid"
      rc=0
      wait $! || rc=$?
      [ -e "$RUN/stopping" ] && exit 0
      echo "$(date -u +%T) $name exited ($rc); restarting in ${CLUSTER_RESTART_DELAY}s" >&2
      sleep "$CLUSTER_RESTART_DELAY"
      while [ -e "$RUN/$name.hold" ] && [ ! -e "$RUN/stopping" ]; do sleep 0.5; done
      [ -e "$RUN/stopping" ] && exit 0
    done
  ) &
  supervisors+=($!)
}

stop() {
  trap - INT TERM EXIT
  echo "Stopping the cluster"
  touch "$RUN/stopping"
  local i name pid signal
  for ((i = ${#services[@]} - 1; i >= 0; i--)); do
    name=${services[i]}
    pid=$(cat "$RUN/$name.pid" 2>/dev/null) || continue
    # PostgreSQL: SIGINT is its fast shutdown (SIGTERM waits for every client).
    signal=TERM
    [ "$name" = postgres ] && signal=INT
    kill -s "$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -s KILL "$pid" 2>/dev/null || true
  done
  wait "${supervisors[@]}" 2>/dev/null || true
  rm -f "$RUN"/*.pid "$RUN/stopping" "$RUN/ready"
}
trap stop INT TERM EXIT

# Waits for `check` (a command) to succeed, or gives up after `timeout` seconds.
await() {
  local what=$1 timeout=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "$what not ready after ${timeout}s; see $LOGS/" >&2
      exit 1
    fi
    sleep 1
  done
}
http_ok() { curl -fsS -o /dev/null --max-time 3 "$1"; }

bash scripts/install_cluster.sh

pg_init
supervise postgres pg_serve
await PostgreSQL 60 pg_ready
pg_provision

supervise redis redis-server --bind 127.0.0.1 --port "$CLUSTER_REDIS_PORT" \
  --dir "$CLUSTER_DIR/redis" --save "" --appendonly no --protected-mode yes
await Redis 30 redis-cli -p "$CLUSTER_REDIS_PORT" ping

.venv/bin/python scripts/cluster_prepare.py
if [ "${CLUSTER_DEMO_HISTORY:-1}" != 0 ]; then
  .venv/bin/python scripts/demo_history.py
fi

supervise desk .venv/bin/python -m servicedesk serve --host 127.0.0.1 \
  --port "$CLUSTER_DESK_PORT"
for ((i = 0; i < CLUSTER_ACTION_INSTANCES; i++)); do
  supervise "actions-$((i + 1))" .venv/bin/rasa run actions --port "${action_ports[i]}"
done
for ((i = 0; i < CLUSTER_RASA_INSTANCES; i++)); do
  supervise "rasa-$((i + 1))" .venv/bin/python scripts/serve_rasa.py \
    --interface 127.0.0.1 --port "${rasa_ports[i]}" --model models/assistant.tar.gz \
    --credentials credentials.yml --endpoints cluster/endpoints.yml
done

# As root, nginx's workers drop to www-data; they write request bodies and large
# responses to its temp folders, which must be theirs.
nginx_user=()
if [ "$(id -u)" -eq 0 ]; then
  worker=www-data
  id "$worker" >/dev/null 2>&1 || worker=nobody
  nginx_user=(--user "$worker")
  for kind in client_body proxy fastcgi uwsgi scgi; do
    mkdir -p "$CLUSTER_DIR/nginx/$kind"
  done
  chown -R "$worker" "$CLUSTER_DIR/nginx"
  chmod o+x "$CLUSTER_DIR"
fi
.venv/bin/python scripts/cluster_nginx.py --state "$CLUSTER_DIR" "${nginx_user[@]}" \
  --listen "127.0.0.1:$CLUSTER_PORT" --desk "127.0.0.1:$CLUSTER_DESK_PORT" \
  --rasa "${rasa_ports[@]/#/127.0.0.1:}" \
  --actions-listen "127.0.0.1:$CLUSTER_ACTIONS_LB_PORT" \
  --actions "${action_ports[@]/#/127.0.0.1:}" >"$CLUSTER_DIR/nginx.conf"
supervise nginx /usr/sbin/nginx -p "$CLUSTER_DIR" -c "$CLUSTER_DIR/nginx.conf" \
  -e "$LOGS/nginx-error.log" -g "daemon off;"

cat <<MSG

Cluster starting (state and logs in $CLUSTER_DIR; Rasa loads its model in 20-60 s):
  shop, widget   $PUBLIC_URL/   (workbench $PUBLIC_URL/agent)
  REST           curl -s -XPOST $PUBLIC_URL/webhooks/rest/webhook -d '{"sender":"u1","message":"你好"}'
  socket.io      $PUBLIC_URL/socket.io/   (sticky per client: cookie rasa_node)
  Rasa HTTP API  $PUBLIC_URL/rasa/…   (token in RASA_AUTH_TOKEN, default var/rasa_auth_token)
  Rasa           ${rasa_ports[*]/#/127.0.0.1:}
  actions        ${action_ports[*]/#/127.0.0.1:}   (pool behind 127.0.0.1:$CLUSTER_ACTIONS_LB_PORT)
  desk           127.0.0.1:$CLUSTER_DESK_PORT
  PostgreSQL     127.0.0.1:$CLUSTER_PG_PORT   (databases tracker, analytics, servicedesk;
                 user $CLUSTER_PG_USER, password in CLUSTER_PG_PASSWORD or var/cluster_pg_password)
  Redis          127.0.0.1:$CLUSTER_REDIS_PORT   (db 0 lock store, db 1 socket.io fan-out)
Press Ctrl-C to stop.
MSG
if [ "${SERVICEDESK_DEMO,,}" != 0 ] && [ "${SERVICEDESK_DEMO,,}" != false ]; then
  echo "DEMO MODE IS ON (SERVICEDESK_DEMO=0 turns it off): see \`make run\` for what it means."
fi

await "service desk" 120 http_ok "$PUBLIC_URL/api/health"
for port in "${action_ports[@]}"; do
  await "action server $port" 180 http_ok "http://127.0.0.1:$port/health"
done
for port in "${rasa_ports[@]}"; do
  # Rasa answers / once its model is loaded.
  await "Rasa $port" 300 http_ok "http://127.0.0.1:$port/"
done
echo "Cluster ready after $((SECONDS - started_at)) s."
touch "$RUN/ready"

# Runs until Ctrl-C (or SIGTERM); the supervisors restart what exits.
wait "${supervisors[@]}"
