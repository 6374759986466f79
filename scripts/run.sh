#!/usr/bin/env bash
# Starts the service desk (8000; in demo mode, on here by default, seeded with demo data
# when empty), the action server (5055) and the Rasa server (5005, socket.io + REST, HTTP
# API behind a token), and stops all of them on Ctrl-C or when any exits.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

# Demo mode, empty analytics store: 30 days of generated history for the dashboard,
# landed through the event broker like real conversations (nothing otherwise).
.venv/bin/python scripts/demo_history.py

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/python -m servicedesk serve --host 127.0.0.1 --port "$SERVICEDESK_PORT" &
pids+=($!)
.venv/bin/rasa run actions --port "$ACTION_SERVER_PORT" &
pids+=($!)
# The API token and the allowed origins come from the environment (scripts/serve_rasa.py),
# never the command line.
.venv/bin/python scripts/serve_rasa.py \
  --interface "$RASA_HOST" --port "$RASA_PORT" \
  --model models/assistant.tar.gz --credentials credentials.yml --endpoints endpoints.yml &
pids+=($!)

cat <<MSG

Starting the assistant (about 20 s until the model is loaded):
  REST     curl -s -XPOST http://$RASA_HOST:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"u1","message":"你好"}'
  socket   http://$RASA_HOST:$RASA_PORT/socket.io
  API      token in RASA_AUTH_TOKEN (default: var/rasa_auth_token)
  desk     http://127.0.0.1:$SERVICEDESK_PORT/docs
Press Ctrl-C to stop.

MSG
case "${SERVICEDESK_DEMO,,}" in
  0 | false | no | "")
    echo "Demo mode is OFF: no demo customers, demo agents or /api/demo."
    ;;
  *)
    cat <<MSG
DEMO MODE IS ON: public demo customers (tokens listed, unauthenticated, at
  http://127.0.0.1:$SERVICEDESK_PORT/api/demo/customers), demo agents agent1, agent2 and
  lead (passwords drawn for this install, listed at
  http://127.0.0.1:$SERVICEDESK_PORT/api/demo/agents), one-time codes shown in the desk's
  log and at /api/demo/sms (演示短信), demo data seeded into an empty database.
  Not for real customers: turn it off with SERVICEDESK_DEMO=0 (in .env or the environment).

MSG
    ;;
esac
wait -n "${pids[@]}"
