"""Answers for the faults of `trato.faults`: a page for people, problem+json for the API, never a 500.

The page is drawn without the database (which may be the thing that
failed): no signed-in user is loaded for it, and its language is the one
already known for the request.
"""
from __future__ import annotations

import logging
import sqlite3
from typing import Any

import psycopg
from flask import Flask, Response, current_app, g, make_response, request, session
from flask_babel import force_locale
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .. import db
from ..api.problems import Problem
from ..faults import DISK_FULL, MAINTENANCE, REDIS_RAISED, REDIS_UNAVAILABLE, Fault, classify
from ..i18n import LANGUAGES, _

log = logging.getLogger("trato.web")
# What a fault can be raised as: SQLAlchemy's wrappers, the drivers' own errors (the job queue's SQLite is used
# directly), the pool waiting too long, Redis not answering, and the file system.
RAISED = (DBAPIError, PoolTimeout, sqlite3.Error, psycopg.Error, *REDIS_RAISED, OSError)


def _texts(fault: Fault) -> tuple[str, str]:
    """The title and the explanation of a fault, for people."""
    if fault is DISK_FULL:
        return _("The server's disk is full"), _(
            "The server has no room left to store anything, so what you sent was not saved. "
            "Tell your administrator; once there is room again, repeat it.")
    if fault is MAINTENANCE:
        return _("Trato is being upgraded"), _(
            "The administrator is upgrading Trato. This takes a minute or two; the page reloads by itself "
            "when it is done. Nothing you saved before is lost.")
    if fault is REDIS_UNAVAILABLE:
        return _("A service the server needs is not available"), _(
            "The server cannot reach the service that keeps its counters and background jobs. Try again in a "
            "moment; if you were saving something, check whether it was saved before you repeat it.")
    if fault.kind == "database-busy":
        return _("The server is busy"), _(
            "The database was busy with other changes and this request could not wait any longer. "
            "Try again in a moment; if you were saving something, check whether it was saved before you repeat it.")
    return _("The database is not available"), _(
        "The database cannot be reached at the moment. Try again in a moment; if you were saving something, "
        "check whether it was saved before you repeat it.")


def _known_locale() -> str | None:
    """The request's language without asking the database: the signed-in user's as already loaded, the one
    chosen for the session, or the browser's."""
    user = g.get("_login_user")  # flask-login's user of this request, when it was loaded before the fault
    state = inspect(user, raiseerr=False) if user is not None else None
    chosen = state.dict.get("locale") if state is not None else None
    if chosen not in LANGUAGES:
        chosen = session.get("locale")
    return chosen if chosen in LANGUAGES else request.accept_languages.best_match(list(LANGUAGES))


def response_for(exc: BaseException | None) -> Response | None:
    """The answer to a fault (logged for the administrator), or None when `exc` is not one."""
    fault = classify(exc)
    if fault is None:
        return None
    log.error("%s on %s %s: %s", fault.kind, request.method, request.path, exc)
    db.close_session()  # its transaction failed; nothing more is read through it
    return answer(fault)


def answer(fault: Fault) -> Response:
    """The page, or for the API the problem, that tells what `fault` means and when to try again."""
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
    with force_locale(_known_locale() or "en"):
        title, detail = _texts(fault)
        if request.path.startswith("/api/"):
            return Problem(fault.status, title, detail, fault.kind, headers=headers).response()
        # Drawn from the template alone: the app's context processors would load the signed-in user.
        page = current_app.jinja_env.get_template("errors/unavailable.html").render(
            title=title, detail=detail, refresh=fault.retry_after * 3 if fault.retry_after and request.method == "GET"
            else None)
    response = make_response(page, fault.status)
    response.headers.update(headers)
    return response


def _handle(exc: Exception) -> Any:
    answer = response_for(exc)
    if answer is None:
        raise exc  # not a fault: Flask's 500, logged with its traceback
    return answer


def register(app: Flask) -> None:
    for kind in RAISED:
        app.register_error_handler(kind, _handle)
