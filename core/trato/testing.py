"""The testing kit for Trato and its plugins: a pytest plugin.

Fixtures:

- `trato_db_url`: a throwaway database. SQLite in the test's temporary folder,
  or, when `TRATO_TEST_DATABASE_URL` names a PostgreSQL database, a fresh
  schema in it that is dropped afterwards.
- `make_app(plugins=[...], extra_plugins={...}, **settings)`: a migrated app
  with those plugins enabled. Jobs run in-process (Huey immediate mode) and
  CSRF checks are off unless `csrf=True`.
- `app`: `make_app()` with no plugin.
- `make_user(email=None, admin=False, role=None, teams=(), **fields)`: a user
  in `app`'s database with that role (by name; the administrator role when
  `admin`, else the `default_role` setting's) and member of those team ids.
- `client_as(user_or_role)`: a test client signed in as that user, or as a new
  user: `"admin"`, `"user"` (the default role) or a role's name (`"read_only"`).
- `make_record(entity, owner=None, **values)`: a record created through the
  record service (so validation, hooks and audit apply) as `owner`, or as an
  administrator made for the purpose.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from . import migrate, sessions
from .app import create_app
from .db import make_throwaway_engine
from .hooks import switch
from .hooks.plugin import Plugin
from .models import User
from .roles.membership import default_role, set_teams
from .settings import Settings
from .users import create_user

TEST_PASSWORD = "correct-horse-battery"
ENV_URL = "TRATO_TEST_DATABASE_URL"


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def trato_db_url(tmp_path: Path) -> Iterator[str]:
    base = os.environ.get(ENV_URL, "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'trato-test.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = make_throwaway_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def build_app(instance: Path, database_url: str, plugins: list[str] | tuple[str, ...] = (),
              extra_plugins: dict[str, Plugin] | None = None, csrf: bool = False, **settings: Any) -> Flask:
    """A migrated app on `database_url` with `plugins` enabled."""
    config = Settings(instance_path=instance, database_url=database_url, secret_key="test-secret-key",
                      jobs_immediate=settings.pop("jobs_immediate", True), **settings)
    app = create_app(config, extra_plugins=extra_plugins)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=csrf)
    state = app.extensions["trato"]
    with state.engine.begin() as conn:
        migrate.upgrade(conn, state.plugins.records, [])
    state.refresh()
    for name in plugins:
        switch.enable(app, name)
    return app


class AppFactory:
    """Builds apps on the test's database and remembers the latest one."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.tmp_path = tmp_path
        self.database_url = database_url
        self.apps: list[Flask] = []

    def __call__(self, plugins: list[str] | tuple[str, ...] = (), **kwargs: Any) -> Flask:
        app = build_app(self.tmp_path / f"instance{len(self.apps)}", self.database_url, plugins, **kwargs)
        self.apps.append(app)
        return app

    @property
    def latest(self) -> Flask:
        """The app the test built last, or a plain one if it built none."""
        return self.apps[-1] if self.apps else self()


@pytest.fixture
def make_app(tmp_path: Path, trato_db_url: str) -> Iterator[AppFactory]:
    factory = AppFactory(tmp_path, trato_db_url)
    yield factory
    for app in factory.apps:
        app.extensions["trato"].engine.dispose()


@pytest.fixture
def app(make_app: AppFactory) -> Flask:
    return make_app.latest


@pytest.fixture
def make_user(make_app: AppFactory) -> Callable[..., User]:
    """Create a user in the latest app's database (or `app=`'s)."""

    def factory(email: str | None = None, admin: bool = False, app: Flask | None = None, *,
                role: str | None = None, teams: Iterable[int] = (), **fields: Any) -> User:
        state = (app or make_app.latest).extensions["trato"]
        admin = admin or bool(fields.pop("is_admin", False))  # the administrator role, not a bare flag
        with state.sessionmaker() as session:
            user = create_user(session, email or f"user-{uuid.uuid4().hex[:8]}@example.com",
                               fields.pop("name", "Test User"), fields.pop("password", TEST_PASSWORD),
                               is_admin=admin, role=role or (None if admin else default_role(session, state.settings)))
            set_teams(session, user, teams)
            for key, value in fields.items():
                setattr(user, key, value)
            session.commit()
            return user

    return factory


def signed_in_client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sessions.stamp(sess)
    return client


@pytest.fixture
def client_as(make_app: AppFactory, make_user: Callable[..., User]) -> Callable[..., FlaskClient]:
    """A client signed in as `who`: a User; or, for a new user, `"admin"`, `"user"` (the default role) or
    a role's name."""

    def factory(who: User | str = "user", app: Flask | None = None) -> FlaskClient:
        target = app or make_app.latest
        if isinstance(who, User):
            user = who
        else:
            user = make_user(admin=(who == "admin"), role=None if who in ("admin", "user") else who, app=target)
        return signed_in_client(target, user)

    return factory


@pytest.fixture
def make_record(make_app: AppFactory, make_user: Callable[..., User]) -> Callable[..., Any]:
    """Create records of any entity through the record service, in the latest app."""
    from . import records

    creators: dict[int, User] = {}

    def factory(entity: str, owner: User | None = None, app: Flask | None = None, **values: Any) -> Any:
        target = app or make_app.latest
        if owner is None:
            owner = creators.get(id(target)) or creators.setdefault(id(target), make_user(admin=True, app=target))
        with target.app_context():
            return records.create(entity, values, user=owner)

    return factory
