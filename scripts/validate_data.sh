#!/usr/bin/env bash
# `rasa data validate`, failing on any warning it prints, not only on the ones Rasa counts.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
log=$(mktemp)
.venv/bin/rasa data validate --fail-on-warnings >"$log" 2>&1
rc=$?
warnings=$(grep -E "UserWarning|FutureWarning" "$log" || true)
if [ $rc -ne 0 ] || [ -n "$warnings" ]; then
  cat "$log"
  echo "rasa data validate: failed (exit $rc) or printed warnings" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
echo "rasa data validate: no errors, no warnings"
