"""The filter builder's controls that suit each field (checkboxes for a select, a date input, a type-ahead
picker for a relation), and the type-ahead's answers: matching records the user may see."""
from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_login import login_required

from .. import access, records
from ..directory import active_users
from ..entities import UnknownEntity
from ..i18n import _
from ..records import QueryError
from .inputs import signed_in
from .listing import OPERATOR_LABELS
from .pages import _entity, bp
from .present import entities, visible_fields

LOOKUP_LIMIT = 20


@bp.get("/<entity>/filter-value")
@login_required
def filter_value(entity: str) -> Any:
    """The condition and value controls for the field chosen in the filter builder."""
    e = _entity(entity)
    field = next((f for f in visible_fields(e, signed_in()) if f.name == request.args.get("_field")), None)
    if field is None:
        abort(404)
    operators = {op: text for op, text in OPERATOR_LABELS.items() if op in field.operators}
    target = None
    if field.type.widget == "relation":
        try:
            target = entities().get(field.type.target(field))
        except UnknownEntity:
            target = None
    users = active_users() if field.type.widget == "user" else []
    return render_template("records/_filter_value.html", entity=e, field=field, operators=operators,
                           target=target, users=users)


@bp.get("/<entity>/lookup")
@login_required
def lookup(entity: str) -> Any:
    """Up to 20 records of `entity` matching the typed words, as options: the relation picker's type-ahead."""
    e = _entity(entity)
    text = request.args.get("q", "").strip()
    query = records.query(e, user=signed_in())
    found: list[records.RecordData] = []
    message = None
    try:
        if text and e.search_fields:
            query = query.search(text)
        elif text and e.title_field and e.title_field not in access.hidden_fields(signed_in(), e):
            query = query.where({f"{e.title_field}__contains": text})
        if e.title_field:
            query = query.order_by(e.title_field)
        found = query.page(limit=LOOKUP_LIMIT).items
    except QueryError as exc:
        message = str(exc)
    if not found and message is None:
        message = _("No record matches.")
    return render_template("records/_lookup.html", entity=e, found=found, message=message)
