"""What generate.py and run.py share: the bench database, the app on it, and the bench users.

A bench database is a whole database of its own (a SQLite file, or a
PostgreSQL database whose name starts with `bench`), so that gunicorn and
other CRMs can be pointed at it by URL alone. `--fresh` drops and recreates
only such databases.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from trato import create_app, migrate, search
from trato.models import User
from trato.settings import Settings

ADMIN_EMAIL = "admin@bench.example"
REP_EMAIL = "rep{:02d}@bench.example"
REPS = 20
TEAMS = ("Norte", "Sur", "London", "Dublin")
SECRET = "bench-secret-key"


def recreate(url: str) -> None:
    """An empty database at `url`: the SQLite file removed, or the PostgreSQL database dropped and made again."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    name = parsed.database or ""
    if not name.startswith("bench"):
        raise SystemExit(f"refusing to drop {name!r}: --fresh only recreates databases named bench*")
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()


# The benches send every call from one address, far faster than the API's rate limits allow a client: the
# limits still count every call (their cost is measured), but never refuse one.
UNLIMITED = 10**9


def settings(url: str, instance: Path) -> Settings:
    return Settings(instance_path=instance, database_url=url, secret_key=SECRET, jobs_immediate=True,
                    api_requests_per_minute=UNLIMITED, api_requests_per_minute_per_ip=UNLIMITED,
                    slow_filter_ms=UNLIMITED)  # no slow-filter notes: run.py makes the filter indexes it measures


def server_env(url: str, instance: Path) -> dict[str, str]:
    """The environment a gunicorn worker needs to serve the same database as `open_app`."""
    return os.environ | {"TRATO_DATABASE_URL": url, "TRATO_SECRET_KEY": SECRET,
                         "TRATO_INSTANCE_PATH": str(instance), "TRATO_JOBS_IMMEDIATE": "true",
                         "TRATO_LOG_LEVEL": "WARNING", "TRATO_API_REQUESTS_PER_MINUTE": str(UNLIMITED),
                         "TRATO_API_REQUESTS_PER_MINUTE_PER_IP": str(UNLIMITED)}


def open_app(url: str, instance: Path) -> Flask:
    """The app on a bench database, brought up to date as `trato db upgrade` does (migrations, then the
    run-time search and sort indexes)."""
    instance.mkdir(parents=True, exist_ok=True)
    app = create_app(settings(url, instance))
    state = app.extensions["trato"]
    if migrate.is_initialised(state.engine):
        state.refresh()  # learn which plugins are enabled, so that their branches are upgraded too
    with state.engine.begin() as conn:
        migrate.upgrade(conn, state.plugins.records, state.plugins.enabled_in_order())
    with app.app_context():
        search.sync_all(state)
    return app


def user(app: Flask, email: str) -> User:
    """A bench user (admin or rep), detached from any session so it can be passed around."""
    with app.extensions["trato"].sessionmaker(expire_on_commit=False) as session:
        found = session.scalar(select(User).where(User.email == email))
        if found is None:
            raise SystemExit(f"no user {email}: run bench/generate.py on this database first")
        session.expunge(found)
        return found
