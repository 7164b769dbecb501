"""The OpenAPI 3.1 document of the API, generated with apispec from the entity metadata.

Each enabled entity, built-in or custom, gets its paths and three schema
components from its marshmallow schemas: `<entity>.read` (what the API
returns), `<entity>.create` and `<entity>.update` (what it takes). The
document is rebuilt when the schema or plugin counters move (a custom field
added, a plugin enabled), and cached per language until then.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Response, current_app, jsonify

from .. import counters
from ..entities import Entity
from ..fields.definition import language
from ..i18n import _, _l
from . import bp, http
from .idempotency import HEADER, MAX_KEY
from .views import MAX_RECORD_ID

CACHE = "trato.api.openapi"
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
PROBLEM = "Problem"
STATUS_TITLES = {
    400: _l("Malformed request, unknown filter field or operator, or bad cursor"),
    401: _l("No valid bearer token"),
    403: _l("Not allowed (read-only token, or refused by the access rules)"),
    404: _l("No such entity, or no such record the user may see"),
    409: _l("A request with this Idempotency-Key is still in progress"),
    412: _l("If-Match names a version the record is no longer at; nothing was written"),
    415: _l("The body is not application/json"),
    422: _l("Invalid values (per field), or an Idempotency-Key reused for another request"),
    428: _l("If-Match is required"),
}
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _responses(ok: dict[int, dict[str, Any]], errors: tuple[int, ...]) -> dict[str, Any]:
    out = {str(status): response for status, response in ok.items()}
    for status in errors:
        out[str(status)] = {"description": str(STATUS_TITLES[status]),
                            "content": {"application/problem+json": {"schema": _ref(PROBLEM)}}}
    return out


def _etag_header() -> dict[str, Any]:
    return {"ETag": {"description": _("The record's version, for If-Match"), "schema": {"type": "string"}}}


def _record_ok(entity: Entity, description: str) -> dict[str, Any]:
    return {"description": description, "headers": _etag_header(), "content": _json(_ref(f"{entity.name}.read"))}


def _filter_schema(entity: Entity) -> dict[str, Any]:
    """Every `field` and `field__op` the list takes, each as text (as in a query string)."""
    properties = {}
    for field in entity.fields.values():
        for op in sorted(field.operators):
            properties[field.name if op == "eq" else f"{field.name}__{op}"] = {"type": "string"}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _id_parameter() -> dict[str, Any]:
    return {"name": "record_id", "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_RECORD_ID}}


def _if_match(required: bool) -> dict[str, Any]:
    return {"name": "If-Match", "in": "header", "required": required, "schema": {"type": "string"},
            "description": _("The record's ETag, as read")}


def _page(name: str) -> dict[str, Any]:
    """A list response: the records and the `meta` of the list."""
    return {"type": "object", "required": ["data", "meta"], "properties": {
        "data": {"type": "array", "items": _ref(f"{name}.read")},
        "meta": {"type": "object", "required": ["count", "count_is_estimate", "next_cursor"], "properties": {
            "count": {"type": "integer"}, "count_is_estimate": {"type": "boolean"},
            "next_cursor": {"type": ["string", "null"]}}},
    }}


def _list_parameters(entity: Entity) -> list[dict[str, Any]]:
    return [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": http.MAX_LIMIT}},
        {"name": "cursor", "in": "query", "schema": {"type": "string"}},
        {"name": "sort", "in": "query", "schema": {"type": "string"},
         "description": _("Fields to sort by, - for descending: -updated_at,name")},
        {"name": "q", "in": "query", "schema": {"type": "string"}, "description": _("Words to search for")},
        {"name": "filters", "in": "query", "style": "form", "explode": True, "schema": _filter_schema(entity),
         "description": _("Filters: field=value and field__op=value")},
    ]


def _add_entity(spec: APISpec, entity: Entity) -> None:
    name, text = entity.name, entity.plural_text
    read_only = [f.name for f in entity.fields.values() if entity.schemas["update"].fields[f.name].dump_only]
    spec.components.schema(f"{name}.read", schema=entity.schemas["update"])
    spec.components.schema(f"{name}.create", schema=type(entity.schemas["create"])(exclude=read_only))
    spec.components.schema(f"{name}.update", schema=type(entity.schemas["update"])(exclude=read_only))
    idempotency_key = {"name": HEADER, "in": "header", "required": False,
                       "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY}}
    spec.path(f"/api/v1/{name}", operations={
        "get": {"tags": [name], "summary": text, "operationId": f"list_{name}",
                "parameters": _list_parameters(entity),
                "responses": _responses({200: {"description": text, "content": _json(_page(name))}},
                                        (400, 401, 403, 404))},
        "post": {"tags": [name], "summary": entity.text, "operationId": f"create_{name}",
                 "parameters": [idempotency_key],
                 "requestBody": {"required": True, "content": _json(_ref(f"{name}.create"))},
                 "responses": _responses({201: _record_ok(entity, _("Created")) | {
                     "headers": _etag_header() | {"Location": {"schema": {"type": "string"}}}}},
                     (400, 401, 403, 404, 409, 415, 422))},
    })
    spec.path(f"/api/v1/{name}/{{record_id}}", operations={
        "get": {"tags": [name], "operationId": f"get_{name}", "parameters": [_id_parameter()],
                "responses": _responses({200: _record_ok(entity, entity.text)}, (401, 403, 404))},
        "patch": {"tags": [name], "operationId": f"update_{name}", "parameters": [_id_parameter(), _if_match(True)],
                  "requestBody": {"required": True, "content": _json(_ref(f"{name}.update"))},
                  "responses": _responses({200: _record_ok(entity, _("Updated"))},
                                          (400, 401, 403, 404, 412, 415, 422, 428))},
        "delete": {"tags": [name], "operationId": f"delete_{name}", "parameters": [_id_parameter(), _if_match(False)],
                   "responses": _responses({204: {"description": _("Moved to the recycle bin")}},
                                           (401, 403, 404, 412))},
    })


def _json_numbers(converter: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Bounds as JSON numbers: apispec writes a decimal field's bounds as that field dumps them, as strings."""
    out = {}
    for key in BOUNDS:
        if isinstance(ret.get(key), (str, Decimal)):
            value = Decimal(ret[key])
            out[key] = int(value) if value == value.to_integral_value() else float(value)
    return out


def build() -> dict[str, Any]:
    """The document for the entities enabled now."""
    marshmallow = MarshmallowPlugin()
    spec = APISpec(title=_("Trato API"), version="1", openapi_version="3.1.0", plugins=[marshmallow],
                   security=[{"bearer": []}])
    marshmallow.converter.add_attribute_function(_json_numbers)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "description": _("A personal API token: trato_...")})
    spec.components.schema(PROBLEM, PROBLEM_SCHEMA)
    for entity in current_app.extensions["trato"].entities.all():
        _add_entity(spec, entity)
    return spec.to_dict()


def document() -> dict[str, Any]:
    """The document, from the cache while the schema and the plugin set stay as they are."""
    state = current_app.extensions["trato"]
    key = (state.seen.get(counters.SCHEMA), state.seen.get(counters.PLUGINS), language())
    cache = current_app.extensions.setdefault(CACHE, {})
    if key not in cache:
        if any(k[:2] != key[:2] for k in cache):
            cache.clear()
        cache[key] = build()
    return cache[key]  # type: ignore[no-any-return]


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return jsonify(document())
