# Sourced by the cluster scripts after scripts/env.sh: where the cluster's state lives
# and which loopback ports it takes (defaults chosen beside `make run`'s 5005/5055/8000,
# so both can run at once). Every value can be set in .env or the environment.
# shellcheck disable=SC2034
CLUSTER_DIR=$(realpath -m "${CLUSTER_DIR:-var/cluster}")
export CLUSTER_DIR
# The one entry point: nginx in front of the Rasa instances and the service desk.
export CLUSTER_PORT=${CLUSTER_PORT:-8080}
# nginx's internal port in front of the action server pool (Rasa instances only).
export CLUSTER_ACTIONS_LB_PORT=${CLUSTER_ACTIONS_LB_PORT:-5156}
export CLUSTER_RASA_INSTANCES=${CLUSTER_RASA_INSTANCES:-2}
# Instance i (1-based) listens on CLUSTER_RASA_BASE_PORT + i - 1.
export CLUSTER_RASA_BASE_PORT=${CLUSTER_RASA_BASE_PORT:-5105}
export CLUSTER_ACTION_INSTANCES=${CLUSTER_ACTION_INSTANCES:-1}
export CLUSTER_ACTIONS_BASE_PORT=${CLUSTER_ACTIONS_BASE_PORT:-5165}
export CLUSTER_DESK_PORT=${CLUSTER_DESK_PORT:-8100}
export CLUSTER_PG_PORT=${CLUSTER_PG_PORT:-5433}
export CLUSTER_REDIS_PORT=${CLUSTER_REDIS_PORT:-6380}
# Seconds a process that exited waits before its restart (and longer while
# $CLUSTER_DIR/run/<name>.hold exists: a service held down for maintenance).
export CLUSTER_RESTART_DELAY=${CLUSTER_RESTART_DELAY:-2}

# PostgreSQL: one server, three databases, one role. The password is random per
# checkout (var/cluster_pg_password) unless set.
export CLUSTER_PG_USER=${CLUSTER_PG_USER:-assistant}
secret CLUSTER_PG_PASSWORD cluster_pg_password
pg="postgresql://$CLUSTER_PG_USER:$CLUSTER_PG_PASSWORD@127.0.0.1:$CLUSTER_PG_PORT"
export TRACKER_STORE_URL=$pg/tracker
export ANALYTICS_DATABASE_URL=$pg/analytics
export SERVICEDESK_DATABASE_URL=$pg/servicedesk
unset pg

# What the components see of each other: everything goes through nginx, so the widget,
# the workbench, the desk's calls into Rasa and the actions' calls into the desk all
# take the path a user's browser takes.
export PUBLIC_URL=${PUBLIC_URL:-http://127.0.0.1:$CLUSTER_PORT}
export SERVICEDESK_URL=$PUBLIC_URL
export WIDGET_SOCKET_URL=$PUBLIC_URL
export RASA_URL=$PUBLIC_URL/rasa
export RASA_CORS_ORIGINS="$PUBLIC_URL"
export ACTION_SERVER_URL=http://127.0.0.1:$CLUSTER_ACTIONS_LB_PORT/webhook
export REDIS_HOST=127.0.0.1
export REDIS_PORT=$CLUSTER_REDIS_PORT
# socket.io across instances: an agent's reply reaches the widget's socket whichever
# instance the desk's HTTP call landed on (addons/socketio_fanout.py).
export SOCKETIO_REDIS_URL=redis://127.0.0.1:$CLUSTER_REDIS_PORT/1
# A conversation's lock in Redis outlives an instance killed in the middle of a turn
# until it expires: 20 s instead of Rasa's 60 (a turn takes well under a second; the
# slowest, with the desk timing out and retried, about 10 s).
export TICKET_LOCK_LIFETIME=${TICKET_LOCK_LIFETIME:-20}
