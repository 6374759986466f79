#!/usr/bin/env bash
# Runs a Rasa command (shell, interactive) with the action server in the background.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
.venv/bin/rasa run actions --port "$ACTION_SERVER_PORT" > var/actions.log 2>&1 &
actions=$!
trap 'kill $actions 2>/dev/null || true' EXIT INT TERM
"$@" --endpoints endpoints.yml
