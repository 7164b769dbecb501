"""The core's own pages, the per-request refresh, and error pages."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from .. import db
from ..api import problems
from ..faults import MAINTENANCE, classify
from ..fields import localize
from ..ui import flatten_sorted
from ..views.nav import creatable, entity_navigation, grouped
from ..presentation import record_url
from . import faults

log = logging.getLogger("trato.web")
FAULT = "trato.fault"  # environ key: the database fault met while catching up, before Flask
# The methods that only read (RFC 9110's safe methods): their transactions begin as SQLite readers.
READERS = frozenset({"GET", "HEAD", "OPTIONS"})


class CatchUp:
    """WSGI middleware: catch up with other processes before Flask routes the URL.

    Routing happens before `before_request`, so the routes of a plugin that
    another process just enabled (and this one must adopt) have to exist by
    then. Costs one indexed read per request; static files skip it.

    It also says how the request uses SQLite (db.reading): GET and HEAD
    requests begin their transactions as readers, everything else as writers.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.inner = app.wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with db.reading(environ.get("REQUEST_METHOD") in READERS):
            if not environ.get("PATH_INFO", "").startswith("/static/"):
                with self.app.app_context():
                    try:
                        environ["trato.ready"] = self.app.extensions["trato"].refresh()
                    except Exception as exc:
                        if classify(exc) is None:
                            log.exception("could not catch up with the shared state before %s",
                                          environ.get("PATH_INFO"))
                            raise
                        environ[FAULT] = exc  # answered inside Flask, as a page or a problem (web.faults)
            return self.inner(environ, start_response)


def _guard() -> Any:
    if request.endpoint == "static":
        return None
    if FAULT in request.environ:
        raise request.environ[FAULT]
    if not request.environ.get("trato.ready", False):
        return render_template("errors/not_initialised.html"), 503
    if current_app.extensions["trato"].maintenance:
        return faults.answer(MAINTENANCE)
    current_app.extensions["trato"].plugins.guard_request(request.blueprint)
    return None


def _navigation() -> list[Any]:
    if not current_user.is_authenticated:
        return []
    user = current_user._get_current_object()
    hook = current_app.extensions["trato"].plugins.hook
    return flatten_sorted([*hook.navigation(user=user), entity_navigation(user)])


def _navigation_groups() -> list[Any]:
    """The side menu: the navigation entries by area."""
    return grouped(_navigation())


def _new_menu() -> list[Any]:
    """The top bar's "+ New" menu: the entities the signed-in user may create records of."""
    return creatable(current_user._get_current_object()) if current_user.is_authenticated else []


def _http_error(err: HTTPException) -> Any:
    fault = faults.response_for(getattr(err, "original_exception", None))  # raised where no handler looks
    if fault is not None:
        return fault
    if request.path.startswith("/api/"):
        return problems.from_http(err).response()
    reason = err.description if err.description != type(err).description else None  # not werkzeug's English
    return render_template("errors/error.html", code=err.code, reason=reason), err.code


def register_core_views(app: Flask) -> None:
    from .. import views
    from ..activity import setup as activity
    from ..search import page as search_page
    from ..documents import views as document_views
    from ..mail import views as mail_views
    from ..views import share_panel, transfer_pages
    from ..api import bp as api
    from ..api import docs as api_docs
    from ..mailin import views as _mail_in_views  # noqa: F401  (adds the mail-in pages to admin)
    from . import (  # noqa: F401  (admin_* add to admin)
        account, admin, admin_audit, admin_calendars, admin_companies, admin_documents, admin_entities,
        admin_filter_indexes, admin_locks, admin_mail, admin_mail_templates,
        admin_role_permissions, admin_roles,
        admin_series, admin_teams,
        admin_users, admin_versions, auth, forgot, home, jobs, profile, profile_mail, recycle_bin,
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
    share_panel.register(app)
    document_views.register(app)
    mail_views.register(app)
    app.register_blueprint(search_page.bp)
    app.add_template_filter(localize, "localize")
    app.add_template_global(record_url, "record_url")
    app.context_processor(lambda: {"navigation": _navigation, "navigation_groups": _navigation_groups,
                                   "new_menu": _new_menu})
    app.register_error_handler(HTTPException, _http_error)
    faults.register(app)
