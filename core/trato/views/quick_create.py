"""A record added to a relation's choices without leaving the form it is picked in.

The "New account" button by a deal's account opens a small form of the
account's required fields in a dialog. Saving it creates the account through
the record service (so the role, validation and plugins' hooks apply as in
the full form) and answers with the deal form's account field, the new
account chosen, swapped into the page by id: what the user typed in the deal
form stays. The route names the form's entity and field rather than only the
target entity, because the answer is that field as the form shows it.

The top bar's "+ New" menu opens the same small form for the entity chosen
there (its links lead to the full form when JavaScript is off); saving it goes
to the new record's page.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask import abort, render_template, request, url_for
from flask_login import login_required

from .. import access, records
from ..entities import Entity
from ..i18n import _
from ..records import RecordData, SaveRefused, ValidationFailed
from .inputs import currencies, defaults, form_errors, form_fields, inputs, signed_in, submitted
from .pages import _entity, _saved, bp


def _relation_target(entity: Entity, name: str, user: Any) -> str:
    """The entity that the form's relation field `name` points to; 404 unless the user may set that field."""
    for f, readonly in form_fields(entity, user):
        if f.name == name and f.type.widget == "relation" and not readonly:
            return f.type.target(f)
    abort(404)


def _asked(target: Entity, user: Any, named: Collection[str]) -> set[str]:
    """The fields the small form asks for: the required ones and the title, and those `named` (a refusal
    may name another field, which is then shown with its error); every field if that leaves none."""
    fields = form_fields(target, user)
    asked = {f.name for f, _readonly in fields
             if (f.required and f.type.widget != "checkbox") or f.name == target.title_field or f.name in named}
    return asked or {f.name for f, _readonly in fields}


def _small_form(action: str, target: Entity, asked: Collection[str], errors: dict[str, list[str]] | None = None,
                texts: dict[str, str] | None = None, message: str | None = None, status: int = 200
                ) -> tuple[str, int]:
    """The small form, posted to `action`: starting from the fields' defaults, or as typed when a save was
    refused."""
    fields = inputs(target, defaults(target), errors or {}, signed_in(), texts, only=asked)
    return render_template("records/_quick_create.html", action=action, fields=fields,
                           heading=_("New %(entity)s", entity=target.text.lower()), message=message,
                           currencies=currencies()), status


def _created(action: str, target: Entity, user: Any) -> tuple[RecordData | None, tuple[str, int] | None]:
    """Create a `target` record from the posted small form: the record, or the form again with what is wrong."""
    asked = _asked(target, user, request.form.getlist("_asked"))
    values, texts, errors = submitted(target, request.form, user)
    values = {name: value for name, value in values.items() if name in asked}
    refused = _("Please correct the marked fields.")
    if errors:
        return None, _small_form(action, target, asked, errors, texts, refused, 422)
    try:
        return records.create(target, values, user=user), None
    except ValidationFailed as exc:
        return None, _small_form(action, target, asked | set(exc.errors), form_errors(exc.errors), texts, refused,
                                 422)
    except SaveRefused as exc:
        return None, _small_form(action, target, asked, {}, texts, str(exc), 422)
    except access.PermissionRefused as exc:
        abort(403, str(exc))


@bp.route("/<entity>/quick-create/<field>", methods=["GET", "POST"])
@login_required
def quick_create(entity: str, field: str) -> Any:
    """GET: the small form for a record of `field`'s target; POST: create it and answer with the field."""
    source = _entity(entity)
    user = signed_in()
    target = _entity(_relation_target(source, field, user), "create")
    action = url_for("records.quick_create", entity=source.name, field=field)
    if request.method == "GET":
        return _small_form(action, target, _asked(target, user, ()))
    record, refused = _created(action, target, user)
    if record is None:
        return refused
    picked = inputs(source, {field: record.id}, {}, user, only=(field,))
    return render_template("records/_quick_created.html", entity=source, picked=picked[0], currencies=currencies(),
                           message=_("%(name)s was added.", name=target.title_of(record)))


@bp.route("/<entity>/quick-new", methods=["GET", "POST"])
@login_required
def quick_new(entity: str) -> Any:
    """The top bar's "+ New": GET, the small form for a record of `entity`; POST, create it and go to its page."""
    target = _entity(entity, "create")
    user = signed_in()
    action = url_for("records.quick_new", entity=target.name)
    if request.method == "GET":
        return _small_form(action, target, _asked(target, user, ()))
    record, refused = _created(action, target, user)
    if record is None:
        return refused
    return _saved(target, record, _("%(name)s was added.", name=target.title_of(record)))
