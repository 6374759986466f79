#!/usr/bin/env bash
# Builds .venv from Python 3.10 and installs the pinned requirements.
# Idempotent: a stamp records the hash of the requirement files, so a second run is instant.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=.venv/.installed
want=$(cat requirements.txt requirements-dev.txt requirements.lock | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/rasa ]; then
  exit 0
fi

python=$(bash scripts/find_python.sh)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  echo "Creating .venv with $python"
  rm -rf .venv
  "$python" -m venv .venv
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/python -m pip install --quiet "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1"
echo "Installing pinned requirements into .venv (about 2 minutes the first time)"
.venv/bin/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt -c requirements.lock
.venv/bin/python -m pip check
echo "$want" > "$stamp"
