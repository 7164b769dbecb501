"""The application factory."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Flask
from sqlalchemy.exc import OperationalError

from . import db
from .entities import EntityRegistry
from .errors import ConfigError
from .extension import TratoState
from .hooks.adopt import adopt
from .hooks.discovery import discover
from .hooks.host import PluginHost
from .hooks.plugin import Plugin
from .jobs import TaskRegistry, make_huey
from .settings import Settings, load_settings, prepare_instance
from .web.rules import SharedBuilderRule
from .tasks import register_core_tasks
from . import tables as _tables  # noqa: F401  (every core table mapped before the first query)

try:
    CORE_VERSION = version("trato")
except PackageNotFoundError:  # running from a checkout that was never installed
    CORE_VERSION = "0.1.0"


class TratoFlask(Flask):
    """Flask, plus a guarded window for mounting a plugin installed while running.

    Flask refuses new routes once it has served a request, to catch set-up
    code that runs too late by mistake. Adopting a freshly installed plugin is
    deliberate, so it happens inside `late_setup()`, under a lock.
    """

    url_rule_class = SharedBuilderRule
    _late_lock = threading.Lock()
    _late = False

    @contextmanager
    def late_setup(self) -> Iterator[None]:
        with self._late_lock:
            self._late = True
            try:
                yield
            finally:
                self._late = False

    def _check_setup_finished(self, f_name: str) -> None:
        if not self._late:
            super()._check_setup_finished(f_name)

    def dispatch_request(self) -> Any:
        """The view's answer; a reading request that had to write and lost SQLite's lock runs once more as a
        writer (it only reads by its method, so running it again is safe)."""
        try:
            return super().dispatch_request()
        except OperationalError as exc:
            if not db.lost_upgrade(exc):
                raise
        return super().dispatch_request()


def create_app(settings: Settings | None = None, *, extra_plugins: dict[str, Plugin] | None = None,
               **overrides: Any) -> Flask:
    """Build a Trato app.

    `settings` defaults to the environment and the instance folder's
    `trato.toml`; keyword overrides win over both. `extra_plugins` adds
    plugins that are not installed as distributions (the testing kit uses it).
    """
    if settings is None:
        settings = load_settings(**overrides)
    prepare_instance(settings)
    app = TratoFlask("trato", instance_path=str(settings.instance_path), static_folder=None, template_folder=None)
    _configure(app, settings)

    from .logs import setup_logging

    setup_logging(app, settings.log_level, settings.log_format)
    engine = db.make_engine(settings.database_url)
    host = PluginHost(discover(CORE_VERSION, extra_plugins), trace=settings.trace_hooks, extra=extra_plugins)
    state = TratoState(
        settings=settings,
        engine=engine,
        sessionmaker=db.make_sessionmaker(engine),
        plugins=host,
        huey=make_huey(settings, settings.database_url),
    )
    if settings.replica_url:
        state.replica_engine = db.make_engine(settings.replica_url)
        state.replica_sessionmaker = db.make_sessionmaker(state.replica_engine)
    state.entities = EntityRegistry(host, state.sessionmaker)
    state.schema_listeners.append(state.entities.schema_moved)
    app.extensions["trato"] = state
    app.teardown_appcontext(db.close_session)

    from . import i18n, security, themes
    from .roles import tracking
    from . import metrics
    from .health import Probes
    from .web import register_core_views

    app.jinja_env.add_extension("jinja2.ext.do")
    themes.init_app(app, settings.theme)
    i18n.init_app(app, host)
    security.init_app(app)
    tracking.install()
    register_core_views(app)
    metrics.init_app(app)
    app.wsgi_app = Probes(app, app.wsgi_app)  # type: ignore[method-assign]  (before the catch-up)
    register_core_tasks(TaskRegistry(app, state.huey, "core", state.tasks))
    adopt(app, host.loaded)
    return app


def warm_up(app: Flask) -> None:
    """Catch up with the database and build every entity and its schemas, as a first request would.

    A server that forks its workers after this (gunicorn's `preload_app`)
    saves each of them that work and shares the memory it took. A database
    that is not reachable or not set up yet is no reason to fail here: the
    first request then does the work, or shows that the setup is missing.
    """
    state = app.extensions["trato"]
    try:
        with app.app_context():
            if state.refresh():
                for entity in state.entities.all():
                    entity.dump  # noqa: B018 - built once here rather than on the first request
    except OperationalError as exc:
        logging.getLogger("trato").warning("not warmed up: the database did not answer (%s)", exc)
    finally:
        state.engine.dispose()


def _configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=settings.secret_key,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        BABEL_DEFAULT_TIMEZONE=settings.default_timezone,
        TRATO_SETTINGS=settings,
    )
    # JSON keeps each record's fields in their schema's order; sorting the keys of every row of every
    # list was a third of the encoding's time.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if not settings.secret_key:
        raise ConfigError("no secret key: set TRATO_SECRET_KEY or let Trato write one into the instance folder")
