"""The core's own pages, the per-request refresh, and error pages."""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..ui import flatten_sorted


def _refresh_and_guard() -> Any:
    if request.endpoint == "static":
        return None
    state = current_app.extensions["trato"]
    if not state.refresh():
        return render_template("errors/not_initialised.html"), 503
    state.plugins.guard_request(request.blueprint)
    return None


def _navigation() -> list[Any]:
    if not current_user.is_authenticated:
        return []
    hook = current_app.extensions["trato"].plugins.hook
    return flatten_sorted(hook.navigation(user=current_user._get_current_object()))


def _http_error(err: HTTPException) -> Any:
    if request.path.startswith("/api/"):
        return err
    return render_template("errors/error.html", code=err.code, reason=err.description), err.code


def register_core_views(app: Flask) -> None:
    from . import account, admin, auth, home, jobs

    app.before_request(_refresh_and_guard)
    for module in (auth, home, admin, account, jobs):
        app.register_blueprint(module.bp)
    app.context_processor(lambda: {"navigation": _navigation})
    app.register_error_handler(HTTPException, _http_error)
