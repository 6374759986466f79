# Sourced by the run scripts: settings from .env (if any) over working defaults.
# shellcheck disable=SC2034
if [ -f .env ]; then
  set -a
  # shellcheck disable=SC1091
  . ./.env
  set +a
fi

export RASA_TELEMETRY_ENABLED=${RASA_TELEMETRY_ENABLED:-false}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
export SQLALCHEMY_SILENCE_UBER_WARNING=1
# Library deprecation notices (pkg_resources, pyparsing, distutils) are noise for users.
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore::DeprecationWarning}
export PYTHONPATH=${PWD}${PYTHONPATH:+:$PYTHONPATH}
# Servers listen on loopback only; a reverse proxy in front is the way to expose them.
export RASA_HOST=${RASA_HOST:-127.0.0.1}
export RASA_PORT=${RASA_PORT:-5005}
export SANIC_HOST=${SANIC_HOST:-127.0.0.1}
export ACTION_SERVER_PORT=5055  # fixed: endpoints.yml points the Rasa server at it

mkdir -p var
# The Rasa HTTP API (--enable-api) is protected by a token. Without one configured we make
# a random one per checkout and keep it in var/ (never committed).
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  if [ ! -s var/rasa_auth_token ]; then
    (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > var/rasa_auth_token)
  fi
  RASA_AUTH_TOKEN=$(cat var/rasa_auth_token)
fi
export RASA_AUTH_TOKEN
