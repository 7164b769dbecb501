"""The pages every entity gets, a custom one made a minute ago included: list, detail, form, delete.

Every read goes through `records.query`/`records.get` and every write
through the record service, so the role's scope, its field rules, the
audit history and other plugins' hooks apply as they do in the API.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from .. import access, records
from ..entities import Entity, UnknownEntity
from ..i18n import _
from ..records import RecordData, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed
from ..ui import flatten_sorted
from .inputs import (as_text, currencies, defaults, form_errors, form_fields, inputs, sections, signed_in,
                     submitted)
from .present import Presenter, entities
from .related import related_lists, timeline

bp = Blueprint("records", __name__, url_prefix="/r")


def _entity(name: str, action: str = "view") -> Entity:
    """The entity of the URL, or 404; 403 when the user's role may not `action` it at all."""
    try:
        entity = entities().get(name)
    except UnknownEntity:
        abort(404)
    try:
        access.check(signed_in(), entity, action)
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    return entity


def _record(entity: Entity, record_id: int) -> RecordData:
    try:
        return records.get(entity, record_id, user=signed_in())
    except RecordNotFound:
        abort(404)


def _fragment_or_page(template: str, status: int = 200, **context: Any) -> tuple[str, int, dict[str, str]]:
    """The page, or only its main part for an HTMX request (the same view serves both)."""
    partial = request.headers.get("HX-Request") == "true" and request.headers.get("HX-Request-Type") != "full"
    return render_template(template, partial=partial, **context), status, {"Vary": "HX-Request"}


@bp.get("/")
@login_required
def index() -> Any:
    """Every entity the user may open, by name."""
    user = signed_in()
    shown = []
    for entity in entities().all():
        try:
            access.check(user, entity, "view")
        except access.PermissionRefused:
            continue
        shown.append(entity)
    shown.sort(key=lambda e: e.plural_text.lower())
    return render_template("records/index.html", entities=shown)


def _allowed(entity: Entity, action: str) -> bool:
    try:
        access.check(signed_in(), entity, action)
    except access.PermissionRefused:
        return False
    return True


def _form(entity: Entity, record: RecordData | None, values: dict[str, Any], errors: dict[str, list[str]],
          texts: dict[str, str] | None = None, message: str | None = None, status: int = 200,
          version: int | None = None) -> Any:
    heading = _("Edit %(name)s", name=entity.title_of(record)) if record else \
        _("New %(entity)s", entity=entity.text.lower())
    return _fragment_or_page(
        "records/form.html", status, entity=entity, record=record, heading=heading, message=message,
        sections=sections(inputs(entity, values, errors, signed_in(), texts)), currencies=currencies(),
        version=version if version is not None else (record.version if record else None))


def _saved(entity: Entity, record: RecordData, message: str) -> Response:
    """After a save: back to the record's page (HX-Redirect for an HTMX form)."""
    flash(message, "success")
    target = url_for("records.detail", entity=entity.name, record_id=record.id)
    if request.headers.get("HX-Request") == "true":
        return Response("", 204, {"HX-Redirect": target})
    return redirect(target)  # type: ignore[return-value]


@bp.route("/<entity>/new", methods=["GET", "POST"])
@login_required
def new(entity: str) -> Any:
    e = _entity(entity, "create")
    if request.method == "GET":
        if not request.args:
            return _form(e, None, defaults(e), {})
        values, _texts, _errors = submitted(e, request.args, signed_in())  # a related list's "Add" fills some
        return _form(e, None, defaults(e) | {k: v for k, v in values.items() if k in request.args}, {})
    values, texts, errors = submitted(e, request.form, signed_in())
    if errors:
        return _form(e, None, values, errors, texts, _("Please correct the marked fields."), 422)
    try:
        record = records.create(e, values, user=signed_in())
    except ValidationFailed as exc:
        return _form(e, None, values, form_errors(exc.errors), texts, _("Please correct the marked fields."), 422)
    except SaveRefused as exc:
        return _form(e, None, values, {}, texts, str(exc), 422)
    return _saved(e, record, _("%(name)s was added.", name=e.title_of(record)))


@bp.get("/<entity>/<int:record_id>")
@login_required
def detail(entity: str, record_id: int) -> Any:
    e = _entity(entity)
    user = signed_in()
    record = _record(e, record_id)
    presenter = Presenter(e, [record], user)
    shown = [s for s in presenter.row(record) if s.text]
    panels = flatten_sorted(current_app.extensions["trato"].plugins.hook.detail_panels(
        entity=e.name, record=record, user=user))
    return render_template("records/detail.html", entity=e, record=record, shown=shown, panels=panels,
                           related=related_lists(e, record, user), timeline=timeline(e, record, user),
                           can_edit=_allowed(e, "edit"), can_delete=_allowed(e, "delete"))


@bp.route("/<entity>/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entity: str, record_id: int) -> Any:
    e = _entity(entity, "edit")
    record = _record(e, record_id)
    if request.method == "GET":
        return _form(e, record, dict(record), {})
    values, texts, errors = submitted(e, request.form, signed_in())
    version = request.form.get("version", type=int)
    if errors:
        return _form(e, record, values, errors, texts, _("Please correct the marked fields."), 422, version)
    try:
        saved = records.update(e, record_id, values, user=signed_in(), version=version)
    except ValidationFailed as exc:
        return _form(e, record, values, form_errors(exc.errors), texts, _("Please correct the marked fields."),
                     422, version)
    except SaveRefused as exc:
        return _form(e, record, values, {}, texts, str(exc), 422, version)
    except StaleRecord:
        return _stale(e, record_id, values, texts)
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    return _saved(e, saved, _("%(name)s was saved.", name=e.title_of(saved)))


def _stale(entity: Entity, record_id: int, values: dict[str, Any], texts: dict[str, str]) -> Any:
    """Someone saved first: show their version where it differs from the user's input, and keep the input."""
    fresh = _record(entity, record_id)
    user = signed_in()
    saved = {s.name: s for s in Presenter(entity, [fresh], user).row(fresh)}
    differs = {f.name: saved[f.name] for f, _readonly in form_fields(entity, user)
               if f.name in texts and f.name in saved and texts[f.name] != as_text(f, fresh.get(f.name))}
    message = _("Someone else saved this record while you were editing it. Where their version differs from "
                "your input it is shown under the field; check the form and save again to apply your input.")
    return _fragment_or_page("records/form.html", 409, entity=entity, record=fresh, message=message,
                             heading=_("Edit %(name)s", name=entity.title_of(fresh)),
                             sections=sections(inputs(entity, values, {}, user, texts)), currencies=currencies(),
                             version=fresh.version, theirs=differs)


@bp.post("/<entity>/<int:record_id>/delete")
@login_required
def delete(entity: str, record_id: int) -> Any:
    e = _entity(entity, "delete")
    record = _record(e, record_id)
    try:
        records.delete(e, record_id, user=signed_in(), version=request.form.get("version", type=int))
    except StaleRecord:
        flash(_("Someone else changed this record in the meantime; look at it again before deleting it."), "error")
        return redirect(url_for("records.detail", entity=e.name, record_id=record_id))
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    flash(_("%(name)s was moved to the recycle bin.", name=e.title_of(record)), "success")
    return redirect(url_for("records.listing", entity=e.name))
