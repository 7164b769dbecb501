"""The pages every entity gets, a custom one made a minute ago included: list, detail, form, delete.

Every read goes through `records.query`/`records.get` and every write
through the record service, so the role's scope, its field rules, the
audit history and other plugins' hooks apply as they do in the API.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from .. import access, privacy, records
from ..activity import storage
from ..entities import Entity, UnknownEntity
from ..i18n import _
from ..records import RecordData, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed
from .inputs import (as_text, currencies, defaults, form_errors, form_fields, inputs, sections, signed_in,
                     submitted)
from ..presentation import Presenter, entities
from .related import related_lists, timeline
from .slots import collect, fill, fragments, rendered
from .tabs import detail_tabs
from .versions import posted_version, stale_message

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


def _allowed(entity: Entity, action: str, record: RecordData | None = None) -> bool:
    """Whether the user may `action` the entity's records (or `record`: its buttons are shown only then)."""
    return access.allowed(signed_in(), entity, action, record)


def _form(entity: Entity, record: RecordData | None, values: dict[str, Any], errors: dict[str, list[str]],
          texts: dict[str, str] | None = None, message: str | None = None, status: int = 200,
          version: int | None = None, lines: Any = None, line_errors: Any = None) -> Any:
    from . import lines_grid  # it adds its routes to `bp`

    heading = _("Edit %(name)s", name=entity.title_of(record)) if record else \
        _("New %(entity)s", entity=entity.text.lower())
    grids, worked = lines_grid.form_grids(entity, record, signed_in(), lines, line_errors, request.form)
    return _fragment_or_page(
        "records/form.html", status, entity=entity, record=record, heading=heading, message=message,
        line_grids=grids, totals=lines_grid.document_totals(entity, worked, record, signed_in()),
        sections=sections(inputs(entity, values, errors, signed_in(), texts)), currencies=currencies(),
        version=version if version is not None else (record.version if record else None),
        extra_sections=fill("form_sections", signed_in(), entity.name, record))


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
    lines, values = _with_lines(e, values)
    if errors or lines.errors:
        return _form(e, None, values, errors, texts, _("Please correct the marked fields."), 422, None, lines,
                     lines.errors)
    try:
        record = records.create(e, values, user=signed_in())
    except ValidationFailed as exc:
        return _form(e, None, values, form_errors(exc.errors), texts, _("Please correct the marked fields."), 422,
                     None, lines, _line_errors(e, exc.errors))
    except SaveRefused as exc:
        return _form(e, None, values, {}, texts, str(exc), 422, None, lines)
    return _saved(e, record, _("%(name)s was added.", name=e.title_of(record)))


@bp.get("/<entity>/<int:record_id>")
@login_required
def detail(entity: str, record_id: int) -> Any:
    e = _entity(entity)
    user = signed_in()
    record = _record(e, record_id)
    presenter = Presenter(e, [record], user)
    shown = [s for s in presenter.row(record) if s.text]
    panels = rendered(collect("detail_panels", entity=e.name, record=record, user=user))
    block = privacy.block_of(e, record.id, user=user)  # only those who may see blocked records get here
    related = related_lists(e, record, user)
    activity = timeline(e, record, user)
    from .lines_grid import detail_lines  # it adds its routes to `bp`

    lines, line_totals = detail_lines(e, record, user)
    files = storage.of_record(e.name, record.id, user) if activity else None
    tabs, active = detail_tabs(related, activity, files, fragments("record_tabs", user, e.name, record),
                               request.args.get("tab"))
    return render_template("records/detail.html", entity=e, record=record, shown=shown, panels=panels,
                           related=related, timeline=activity, files=files, tabs=tabs, active=active, lines=lines,
                           line_totals=line_totals,
                           header=fill("record_header", user, e.name, record),
                           menu=fill("record_menu", user, e.name, record),
                           alerts=fill("record_alerts", user, e.name, record),
                           can_edit=_allowed(e, "edit", record) and block is None,
                           can_delete=_allowed(e, "delete", record) and block is None, block=block)


@bp.route("/<entity>/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entity: str, record_id: int) -> Any:
    e = _entity(entity, "edit")
    record = _record(e, record_id)
    try:
        access.check(signed_in(), e, "edit", record)  # a record seen but not to be changed: 403, no form
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    if request.method == "GET":
        return _form(e, record, dict(record), {})
    values, texts, errors = submitted(e, request.form, signed_in())
    lines, values = _with_lines(e, values)
    try:
        version = posted_version(e, record_id)
        if errors or lines.errors:
            return _form(e, record, values, errors, texts, _("Please correct the marked fields."), 422, version,
                         lines, lines.errors)
        saved = records.update(e, record_id, values, user=signed_in(), version=version)
    except ValidationFailed as exc:
        return _form(e, record, values, form_errors(exc.errors), texts, _("Please correct the marked fields."),
                     422, version, lines, _line_errors(e, exc.errors))
    except SaveRefused as exc:
        return _form(e, record, values, {}, texts, str(exc), 422, version, lines)
    except StaleRecord as exc:
        return _stale(e, record_id, values, texts, exc)
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    return _saved(e, saved, _("%(name)s was saved.", name=e.title_of(saved)))


def _with_lines(entity: Entity, values: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The lines the form posted (its grids, views/lines_grid.py) and the values with them, for the service."""
    from . import lines_grid

    lines = lines_grid.posted(entity, request.form, signed_in())
    return lines, values | lines_grid.service_values(entity, lines)


def _line_errors(entity: Entity, errors: dict[str, Any]) -> Any:
    from . import lines_grid

    return lines_grid.line_errors(entity, errors)


def _stored_grids(entity: Entity, record: RecordData, user: Any) -> Any:
    """After a stale save: the lines as now saved, to edit again."""
    from . import lines_grid

    return lines_grid.grids(entity, record, user)


def _stale(entity: Entity, record_id: int, values: dict[str, Any], texts: dict[str, str], exc: StaleRecord) -> Any:
    """Someone saved first (or the post lacked its version): show the saved values where they differ from the
    user's input, and keep the input, to save again."""
    fresh = _record(entity, record_id)
    user = signed_in()
    saved = {s.name: s for s in Presenter(entity, [fresh], user).row(fresh)}
    differs = {f.name: saved[f.name] for f, _readonly in form_fields(entity, user)
               if f.name in texts and f.name in saved and texts[f.name] != as_text(f, fresh.get(f.name))}
    message = stale_message(exc, _("Someone else saved this record while you were editing it. Where their version "
                                   "differs from your input it is shown under the field; check the form and save "
                                   "again to apply your input."))
    return _fragment_or_page("records/form.html", 409, entity=entity, record=fresh, message=message,
                             heading=_("Edit %(name)s", name=entity.title_of(fresh)),
                             sections=sections(inputs(entity, values, {}, user, texts)), currencies=currencies(),
                             version=fresh.version, theirs=differs, line_grids=_stored_grids(entity, fresh, user),
                             extra_sections=fill("form_sections", user, entity.name, fresh))


@bp.post("/<entity>/<int:record_id>/delete")
@login_required
def delete(entity: str, record_id: int) -> Any:
    e = _entity(entity, "delete")
    record = _record(e, record_id)
    try:
        access.check(signed_in(), e, "delete", record)  # refused before the version is looked at
        records.delete(e, record_id, user=signed_in(), version=posted_version(e, record_id, deleting=True))
    except StaleRecord as exc:
        flash(stale_message(exc, _("Someone else changed this record in the meantime; look at it again before "
                                   "deleting it.")), "error")
        return redirect(url_for("records.detail", entity=e.name, record_id=record_id))
    except SaveRefused as exc:  # a locked record (RecordLocked), or a `before_delete` veto
        flash(str(exc), "error")
        return redirect(url_for("records.detail", entity=e.name, record_id=record_id))
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    flash(_("%(name)s was moved to the recycle bin.", name=e.title_of(record)), "success")
    return redirect(url_for("records.listing", entity=e.name))
