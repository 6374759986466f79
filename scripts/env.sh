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

# Databases, logs and secrets under var/ are the owner's only: files 0600, folders 0700.
umask 077
mkdir -p var
chmod 700 var
# A secret from the environment, or else a random one made once per checkout and kept
# in var/ (never committed).
secret() {
  local name=$1 file=var/$2
  if [ -z "${!name:-}" ]; then
    if [ ! -s "$file" ]; then
      (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file")
    fi
    printf -v "$name" '%s' "$(cat "$file")"
  fi
  export "${name?}"
}
# The Rasa HTTP API (--enable-api) is protected by a token.
secret RASA_AUTH_TOKEN rasa_auth_token
# The service desk API (port 8000) trusts the action server by this bearer token.
secret SERVICEDESK_API_TOKEN servicedesk_api_token
# Key of the phone hashes in the service desk's database (without it a masked phone's
# hidden digits are a 10^4 guess). Changing it makes stored phones unfindable by number.
secret SERVICEDESK_PHONE_KEY servicedesk_phone_key
# The Rasa server signs widget session ids with it; the desk checks the signature on its
# widget endpoints. Both processes must see the same value.
secret WIDGET_SESSION_SECRET widget_session_secret
export SERVICEDESK_PORT=${SERVICEDESK_PORT:-8000}
export SERVICEDESK_URL=${SERVICEDESK_URL:-http://127.0.0.1:$SERVICEDESK_PORT}
# The desk's own default is no demo; `make run` is the demo, so it turns demo mode on
# (public demo customers and agents, /api/demo) unless SERVICEDESK_DEMO=0 is set.
export SERVICEDESK_DEMO=${SERVICEDESK_DEMO:-1}
# Rasa's event broker writes every event (masked) to the analytics store; the desk
# derives the supervisor's dashboard from the same database.
export ANALYTICS_DATABASE_URL=${ANALYTICS_DATABASE_URL:-sqlite:///var/analytics.db}
# The service desk drives handoffs through the Rasa HTTP API (with RASA_AUTH_TOKEN).
export RASA_URL=${RASA_URL:-http://$RASA_HOST:$RASA_PORT}
