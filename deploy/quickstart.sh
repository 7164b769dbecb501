#!/usr/bin/env bash
# Trato on this machine in one command: a virtual environment in .venv, the
# core and every first-party plugin installed in editable mode, a database with
# demo data in the instance folder (SQLite unless configured otherwise), and the
# development server on http://127.0.0.1:$PORT with a job worker of its own (`trato run` starts
# and stops it; TRATO_RUN_WORKER=false when a worker runs elsewhere).
#
# Run it again at any time: it keeps the database and its administrator.
#
#   PORT                 port to serve on (default 5000)
#   TRATO_INSTANCE_PATH  instance folder (default: instance/ at the top of the checkout)
#   TRATO_*              any other setting, see docs/configuration.md
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=deploy/common.sh
. "$ROOT/deploy/common.sh"

PORT="${PORT:-5000}"
[[ "$PORT" =~ ^[0-9]+$ ]] || fail "PORT must be a port number, not '$PORT'"
instance="${TRATO_INSTANCE_PATH:-$ROOT/instance}"
mkdir -p -- "$instance"
TRATO_INSTANCE_PATH="$(cd -- "$instance" && pwd)"   # a relative path means: from where this was called
export TRATO_INSTANCE_PATH
export TRATO_BASE_URL="${TRATO_BASE_URL:-http://127.0.0.1:$PORT}"

cd "$ROOT"
ensure_venv
install_trato ""
compile_catalogues

say "Preparing the instance folder $TRATO_INSTANCE_PATH"
# Its log lines go to the terminal as they come; what it says on standard output is held back, so that the
# administrator's sign-in can be shown last, once the server (and its log lines) have started.
said="$("$VENV/bin/trato" init --demo --served-next </dev/null)"
grep -v '^Sign in' <<<"$said" || true

say "Serving Trato on $TRATO_BASE_URL with a job worker (Ctrl+C stops both)"
"$VENV/bin/trato" run --host 127.0.0.1 --port "$PORT" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"' INT TERM
for _ in $(seq 1 300); do
  "$VENV/bin/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "$TRATO_BASE_URL/health" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
printf '\n%s\n\n' "$(grep '^Sign in' <<<"$said")"
wait "$server"
