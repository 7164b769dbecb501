"""/api/v1/meta/entities: entities and their fields, read and changed through the schema service.

The admin screens and the CLI call the same service, so a change made here
is checked as strictly and takes effect at once in every worker. Only
administrators may use these routes; changing needs a read and write token.
Deleting needs `?confirm=<name>`, since it loses data; the refusal says how
much.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, g, jsonify, request, url_for
from .. import schema
from ..entities import Entity, EntityRegistry
from ..entities.builtin import POSITION_STEP
from ..fields import Field
from ..i18n import _
from ..schema.inputs import build_field
from ..schema.names import check_slug, entity_table
from . import bp, http
from .meta_io import (
    EntityChange, EntityInput, FieldChange, FieldInput, FieldOrder, TypeChangeInput, describe_entity, describe_field,
    describe_preview, entity_spec, field_spec, load, type_change,
)
from .problems import Problem

PREFIX = "/meta/entities"


def _registry() -> EntityRegistry:
    return current_app.extensions["trato"].entities  # type: ignore[no-any-return]


def admin_only(view: Callable[..., Response]) -> Callable[..., Response]:
    """Refuse (403) any user but an administrator."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        if not g.api_user.is_admin:
            raise Problem(403, _("Forbidden"), _("Only administrators may read and change entities and fields."),
                          "admin-only", {"Authorization": [_("The token's user is not an administrator.")]})
        return view(*args, **kwargs)

    return wrapper


def _field_of(entity: Entity, name: str) -> Field:
    field = entity.fields.get(name)
    if field is None:
        detail = _("%(entity)s has no field %(name)r.", entity=entity.text, name=name)
        raise Problem(404, _("Not found"), detail, "unknown-field", {"field": [detail]})
    return field


def _created(body: dict[str, Any], location: str) -> Response:
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def _confirmed(name: str, lost: int, what: str) -> None:
    """Refuse (400) unless `?confirm=` repeats the name; the refusal tells what would be lost."""
    if request.args.get("confirm") != name:
        detail = (_("Deleting %(name)s loses %(count)d records. Repeat the request with ?confirm=%(name)s.",
                    name=name, count=lost) if what == "entity" else
                  _("Deleting %(name)s loses %(count)d values. Repeat the request with ?confirm=%(name)s.",
                    name=name, count=lost))
        raise Problem(400, _("Confirmation required"), detail, "confirmation-required", {"confirm": [detail]})


@bp.errorhandler(schema.SchemaBusy)
def _busy(err: schema.SchemaBusy) -> Response:
    """Others held the schema lock too long: nothing was changed, and the same request can be sent again."""
    return Problem(503, _("Schema busy"), str(err), "schema-busy", {"body": [str(err)]},
                   {"Retry-After": "2"}).response()


@bp.get(PREFIX)
@admin_only
def list_entities() -> Response:
    return jsonify({"data": [describe_entity(e) for e in _registry().all()]})


@bp.post(PREFIX)
@admin_only
def create_entity() -> Response:
    spec = entity_spec(load(EntityInput(), http.json_body()))
    name = entity_table(check_slug(spec.name, "entity"))
    for index, field in enumerate(spec.fields):
        try:  # the service's own check, run first so that a refusal names the field's place in the list
            build_field(field, check_slug(field.name, "field"), _registry(), index * POSITION_STEP, name)
        except schema.SchemaError as err:
            raise schema.SchemaError(str(err), f"fields.{index}.{err.field or 'name'}") from None
    entity = schema.create_entity(spec, user=g.api_user)
    return _created(describe_entity(entity), url_for("api.get_entity", name=entity.name))


@bp.get(f"{PREFIX}/<name>")
@admin_only
def get_entity(name: str) -> Response:
    return jsonify(describe_entity(_registry().get(name)))


@bp.patch(f"{PREFIX}/<name>")
@admin_only
def change_entity(name: str) -> Response:
    changes = load(EntityChange(), http.json_body())
    return jsonify(describe_entity(schema.change_entity(_registry().get(name).name, changes, user=g.api_user)))


@bp.delete(f"{PREFIX}/<name>")
@admin_only
def delete_entity(name: str) -> Response:
    entity = _registry().get(name)
    if entity.custom:
        _confirmed(entity.name, schema.count_records(entity.name), "entity")
    return jsonify({"name": entity.name, "lost": schema.delete_entity(entity.name, user=g.api_user)})


@bp.post(f"{PREFIX}/<name>/fields")
@admin_only
def add_field(name: str) -> Response:
    spec = field_spec(load(FieldInput(), http.json_body()))
    field_entity = _registry().get(name).name
    field = schema.add_field(field_entity, spec, user=g.api_user)
    return _created(describe_field(field), url_for("api.get_field", name=field_entity, field=field.name))


@bp.get(f"{PREFIX}/<name>/fields/<field>")
@admin_only
def get_field(name: str, field: str) -> Response:
    return jsonify(describe_field(_field_of(_registry().get(name), field)))


TYPE_CHANGE_KEYS = {"type", "settings", "options", "mapping"}


@bp.patch(f"{PREFIX}/<name>/fields/<field>")
@admin_only
def change_field(name: str, field: str) -> Response:
    """Change labels, options, rules or position; or the type (with `settings`, `options`, `mapping`), its values
    converted (see `type-preview` for the dry run)."""
    changes = load(FieldChange(), http.json_body())
    entity = _registry().get(name)
    current = _field_of(entity, field)
    if changes.get("type", current.type.name) == current.type.name:
        changes.pop("type", None)
        if changes.keys() & {"settings", "mapping"}:
            raise schema.SchemaError(_("Settings and a mapping go only with a change of type."),
                                     next(iter(sorted(changes.keys() & {"settings", "mapping"}))))
        made = schema.change_field(entity.name, current.name, changes, user=g.api_user)
    elif changes.keys() - TYPE_CHANGE_KEYS:
        raise schema.SchemaError(_("Change the type in a request of its own: only settings, options and mapping "
                                   "may go with it."), "type")
    else:
        made = schema.change_field_type(entity.name, current.name, type_change(changes), user=g.api_user)
    return jsonify(describe_field(made))


@bp.post(f"{PREFIX}/<name>/fields/<field>/type-preview")
@admin_only
def preview_type_change(name: str, field: str) -> Response:
    """The dry run of a type change: what it would do to the records, and why it would be refused; changes nothing."""
    change = type_change(load(TypeChangeInput(), http.json_body()))
    entity = _registry().get(name)
    current = _field_of(entity, field)
    return jsonify(describe_preview(schema.preview_type_change(entity.name, current.name, change, user=g.api_user)))


@bp.put(f"{PREFIX}/<name>/field-order")
@admin_only
def reorder_fields(name: str) -> Response:
    names = load(FieldOrder(), http.json_body())["fields"]
    entity = _registry().get(name)
    schema.reorder_fields(entity.name, names, user=g.api_user)
    return jsonify(describe_entity(_registry().get(entity.name)))


@bp.delete(f"{PREFIX}/<name>/fields/<field>")
@admin_only
def delete_field(name: str, field: str) -> Response:
    entity = _registry().get(name)
    current = _field_of(entity, field)
    if current.custom:
        _confirmed(current.name, schema.count_values(entity.name, current.name), "field")
    return jsonify({"name": current.name, "lost": schema.delete_field(entity.name, current.name, user=g.api_user)})
