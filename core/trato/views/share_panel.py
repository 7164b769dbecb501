"""The "Who it is shared with" panel of every record's page: its shares, and sharing and unsharing (for who may).

The panel is a detail page slot filled through the `detail_panels` hook, so
every entity has it, a plugin's and a custom one's included. Its forms post
with HTMX and get the panel back (a refusal: 422 with the message at the
input); a plain form post is redirected to the record's page. The core's
`records_purged` implementation here removes the shares of purged records.
"""
from __future__ import annotations

import sys
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import access, db, records
from ..directory import active_users
from ..entities import Entity, UnknownEntity
from ..hooks import hookimpl
from ..i18n import _l
from ..records import RecordData, RecordNotFound
from ..records.common import entity_of
from ..roles import shares
from ..roles.models import Team
from ..ui import Fragment

NAME = "core.shares"
bp = Blueprint("shares", __name__, url_prefix="/r")
RECORD = "/<entity>/<int:record_id>/shares"


def _user() -> Any:
    return current_user._get_current_object()


def context(entity: Entity, record: RecordData, user: Any, error: shares.ShareRefused | None = None,
            submitted: Any = None) -> dict[str, Any]:
    """What the panel's template shows: the shares, and what to share with if the user may."""
    can_share = shares.may_share(user, entity, record)
    return {"entity": entity, "record": record, "shares": shares.shares_of(entity, record.id, user=user),
            "can_share": can_share, "labels": shares.ACCESS_LABELS, "error": error, "submitted": submitted or {},
            "users": [(i, n) for i, n in active_users() if i != record.get("owner_id")] if can_share else [],
            "teams": list(db.session().execute(select(Team.id, Team.name).order_by(Team.name))) if can_share else []}


@hookimpl
def detail_panels(entity: str, record: Any, user: Any) -> list[Fragment]:
    try:
        e = entity_of(entity)
    except UnknownEntity:
        return []  # a user's page, or another plugin's own page
    return [Fragment(_l("Who it is shared with"), "records/_shares.html", context(e, record, user), priority=90)]


@hookimpl
def records_purged(entity: str, ids: list[int], session: Session) -> None:
    """A record purged for good is shared with nobody any more."""
    shares.forget(session, entity, ids)


def _panel(entity: str, record_id: int, status: int = 200, error: shares.ShareRefused | None = None) -> Any:
    """The panel (HTMX) or, for a plain post, back to the record's page."""
    try:
        e = entity_of(entity)
        record = records.get(e, record_id, user=_user())
    except (UnknownEntity, RecordNotFound):
        abort(404)
    if request.method == "POST" and request.headers.get("HX-Request") != "true":
        if error is not None:
            flash(str(error), "error")
        return redirect(url_for("records.detail", entity=e.name, record_id=record_id))
    found = context(e, record, _user(), error, request.form if error else None)
    return render_template("records/_shares.html", **found), status, {"Vary": "HX-Request"}


def _grantee(value: str) -> tuple[int | None, int | None]:
    """The form's "user:<id>" or "team:<id>" as (user id, team id)."""
    kind, _sep, number = value.partition(":")
    if kind not in ("user", "team") or not number.isdigit():
        return None, None
    return (int(number), None) if kind == "user" else (None, int(number))


@bp.get(RECORD)
@login_required
def show(entity: str, record_id: int) -> Any:
    return _panel(entity, record_id)


@bp.post(RECORD)
@login_required
def add(entity: str, record_id: int) -> Any:
    to_user, to_team = _grantee(request.form.get("grantee", ""))
    try:
        shares.share(entity, record_id, user=_user(), to_user=to_user, to_team=to_team,
                     level=request.form.get("access", ""))
    except shares.ShareRefused as exc:
        return _panel(entity, record_id, 422, exc)
    except RecordNotFound:
        abort(404)
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    return _panel(entity, record_id)


@bp.post(f"{RECORD}/<int:share_id>/delete")
@login_required
def remove(entity: str, record_id: int, share_id: int) -> Any:
    try:
        shares.unshare(entity, record_id, share_id, user=_user())
    except RecordNotFound:
        abort(404)
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    return _panel(entity, record_id)


def register(app: Flask) -> None:
    """Mount the panel's routes, and this module's hook implementations beside the plugins'."""
    app.register_blueprint(bp)
    app.extensions["trato"].plugins.pm.register(sys.modules[__name__], name=NAME)
