"""The recycle bin: the deleted records a user may see, across every enabled entity, to restore or purge.

What is listed comes from the scoped query builder (`records.query(...,
deleted=True)`), so the access policy decides in SQL; restoring goes
through the record service, which refuses while a related record is still
in the bin. Only administrators purge by hand; the nightly task purges what
is older than the retention period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import access, db, records
from ..access import PermissionRefused
from ..entities import Entity, UnknownEntity
from ..i18n import _
from ..models import User
from ..records import RecordData, RecordError, RecordNotFound, RestoreBlocked, SaveRefused
from ..records.purge import purge_record

bp = Blueprint("recycle_bin", __name__, url_prefix="/recycle-bin")
PAGE_SIZE = 50
NEWEST_FIRST = "-deleted_at"


@dataclass(frozen=True)
class Binned:
    """One deleted record as the page shows it."""

    entity: Entity
    record: RecordData
    title: str
    deleted_at: datetime
    deleted_by: int | None
    may_restore: bool


def _user() -> Any:
    return current_user._get_current_object()


def _entity_or_404(name: str) -> Entity:
    try:
        return current_app.extensions["trato"].entities.get(name)  # type: ignore[no-any-return]
    except UnknownEntity:
        abort(404)


def _title(entity: Entity, record: RecordData) -> str:
    """The record's title, unless its field is hidden from the user (then `#id`)."""
    return entity.title_of(access.without_hidden(_user(), entity, record))


def _binned(entity: Entity, record: RecordData) -> Binned:
    return Binned(entity, record, _title(entity, record), record["deleted_at"], record["updated_by"],
                  access.allowed(_user(), entity, "restore", record))


def _listing(only: Entity | None, cursor: str | None) -> tuple[list[Binned], str | None]:
    """One entity's deleted records page by page, or the newest of every entity the user may view."""
    if only is not None:
        page = records.query(only, user=_user(), deleted=True).order_by(NEWEST_FIRST).page(PAGE_SIZE, cursor)
        return [_binned(only, r) for r in page.items], page.next_cursor
    found: list[Binned] = []
    for entity in current_app.extensions["trato"].entities.all():
        if access.allowed(_user(), entity, "view"):
            page = records.query(entity, user=_user(), deleted=True).order_by(NEWEST_FIRST).page(PAGE_SIZE)
            found += [_binned(entity, r) for r in page.items]
    found.sort(key=lambda b: b.deleted_at, reverse=True)
    return found[:PAGE_SIZE], None


def _page(status: int = 200) -> Any:
    registry = current_app.extensions["trato"].entities
    only = _entity_or_404(request.args["entity"]) if request.args.get("entity") else None
    try:
        rows, following = _listing(only, request.args.get("cursor") or None)
    except RecordError:  # a page link that was not made here
        abort(400)
    except PermissionRefused:
        abort(403)
    ids = {b.deleted_by for b in rows if b.deleted_by is not None}
    people = {u.id: u for u in db.session().scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    entities = [e for e in registry.all() if access.allowed(_user(), e, "view")]
    return render_template("recycle_bin.html", rows=rows, people=people, entities=entities, only=only,
                           next_cursor=following, retention=current_app.extensions["trato"].settings
                           .recycle_retention_days, page_size=PAGE_SIZE), status


@bp.get("")
@login_required
def index() -> Any:
    return _page()


@bp.post("/<entity>/<int:record_id>/restore")
@login_required
def restore(entity: str, record_id: int) -> Any:
    e = _entity_or_404(entity)
    try:
        record = records.restore(e, record_id, user=_user())
    except RecordNotFound:
        abort(404)
    except PermissionRefused as exc:
        flash(str(exc), "error")
        return _page(403)
    except RestoreBlocked as exc:
        flash(str(exc), "error")
        return _page(409)
    flash(_("%(entity)s “%(title)s” is restored.", entity=e.text, title=_title(e, record)), "success")
    return redirect(url_for("recycle_bin.index"), 303)


def _admin_only() -> None:
    if not getattr(_user(), "is_admin", False):
        abort(403)


@bp.get("/<entity>/<int:record_id>/purge")
@login_required
def confirm_purge(entity: str, record_id: int) -> Any:
    """Ask before removing a record for good."""
    _admin_only()
    e = _entity_or_404(entity)
    try:
        record = records.get(e, record_id, user=_user(), deleted=True)
    except RecordNotFound:
        abort(404)
    return render_template("recycle_bin_purge.html", entity=e, record=record, title=_title(e, record))


@bp.post("/<entity>/<int:record_id>/purge")
@login_required
def purge(entity: str, record_id: int) -> Any:
    _admin_only()
    e = _entity_or_404(entity)
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm that the record is to be removed for good."), "error")
        return redirect(url_for("recycle_bin.confirm_purge", entity=e.name, record_id=record_id), 303)
    try:
        record = records.get(e, record_id, user=_user(), deleted=True)
        purge_record(e, record_id, user=_user())
    except RecordNotFound:
        abort(404)
    except SaveRefused as exc:  # a locked record (RecordLocked), or one a `before_delete` hook keeps
        flash(str(exc), "error")
        return _page(409)
    flash(_("%(entity)s “%(title)s” is purged for good.", entity=e.text, title=_title(e, record)), "success")
    return redirect(url_for("recycle_bin.index"), 303)
