#!/usr/bin/env bash
# The whole test suite, twice: on SQLite, then on PostgreSQL.
#
# On a fresh Debian machine it first installs what the tests need (as root:
# Chromium for the browser tests, poppler-utils, a font, and PostgreSQL or
# Redis when they are not reachable), starts PostgreSQL and Redis if they are
# installed but stopped, creates the `test` database, and installs Trato with
# its test extras and every first-party plugin into .venv. The sample plugins
# under tests/sample_plugins are not installed: the tests load them by path.
#
#   ./deploy/test.sh [PYTEST OPTIONS]     e.g. ./deploy/test.sh -x -k plugins
#
# Exits non-zero when either run fails or runs no test.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=deploy/common.sh
. "$ROOT/deploy/common.sh"

PG_HOST=127.0.0.1 PG_PORT=5432 PG_DB=test
PG_URL="postgresql://postgres@$PG_HOST:$PG_PORT/$PG_DB"
REDIS_HOST=127.0.0.1 REDIS_PORT=6379
DEBIAN_PACKAGES=(chromium poppler-utils fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 nginx dovecot-imapd)
export DEBIAN_FRONTEND=noninteractive
# The tests start hundreds of Python processes (each xdist worker, every `trato` command and server they
# run); with bytecode caching off, each would compile the project's sources again (about 0.4 s of CPU).
unset PYTHONDONTWRITEBYTECODE

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        fail "root is needed to run: $*"
    fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
reachable() { timeout 2 bash -c ">/dev/tcp/$1/$2" 2>/dev/null; }

wait_for() {
    local name="$1" host="$2" port="$3" tries=30
    until reachable "$host" "$port"; do
        ((--tries)) || fail "$name does not answer on $host:$port"
        sleep 1
    done
}

postgres_version() { find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1; }

install_debian_packages() {
    local missing=() pkg
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        installed "$pkg" || missing+=("$pkg")
    done
    if ! reachable "$PG_HOST" "$PG_PORT" && [[ -z "$(postgres_version)" ]]; then
        missing+=(postgresql)
    fi
    if ! reachable "$REDIS_HOST" "$REDIS_PORT" && ! command -v redis-server >/dev/null; then
        missing+=(redis-server)
    fi
    ((${#missing[@]})) || return 0
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq </dev/null
    as_root apt-get install -y -qq "${missing[@]}" </dev/null
    if [[ " ${missing[*]} " == *" postgresql "* ]]; then
        trust_loopback_postgres
    fi
}

# A freshly installed cluster asks for a password on 127.0.0.1; the tests
# connect as postgres without one, as on the development machines.
trust_loopback_postgres() {
    local hba
    hba="/etc/postgresql/$(postgres_version)/main/pg_hba.conf"
    say "Letting user postgres connect from 127.0.0.1 without a password ($hba)"
    as_root sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
    if as_root pg_ctlcluster --skip-systemctl-redirect "$(postgres_version)" main status >/dev/null 2>&1; then
        as_root pg_ctlcluster --skip-systemctl-redirect "$(postgres_version)" main reload
    fi
}

# tests/test_read_replica.py starts a streaming replica of the local cluster on loopback
# (pg_basebackup); PostgreSQL only lets it replicate with a `replication` line in pg_hba.conf.
allow_loopback_replication() {
    local hba
    hba="/etc/postgresql/$(postgres_version)/main/pg_hba.conf"
    [[ -f "$hba" ]] || return 0
    grep -Eq '^host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba" &&
        return 0
    say "Letting user postgres replicate from 127.0.0.1 without a password ($hba)"
    as_root sed -i '1i host replication postgres 127.0.0.1/32 trust' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(postgres_version)" main reload
}

start_services() {
    if ! reachable "$PG_HOST" "$PG_PORT"; then
        [[ -n "$(postgres_version)" ]] || fail "PostgreSQL is neither reachable on $PG_HOST:$PG_PORT nor installed here"
        say "Starting PostgreSQL $(postgres_version)"
        as_root pg_ctlcluster --skip-systemctl-redirect "$(postgres_version)" main start
        wait_for PostgreSQL "$PG_HOST" "$PG_PORT"
    fi
    if ! reachable "$REDIS_HOST" "$REDIS_PORT"; then
        say "Starting Redis"
        as_root mkdir -p /var/lib/redis /var/log/redis
        as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
            --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
        wait_for Redis "$REDIS_HOST" "$REDIS_PORT"
    fi
}

create_test_database() {
    "$VENV/bin/python" - "postgresql://postgres@$PG_HOST:$PG_PORT/postgres" "$PG_DB" <<'PY'
import sys

import psycopg
from psycopg import sql

admin_url, name = sys.argv[1:]
with psycopg.connect(admin_url, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"==> Created the PostgreSQL database {name}")
PY
}

# The junit reports of both runs, as lines a person and CI can read at the end.
summarise() {
    "$VENV/bin/python" - "$@" <<'PY'
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

totals = [0, 0, 0]
for report in sys.argv[1:]:
    name = Path(report).stem.removeprefix("junit-")
    counts = [0, 0, 0]
    if not Path(report).is_file():
        print(f"{name}: pytest wrote no report")
        continue
    for suite in ET.parse(report).getroot().iter("testsuite"):
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        counts = [a + b for a, b in zip(counts, (int(suite.get("tests", 0)) - failed - skipped, failed, skipped))]
    totals = [a + b for a, b in zip(totals, counts)]
    print(f"{name}: {counts[0]} passed, {counts[1]} failed, {counts[2]} skipped")
print(f"total: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
PY
}

install_debian_packages
start_services
allow_loopback_replication
cd "$ROOT"
ensure_venv
install_trato "[test]"
compile_catalogues
create_test_database

paths=(tests)
[[ -d plugins ]] && paths+=(plugins)
# Not in test-results/: pytest-playwright empties that folder when a run starts.
reports_dir="$(mktemp -d)"
trap 'rm -rf -- "$reports_dir"' EXIT
failed=()
reports=()
for backend in sqlite postgresql; do
    # The browser tests drive pages whose server side the other tests check on both databases: they run once.
    if [[ $backend == sqlite ]]; then
        backend_env=(-u TRATO_TEST_DATABASE_URL)
        only=()
    else
        backend_env=(TRATO_TEST_DATABASE_URL="$PG_URL")
        only=(-m "not browser")
    fi
    report="$reports_dir/junit-$backend.xml"
    reports+=("$report")
    say "Running the tests on $backend"
    started=$SECONDS
    status=0
    env "${backend_env[@]}" "$VENV/bin/python" -m pytest -n 2 --junitxml="$report" "${only[@]}" "${paths[@]}" "$@" \
        </dev/null ||
        status=$?
    say "$backend: pytest exited with $status after $((SECONDS - started)) s"
    # Any non-zero exit fails, including 5: a run that collected no test.
    ((status == 0)) || failed+=("$backend")
done

summarise "${reports[@]}"
if ((${#failed[@]})); then
    fail "the tests failed on: ${failed[*]}"
fi
