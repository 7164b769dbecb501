"""Selects that follow another field of the form: a deal's stage offers the stages of the deal's pipeline.

A relation declared `within="pipeline_id"` offers only the target records
whose `pipeline_id` is the form's; when the user changes the pipeline, htmx
asks `dependent_input` for the stage's input again with the form's values,
and swaps it in. The record service refuses a stage of another pipeline
(records/references.py), so the rule holds for the API and imports too.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from flask import abort, render_template, request, url_for
from flask_login import login_required

from .. import access, records
from ..entities import Entity, UnknownEntity
from ..fields import Field
from .inputs import Input, currencies, form_fields, inputs, signed_in
from .pages import _entity, bp

CHOICES_LIMIT = 200  # a pipeline's stages, a category's subcategories: a few dozen at most


def within(f: Field) -> str | None:
    """The field of the same record `f`'s target must share, if `f` follows one."""
    return f.settings.get("within") if f.type.widget == "relation" else None


def choices(f: Field, user: Any, parent: Any) -> list[tuple[str, str]]:
    """The target records `f` may point at while its parent field holds `parent`: none until it holds one."""
    from ..presentation import entities

    if parent in (None, ""):
        return []
    try:
        target = entities().get(f.type.target(f))
        query = records.query(target, user=user).where({within(f): str(parent)})
    except (UnknownEntity, access.PermissionRefused, records.QueryError):
        return []
    order = "position" if "position" in target.fields else target.title_field  # a pipeline's stages in order
    if order:
        query = query.order_by(order)
    return [(str(r.id), target.title_of(r)) for r in query.page(limit=CHOICES_LIMIT).items]


def linked(entity: Entity, made: Sequence[Input]) -> list[Input]:
    """`made` with each parent input told which input follows it and where to ask for it again."""
    followers = {parent: f.name for f, _readonly in form_fields(entity, signed_in())
                 if (parent := within(f)) is not None}
    return [replace(item, refresh=url_for("records.dependent_input", entity=entity.name, field=followers[item.name]),
                    refreshes=followers[item.name]) if item.name in followers else item for item in made]


@bp.get("/<entity>/input/<field>")
@login_required
def dependent_input(entity: str, field: str) -> Any:
    """The input of `field` drawn for the form's values in the query string (its parent's, above all)."""
    e = _entity(entity)
    user = signed_in()
    f = next((f for f, _readonly in form_fields(e, user) if f.name == field and within(f)), None)
    if f is None:
        abort(404)
    parent = within(f)
    values = {parent: request.args.get(parent, ""), field: request.args.get(field) or None}
    found = inputs(e, values, {}, user, only=(field,))
    return render_template("records/_dependent_input.html", item=found[0], currencies=currencies(), entity=e,
                           prefix=request.args.get("_prefix", ""))
