#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 supports 3.8-3.10; we pin 3.10).
# Order: $PYTHON if given, python3.10 on PATH (a pyenv shim only counts if it really runs),
# then pyenv's own versions directory.
set -u

works() { [ -n "$1" ] && "$1" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; }

if [ -n "${PYTHON:-}" ]; then
  if works "$PYTHON"; then echo "$PYTHON"; exit 0; fi
  echo "error: PYTHON=$PYTHON is not a working Python 3.10 interpreter." >&2
  exit 1
fi

candidate=$(command -v python3.10 2>/dev/null || true)
if works "$candidate"; then echo "$candidate"; exit 0; fi

pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
if command -v pyenv >/dev/null 2>&1; then pyenv_root=$(pyenv root); fi
for candidate in "$pyenv_root"/versions/3.10*/bin/python3.10; do
  if works "$candidate"; then echo "$candidate"; exit 0; fi
done

cat >&2 <<'MSG'
error: no Python 3.10 interpreter found.
Rasa 3.6 needs Python 3.8-3.10; this project pins 3.10. Install one of:
  - Debian/Ubuntu:  apt-get install python3.10 python3.10-venv   (where the release has it)
  - pyenv:          pyenv install 3.10
then run the command again, or point PYTHON=/path/to/python3.10 at it.
MSG
exit 1
