"""The core's own pages, the per-request refresh, and error pages."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..api import problems
from ..fields import localize
from ..ui import flatten_sorted
from ..views.nav import entity_navigation
from ..views.present import record_url

log = logging.getLogger("trato.web")


class CatchUp:
    """WSGI middleware: catch up with other processes before Flask routes the URL.

    Routing happens before `before_request`, so the routes of a plugin that
    another process just enabled (and this one must adopt) have to exist by
    then. Costs one indexed read per request; static files skip it.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.inner = app.wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            with self.app.app_context():
                try:
                    environ["trato.ready"] = self.app.extensions["trato"].refresh()
                except Exception:
                    log.exception("could not catch up with the shared state before %s", environ.get("PATH_INFO"))
                    raise
        return self.inner(environ, start_response)


def _guard() -> Any:
    if request.endpoint == "static":
        return None
    if not request.environ.get("trato.ready", False):
        return render_template("errors/not_initialised.html"), 503
    current_app.extensions["trato"].plugins.guard_request(request.blueprint)
    return None


def _navigation() -> list[Any]:
    if not current_user.is_authenticated:
        return []
    user = current_user._get_current_object()
    hook = current_app.extensions["trato"].plugins.hook
    return flatten_sorted([*hook.navigation(user=user), entity_navigation(user)])


def _http_error(err: HTTPException) -> Any:
    if request.path.startswith("/api/"):
        return problems.from_http(err).response()
    return render_template("errors/error.html", code=err.code, reason=err.description), err.code


def register_core_views(app: Flask) -> None:
    from .. import views
    from ..activity import setup as activity
    from ..search import page as search_page
    from ..views import transfer_pages
    from ..api import bp as api
    from ..api import docs as api_docs
    from . import (  # noqa: F401  (admin_* add to admin)
        account, admin, admin_audit, admin_entities, admin_roles, admin_teams, admin_users, auth, home, jobs, profile,
        recycle_bin,
    )

    app.wsgi_app = CatchUp(app)  # type: ignore[method-assign]
    app.before_request(_guard)
    for module in (auth, home, admin, account, jobs, profile, recycle_bin):
        app.register_blueprint(module.bp)
    app.register_blueprint(api)
    app.register_blueprint(api_docs.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(transfer_pages.bp)
    activity.register(app)
    app.register_blueprint(search_page.bp)
    app.add_template_filter(localize, "localize")
    app.add_template_global(record_url, "record_url")
    app.context_processor(lambda: {"navigation": _navigation})
    app.register_error_handler(HTTPException, _http_error)
