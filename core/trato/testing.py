"""The testing kit for Trato and its plugins: a pytest plugin.

Fixtures:

- `trato_db_url`: a throwaway database. SQLite in the test's temporary folder,
  or, when `TRATO_TEST_DATABASE_URL` names a PostgreSQL database, a new
  database on that server that is dropped afterwards.
- `make_app(plugins=[...], extra_plugins={...}, **settings)`: a migrated app
  with those plugins enabled, copied from a template when an earlier test of
  the process built the same (trato.testing_databases). Jobs run in-process (Huey immediate mode) and
  CSRF checks are off unless `csrf=True`.
- `app`: `make_app()` with no plugin.
- `make_user(email=None, admin=False, role=None, teams=(), **fields)`: a user
  in `app`'s database with that role (by name; the administrator role when
  `admin`, else the `default_role` setting's) and member of those team ids.
- `client_as(user_or_role)`: a test client signed in as that user, or as a new
  user: `"admin"`, `"user"` (the default role) or a role's name (`"read_only"`).
- `api_client_as(user_or_role, scope="write")`: an `ApiClient` of the REST
  API holding a new token of that user (`api.get("trade_deal")` calls
  `/api/v1/trade_deal` with `Authorization: Bearer ...`); `scope="read"` for
  a read-only token. `api_token(app, user, scope)` makes just the token.
- `make_record(entity, owner=None, **values)`: a record created through the
  record service (so validation, hooks and audit apply) as `owner`, or as an
  administrator made for the purpose.

Function: `migration_drift(app, prefix)`, what a plugin's migrations left
different from its models.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from . import migrate, sessions
from .app import create_app
from .hooks import switch
from .hooks.plugin import Plugin
from .models import User
from .roles.membership import default_role, set_teams
from .settings import Settings
from .testing_databases import TEMPLATES, is_empty, postgres_database
from .users import create_user

TEST_PASSWORD = "correct-horse-battery"
ENV_URL = "TRATO_TEST_DATABASE_URL"


@pytest.fixture
def trato_db_url(tmp_path: Path) -> Iterator[str]:
    with throwaway_database(tmp_path) as url:
        yield url


@contextmanager
def throwaway_database(folder: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file in `folder`, or a new database on the server
    `TRATO_TEST_DATABASE_URL` names, dropped on the way out. For fixtures of a wider scope than `trato_db_url`'s."""
    base = os.environ.get(ENV_URL, "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{folder / 'trato-test.db'}"
        return
    with postgres_database(base) as url:
        yield url


def build_app(instance: Path, database_url: str, plugins: list[str] | tuple[str, ...] = (),
              extra_plugins: dict[str, Plugin] | None = None, csrf: bool = False, **settings: Any) -> Flask:
    """A migrated app on `database_url` with `plugins` enabled.

    An empty database starts as a copy of the one the first such build made in
    this process with the same plugins, settings and plugin code
    (trato.testing_databases)."""
    key = TEMPLATES.key(database_url, tuple(plugins), settings, extra_plugins) if is_empty(database_url) else None
    copied = key is not None and TEMPLATES.copy_into(key, database_url)
    config = Settings(instance_path=instance, database_url=database_url, secret_key="test-secret-key",
                      jobs_immediate=settings.pop("jobs_immediate", True), **settings)
    app = create_app(config, extra_plugins=extra_plugins)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=csrf)
    state = app.extensions["trato"]
    if copied:
        state.refresh()
        return app
    with state.engine.begin() as conn:
        migrate.upgrade(conn, state.plugins.records, [])
    state.refresh()
    with app.app_context():  # as in a request or a command: plugin_enabled hooks may use app-bound services
        for name in plugins:
            switch.enable(app, name)
    if key is not None:
        TEMPLATES.keep(key, state.engine)
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
    """A test client holding a session of `user`, as if they had just signed in (no password typed)."""
    client = app.test_client()
    with client.session_transaction() as sess, app.test_request_context(), \
            app.extensions["trato"].sessionmaker() as dbs:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sessions.begin(dbs, user, remember=False, store=sess)
        dbs.commit()
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


class ApiClient:
    """A test client of the REST API that sends `Authorization: Bearer <token>` on every call.

    Paths are relative to /api/v1 (`api.get("trade_deal")`); `token` is None for a client without one."""

    def __init__(self, client: FlaskClient, token: str | None, user: User | None) -> None:
        self.client = client
        self.token = token
        self.user = user

    def call(self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.client.open(f"/api/v1/{path}", method=method, headers=sent | (headers or {}), **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, **kwargs)


def api_token(app: Flask, user: User, scope: str = "write", name: str = "tests") -> str:
    """The text of a new API token of `user` (`scope` "read" or "write")."""
    from . import tokens

    with app.extensions["trato"].sessionmaker() as session:
        _token, text = tokens.create(session, session.get(User, user.id), name, scope, None)
        session.commit()
    return text


@pytest.fixture
def api_client_as(make_app: AppFactory, make_user: Callable[..., User]) -> Callable[..., ApiClient]:
    """An API client holding a new token of `who` (as `client_as` takes it: a User, `"admin"`, `"user"` or a
    role's name), with `scope="write"` (or `"read"`), in the latest app or `app=`."""

    def factory(who: User | str = "user", app: Flask | None = None, scope: str = "write") -> ApiClient:
        target = app or make_app.latest
        user = who if isinstance(who, User) else make_user(admin=(who == "admin"),
                                                            role=None if who in ("admin", "user") else who, app=target)
        return ApiClient(target.test_client(), api_token(target, user, scope), user)

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


def _table_of(diff: Any) -> str:
    """The table an Alembic autogenerate difference is about."""
    first = diff[0] if isinstance(diff, list) else diff
    kind, subject = first[0], first[1]
    if kind.endswith("_table"):
        return str(subject.name)
    if kind.endswith("_index") or kind.endswith("_constraint"):
        return str(subject.table.name)
    return str(first[2])  # add_column/remove_column/modify_*: (kind, schema, table, ...)


def migration_drift(app: Flask, prefix: str) -> list[Any]:
    """Alembic's differences between the database `app`'s migrations made and the models, for the tables
    whose names start with `prefix` (a plugin's, such as "sales_"): empty when its revisions make the tables,
    columns, indexes and keys its models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from .db import Base

    with app.app_context(), app.extensions["trato"].engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": migrate.include_object,
                                                        "target_metadata": Base.metadata})
        return [d for d in compare_metadata(context, Base.metadata) if _table_of(d).startswith(prefix)]
