"""Editing one cell of the list in place: the cell becomes its input, and saving gives the cell back.

The save goes through `records.update` with the version the input was shown
with, so a cell someone else changed meanwhile is refused (409) rather than
overwritten; a value the service refuses comes back as the input with the
message in place (422), the rest of the list untouched.
"""
from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_login import login_required

from .. import access, records
from ..entities import Entity
from ..fields import Field
from ..i18n import _
from ..records import RecordData, SaveRefused, StaleRecord, ValidationFailed
from .cells import Cells
from .inputs import Input, form_errors, form_fields, inputs, signed_in, submitted
from .pages import _entity, _record, bp
from ..presentation import Presenter
from .versions import MissingVersion, posted_version

# The widgets a cell can turn into; others (files, long lists, plugins' own) are edited in the form.
INLINE_WIDGETS = frozenset({"text", "textarea", "email", "tel", "url", "number", "decimal", "percent", "money",
                            "date", "datetime", "select", "checkbox", "relation", "user", "tags"})


def editable_fields(entity: Entity, user: Any) -> set[str]:
    """The fields whose cells the user may edit in place."""
    return {f.name for f, readonly in form_fields(entity, user) if not readonly and f.type.widget in INLINE_WIDGETS}


def _field(entity: Entity, name: str) -> Field:
    if name not in editable_fields(entity, signed_in()):
        abort(404)
    return entity.fields[name]


def _cell(entity: Entity, record: RecordData, field: Field, status: int = 200) -> Any:
    cells = Cells(entity, Presenter(entity, [record], signed_in(), [field]), {field.name},
                  linked=bool(request.values.get("first")))
    return render_template("records/_cell.html", cell=cells.row(record).cells[0]), status


def _input(entity: Entity, record: RecordData, field: Field, texts: dict[str, str] | None = None,
           errors: dict[str, list[str]] | None = None) -> Input:
    shown = inputs(entity, record if texts is None else {}, errors or {}, signed_in(), texts)
    return next(i for i in shown if i.name == field.name)


def _form(entity: Entity, record: RecordData, field: Field, control: Input, version: int, message: str = "",
          status: int = 200) -> Any:
    return render_template("records/_cell_form.html", entity=entity, record=record, input=control,
                           version=version, message=message, first=bool(request.values.get("first"))), status


@bp.get("/<entity>/<int:record_id>/cell/<field>")
@login_required
def edit_cell(entity: str, record_id: int, field: str) -> Any:
    """The cell's input (or, with `show`, the cell as shown: the cancel button's answer)."""
    e = _entity(entity, "edit")
    f = _field(e, field)
    record = _record(e, record_id)
    if request.args.get("show"):
        return _cell(e, record, f)
    try:
        access.check(signed_in(), e, "edit", record)  # seen but not to be changed: no input
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    return _form(e, record, f, _input(e, record, f), record.version)


@bp.post("/<entity>/<int:record_id>/cell/<field>")
@login_required
def save_cell(entity: str, record_id: int, field: str) -> Any:
    e = _entity(entity, "edit")
    f = _field(e, field)
    record = _record(e, record_id)
    user = signed_in()
    values, texts, errors = submitted(e, request.form, user)
    try:
        version = posted_version(e, record_id)
    except MissingVersion as exc:  # the input again, now with the version it was shown with
        return _form(e, record, f, _input(e, record, f, texts), record.version, str(exc), 409)
    if errors.get(f.name):
        return _form(e, record, f, _input(e, record, f, texts, errors), version, status=422)
    try:
        saved = records.update(e, record_id, {f.name: values.get(f.name)}, user=user, version=version)
    except ValidationFailed as exc:
        found = form_errors(exc.errors)
        message = "" if f.name in found else "; ".join(m for msgs in found.values() for m in msgs)
        return _form(e, record, f, _input(e, record, f, texts, found), version, message, 422)
    except SaveRefused as exc:
        return _form(e, record, f, _input(e, record, f, texts), version, str(exc), 422)
    except StaleRecord:
        message = _("Someone else changed this record while you were editing it; cancel to see the saved value.")
        return _form(e, record, f, _input(e, record, f, texts), version, message, 409)
    except access.PermissionRefused as exc:
        return _form(e, record, f, _input(e, record, f, texts), version, str(exc), 403)
    return _cell(e, saved, f)
