"""Mass actions on the selected rows of a list: update a field, assign an owner, move to the recycle bin, export.

Each action is one call of the record service, so it is all or nothing: if
one record is refused, none is changed, and the page says which and why.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import abort, flash, redirect, request, url_for
from flask_babel import ngettext
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from .. import access, records
from ..entities import Entity
from ..fields import Field, FieldValueError, localize
from ..i18n import _
from ..records import Change, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed
from .inline import editable_fields
from .inputs import signed_in, submitted
from .listing import ListState
from .pages import _entity, bp
from ..presentation import visible_fields


def mass_fields(entity: Entity, user: Any) -> list[Field]:
    """The fields a mass update may set (the owner has its own action)."""
    names = editable_fields(entity, user) - {"owner_id"}
    return [f for f in entity.fields.values() if f.name in names]


def _back(entity: Entity) -> Any:
    query = request.form.get("back", "")
    return redirect(f"{url_for('records.listing', entity=entity.name)}?{query}")


def _refusals(entity: Entity, errors: Mapping[Any, Any]) -> str:
    """A bulk call's ValidationFailed errors (by record id, then field) as one message."""
    parts = []
    for key, fields in errors.items():
        if isinstance(fields, Mapping):
            texts = [f"{localize(entity.fields[n].label) if n in entity.fields else n}: "
                     f"{' '.join(map(str, m if isinstance(m, list) else [m]))}" for n, m in fields.items()]
            parts.append(f"#{key} — {'; '.join(texts)}")
        else:
            parts.append(f"{key}: {fields}")
    return _("Nothing was changed: %(errors)s", errors=" · ".join(parts))


def _value(entity: Entity, field: Field, text: str) -> Any:
    """The typed text as the value for the record service, read as the field's form input reads it."""
    form = MultiDict({field.name: text})
    if field.type.widget == "money" and text.strip():
        parsed = field.type.from_text(field, text.strip())
        form = MultiDict({field.name: parsed["amount"], f"{field.name}_currency": parsed["currency"] or ""})
    if field.type.widget == "checkbox" and text.strip().lower() not in ("1", "true", "yes", "on", "sí", "si"):
        form = MultiDict()
    values, _texts, errors = submitted(entity, form, signed_in())
    if errors.get(field.name):
        raise FieldValueError(" ".join(errors[field.name]))
    return values.get(field.name)


def _run(entity: Entity, action: str, ids: list[int]) -> str:
    """Do the action on the records; the message for a person (RecordError/PermissionRefused if refused)."""
    user = signed_in()
    if action == "delete":
        records.bulk_delete(entity, ids, user=user)
        return ngettext("%(num)s record was moved to the recycle bin.",
                        "%(num)s records were moved to the recycle bin.", len(ids))
    if action == "assign":
        owner = request.form.get("owner_id", type=int)
        if owner is None:
            raise FieldValueError(_("Choose the new owner."))
        records.bulk_update(entity, [Change(i, {"owner_id": owner}) for i in ids], user=user)
        return ngettext("%(num)s record was given a new owner.", "%(num)s records were given a new owner.", len(ids))
    field = next((f for f in mass_fields(entity, user) if f.name == request.form.get("field")), None)
    if field is None:
        raise FieldValueError(_("Choose the field to change."))
    value = _value(entity, field, request.form.get("value", ""))
    records.bulk_update(entity, [Change(i, {field.name: value}) for i in ids], user=user)
    return ngettext("%(field)s was changed on %(num)s record.", "%(field)s was changed on %(num)s records.", len(ids),
                    field=localize(field.label))


@bp.post("/<entity>/mass")
@login_required
def mass(entity: str) -> Any:
    """A mass action on the rows ticked in the list; back to the list with what happened."""
    e = _entity(entity)
    action = request.form.get("action", "")
    if action not in ("update", "assign", "delete", "export"):
        abort(400)
    try:
        ids = sorted({int(i) for i in request.form.getlist("ids")})
    except ValueError:
        abort(400)
    if not ids:
        flash(_("Select at least one record first."), "error")
        return _back(e)
    if action == "export":  # the export of the list (trato.transfer's page), narrowed to the selection
        visible = {f.name: f for f in visible_fields(e, signed_in())}
        state = ListState.read(e, MultiDict(parse_qsl(request.form.get("back", ""))), visible)
        query = urlencode({"cols": ",".join(state.columns), "sort": state.sort, "id__in": ",".join(map(str, ids))})
        return redirect(f"{url_for('transfer.export_list', entity=e.name)}?{query}")
    try:
        flash(_run(e, action, ids), "success")
    except ValidationFailed as exc:
        flash(_refusals(e, exc.errors), "error")
    except (SaveRefused, StaleRecord, RecordNotFound, FieldValueError, access.PermissionRefused) as exc:
        flash(_("Nothing was changed: %(errors)s", errors=str(exc)), "error")
    return _back(e)
