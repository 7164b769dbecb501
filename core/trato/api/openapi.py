"""The OpenAPI 3.1 document of the API, generated with apispec from the entity metadata.

Each enabled entity, built-in or custom, gets its paths and three schema
components from its marshmallow schemas: `<entity>.read` (what the API
returns), `<entity>.create` and `<entity>.update` (what it takes); its bulk
paths refer to the same components. The meta API (entity and field
definitions) is described from the marshmallow schemas in `meta_io`, and
the calls plugins add on one record (`api_actions`) and under
/api/v1/<plugin>/ (`api_endpoints`) from what each `ApiAction` and
`ApiEndpoint` says of itself. Every operation lists the 503 and (for writes)
507 a database, Redis or disk fault answers (trato.faults).

Each reader gets the document their role lets them see: a field the role
hides appears nowhere in it (schemas, filters), and one it makes read-only
is marked `readOnly`. The document is rebuilt when the schema or plugin
counters move (a custom field added, a plugin enabled), and cached per
language and set of field rules until then.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Response, current_app, g, jsonify

from .. import access, counters
from ..entities import Entity
from ..fields.definition import language
from ..i18n import _, _l
from . import aggregates, bp, endpoints, extras, http, lines, meta_io, meta_roles, shares
from .actions import ApiAction, offered_actions
from .bulk import MAX_BULK
from .endpoints import ApiEndpoint
from .idempotency import HEADER, MAX_KEY
from .views import MAX_RECORD_ID

CACHE = "trato.api.openapi"
CACHED_MOST = 32  # documents kept per worker (languages times the roles' sets of field rules)
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
PROBLEM = "Problem"
STATUS_TITLES = {
    400: _l("Malformed request, unknown filter field or operator, bad cursor, or a deletion not confirmed"),
    401: _l("No valid bearer token"),
    403: _l("Not allowed (read-only token, not an administrator, or refused by the access rules)"),
    404: _l("No such entity, field, or record the user may see"),
    409: _l("A request with this Idempotency-Key is still in progress, a record changed since it was read, the "
            "record is locked, or the record to restore points to one still in the recycle bin"),
    412: _l("If-Match names a version the record is no longer at; nothing was written"),
    415: _l("The body is not application/json"),
    422: _l("Invalid values (per field), too many records, a schema change refused, or an Idempotency-Key reused "
            "for another request"),
    428: _l("If-Match is required"),
}
FAULTS = {
    503: _l("The database, or Redis, cannot answer now (down, restarting or busy); nothing was written. "
            "Retry after the seconds in Retry-After"),
    507: _l("The server's disk is full; nothing was stored"),
}
RATE_LIMITED = _l("Too many calls from this token or address, or too many without a valid token from this address")
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
    """The operation's answers: `ok`, the problems in `errors`, and the 429 any call may get (api/guard.py)."""
    out = {str(status): response for status, response in ok.items()}
    for status in errors:
        out[str(status)] = {"description": str(STATUS_TITLES[status]),
                            "content": {"application/problem+json": {"schema": _ref(PROBLEM)}}}
    out["429"] = {"description": str(RATE_LIMITED), "content": {"application/problem+json": {"schema": _ref(PROBLEM)}},
                  "headers": {"Retry-After": {"description": _("Seconds to wait before calling again"),
                                              "schema": {"type": "integer", "minimum": 1}}}}
    return out


def _add_faults(document: dict[str, Any]) -> None:
    """Every operation's 503 (with Retry-After) and, for those that write, 507: the faults of trato.faults,
    which any call can meet whatever its path."""
    retry_after = {"Retry-After": {"description": _("Seconds to wait before calling again"),
                                   "schema": {"type": "integer", "minimum": 1}}}
    for operations in document["paths"].values():
        for method, operation in operations.items():
            responses = operation["responses"]
            responses["503"] = {"description": str(FAULTS[503]), "headers": retry_after,
                                "content": {"application/problem+json": {"schema": _ref(PROBLEM)}}}
            if method != "get":
                responses["507"] = {"description": str(FAULTS[507]),
                                    "content": {"application/problem+json": {"schema": _ref(PROBLEM)}}}


def _add_actions(spec: APISpec, actions: list[ApiAction]) -> None:
    """The calls plugins add on one record (`api_actions`), one path per entity and action name."""
    paths: dict[str, dict[str, Any]] = {}
    for action in actions:
        method = action.method.lower()
        summary = str(action.summary) or _("The %(action)s action", action=action.name)
        operation: dict[str, Any] = {
            "tags": [action.entity], "operationId": f"{action.name}_{action.entity}_{method}", "summary": summary,
            "parameters": [_id_parameter()],
            "responses": _responses({action.status: {"description": summary, "content": _json(
                dict(action.answers or {"type": "object"}))}},
                (401, 403, 404) if method == "get" else (400, 401, 403, 404, 409, 412, 415, 422))}
        if method == "post":
            operation["parameters"].append(_idempotency_key())
            operation["requestBody"] = {"required": True, "content": _json(dict(action.takes or {"type": "object"}))}
        paths.setdefault(f"/api/v1/{action.entity}/{{record_id}}/{action.name}", {}).setdefault(method, operation)
    for path, operations in paths.items():
        spec.path(path, operations=operations)


def _add_endpoints(spec: APISpec, offered: list[tuple[str, ApiEndpoint]]) -> None:
    """The calls plugins add under /api/v1/<plugin>/ (`api_endpoints`), tagged with the plugin's name."""
    paths: dict[str, dict[str, Any]] = {}
    for plugin, endpoint in offered:
        method = endpoint.method.lower()
        summary = str(endpoint.summary) or endpoint.operation_id(plugin)
        ok = ({"description": summary} if endpoint.status == 204 else
              {"description": summary, "content": _json(dict(endpoint.answers or {"type": "object"}))})
        operation: dict[str, Any] = {
            "tags": [plugin], "operationId": endpoint.operation_id(plugin), "summary": summary,
            "parameters": [{"name": name, "in": "path", "required": True, "schema": {"type": kind}}
                           for name, kind in endpoint.variables()],
            "responses": _responses({endpoint.status: ok}, (401, 403, 404) if method == "get"
                                    else (400, 401, 403, 404, 409, 412, 415, 422))}
        if method == "post":
            operation["parameters"].append(_idempotency_key())
        if method in ("post", "put", "patch"):
            operation["requestBody"] = {"required": True, "content": _json(dict(endpoint.takes or {"type": "object"}))}
        paths.setdefault(endpoint.openapi_path(plugin), {})[method] = operation
    for path, operations in paths.items():
        spec.path(path, operations=operations)


def _etag_header() -> dict[str, Any]:
    return {"ETag": {"description": _("The record's version, for If-Match"), "schema": {"type": "string"}}}


def _record_ok(entity: Entity, description: str) -> dict[str, Any]:
    return {"description": description, "headers": _etag_header(), "content": _json(_ref(f"{entity.name}.read"))}


def _filter_schema(entity: Entity, hidden: Collection[str]) -> dict[str, Any]:
    """Every `field` and `field__op` the list takes (but the `hidden` fields'), each as text (as in a query string)."""
    properties = {}
    for field in entity.fields.values():
        if field.name in hidden:
            continue
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
            "count_kind": {"type": "string", "enum": ["exact", "estimate", "at_least"]},
            "next_cursor": {"type": ["string", "null"]}}},
    }}


def _list_parameters(entity: Entity, hidden: Collection[str]) -> list[dict[str, Any]]:
    return [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": http.MAX_LIMIT}},
        {"name": "cursor", "in": "query", "schema": {"type": "string"}},
        {"name": "sort", "in": "query", "schema": {"type": "string"},
         "description": _("Fields to sort by, - for descending: -updated_at,name")},
        {"name": "q", "in": "query", "schema": {"type": "string"}, "description": _("Words to search for")},
        {"name": "filters", "in": "query", "style": "form", "explode": True, "schema": _filter_schema(entity, hidden),
         "description": _("Filters: field=value and field__op=value")},
    ]


def _idempotency_key() -> dict[str, Any]:
    return {"name": HEADER, "in": "header", "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY}}


def _batch(item: dict[str, Any]) -> dict[str, Any]:
    """A bulk call's body: `{"records": [item, ...]}`."""
    return {"type": "object", "required": ["records"], "additionalProperties": False, "properties": {
        "records": {"type": "array", "minItems": 1, "maxItems": MAX_BULK, "items": item}}}


def _add_bulk(spec: APISpec, entity: Entity) -> None:
    name = entity.name
    change = {"type": "object", "required": ["id", "version", "values"], "additionalProperties": False,
              "properties": {"id": {"type": "integer", "minimum": 1, "maximum": MAX_RECORD_ID},
                             "version": {"type": "integer", "minimum": 1, "maximum": MAX_RECORD_ID,
                                         "description": _("The version read; a record that moved on refuses all")},
                             "values": _ref(f"{name}.update")}}
    records = {"type": "object", "required": ["data"],
               "properties": {"data": {"type": "array", "items": _ref(f"{name}.read")}}}
    spec.path(f"/api/v1/{name}/bulk", operations={
        "post": {"tags": [name], "summary": _("Create up to %(max)s records, all or nothing", max=MAX_BULK),
                 "operationId": f"bulk_create_{name}", "parameters": [_idempotency_key()],
                 "requestBody": {"required": True, "content": _json(_batch(_ref(f"{name}.create")))},
                 "responses": _responses({201: {"description": _("Created"), "content": _json(records)}},
                                         (400, 401, 403, 404, 409, 415, 422))},
        "patch": {"tags": [name], "summary": _("Change up to %(max)s records, all or nothing", max=MAX_BULK),
                  "operationId": f"bulk_update_{name}",
                  "requestBody": {"required": True, "content": _json(_batch(change))},
                  "responses": _responses({200: {"description": _("Updated"), "content": _json(records)}},
                                          (400, 401, 403, 404, 409, 415, 422))},
    })


def _add_entity(spec: APISpec, entity: Entity, rules: Mapping[str, str]) -> None:
    """The entity's paths and schemas as the reader's role shows it: without the fields it hides, and with those
    it makes read-only marked `readOnly`."""
    name, text = entity.name, entity.plural_text
    schema, create = type(entity.schemas["update"]), type(entity.schemas["create"])
    hidden = [f for f, rule in rules.items() if rule == access.HIDDEN and f in entity.fields]
    for_role = [f for f, rule in rules.items() if rule == access.READONLY and f in entity.fields]
    read_only = [f.name for f in entity.fields.values() if entity.schemas["update"].fields[f.name].dump_only]
    spec.components.schema(f"{name}.read", schema=schema(exclude=hidden, dump_only=for_role))
    spec.components.schema(f"{name}.create", schema=create(exclude=[*read_only, *hidden], dump_only=for_role))
    spec.components.schema(f"{name}.update", schema=schema(exclude=[*read_only, *hidden], dump_only=for_role))
    idempotency_key = _idempotency_key()
    spec.path(f"/api/v1/{name}", operations={
        "get": {"tags": [name], "summary": text, "operationId": f"list_{name}",
                "parameters": _list_parameters(entity, hidden),
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
                                          (400, 401, 403, 404, 409, 412, 415, 422, 428))},
        "delete": {"tags": [name], "operationId": f"delete_{name}", "parameters": [_id_parameter(), _if_match(False)],
                   "responses": _responses({204: {"description": _("Moved to the recycle bin")}},
                                           (401, 403, 404, 409, 412, 422))},
    })
    spec.path(f"/api/v1/{name}/{{record_id}}/restore", operations={
        "post": {"tags": [name], "operationId": f"restore_{name}", "parameters": [_id_parameter()],
                 "summary": _("Restore from the recycle bin"),
                 "responses": _responses({200: _record_ok(entity, _("Restored"))}, (401, 403, 404, 409))},
    })
    _add_bulk(spec, entity)


META_SCHEMAS = {
    "MetaOption": meta_io.OptionSchema, "MetaFieldInput": meta_io.FieldInput, "MetaFieldChange": meta_io.FieldChange,
    "MetaEntityInput": meta_io.EntityInput, "MetaEntityChange": meta_io.EntityChange,
    "MetaFieldOrder": meta_io.FieldOrder, "MetaOptionOutput": meta_io.OptionOutput, "MetaField": meta_io.FieldOutput,
    "MetaEntity": meta_io.EntityOutput, "MetaEntityList": meta_io.EntityList, "MetaDeleted": meta_io.Deleted,
    "MetaTypeChange": meta_io.TypeChangeInput, "MetaTypePreview": meta_io.TypePreviewOutput,
}


def _text_parameter(name: str, where: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": where, "required": True, "schema": {"type": "string"}, "description": description}


def _meta_operation(operation_id: str, summary: str, ok: tuple[int, str], errors: tuple[int, ...],
                    parameters: list[dict[str, Any]], body: str | None = None) -> dict[str, Any]:
    """An admin-only operation of the meta API: `ok` is the success status and the schema it answers with."""
    status, schema = ok
    operation = {"tags": ["meta"], "operationId": f"meta_{operation_id}", "summary": summary,
                 "parameters": parameters,
                 "responses": _responses({status: {"description": summary, "content": _json(_ref(schema))}},
                                         (401, 403, *errors))}
    if body:
        operation["requestBody"] = {"required": True, "content": _json(_ref(body))}
    return operation


def _add_meta(spec: APISpec) -> None:
    """The meta API: entity and field definitions (administrators only)."""
    for name, schema in META_SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    entity = [_text_parameter("name", "path", _("The entity's name"))]
    field = [*entity, _text_parameter("field", "path", _("The field's name"))]
    confirm = _text_parameter("confirm", "query", _("The name again, to confirm that its data is lost"))
    writes, lookups, deletes = (400, 415, 422), (404,), (400, 404, 422)
    op = _meta_operation
    spec.path("/api/v1/meta/entities", operations={
        "get": op("list_entities", _("Every enabled entity with its fields"), (200, "MetaEntityList"), (), []),
        "post": op("create_entity", _("Create a custom entity"), (201, "MetaEntity"), writes, [],
                   "MetaEntityInput"),
    })
    spec.path("/api/v1/meta/entities/{name}", operations={
        "get": op("get_entity", _("An entity with its fields"), (200, "MetaEntity"), lookups, entity),
        "patch": op("change_entity", _("Change a custom entity"), (200, "MetaEntity"), (*lookups, *writes), entity,
                    "MetaEntityChange"),
        "delete": op("delete_entity", _("Delete a custom entity and its records"), (200, "MetaDeleted"), deletes,
                     [*entity, confirm]),
    })
    spec.path("/api/v1/meta/entities/{name}/fields", operations={
        "post": op("add_field", _("Add a custom field"), (201, "MetaField"), (*lookups, *writes), entity,
                   "MetaFieldInput"),
    })
    spec.path("/api/v1/meta/entities/{name}/field-order", operations={
        "put": op("reorder_fields", _("Put the fields in a new order"), (200, "MetaEntity"), (*lookups, *writes),
                  entity, "MetaFieldOrder"),
    })
    spec.path("/api/v1/meta/entities/{name}/fields/{field}", operations={
        "get": op("get_field", _("A field"), (200, "MetaField"), lookups, field),
        "patch": op("change_field", _("Change a custom field"), (200, "MetaField"), (*lookups, *writes), field,
                    "MetaFieldChange"),
        "delete": op("delete_field", _("Delete a custom field and its values"), (200, "MetaDeleted"), deletes,
                     [*field, confirm]),
    })
    meta_roles.add_to_spec(spec, op)
    spec.path("/api/v1/meta/entities/{name}/fields/{field}/type-preview", operations={
        "post": op("preview_type_change", _("What a change of the field's type would do, changing nothing"),
                   (200, "MetaTypePreview"), (*lookups, *writes), field, "MetaTypeChange"),
    })


def _json_numbers(converter: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Bounds as JSON numbers: apispec writes a decimal field's bounds as that field dumps them, as strings."""
    out = {}
    for key in BOUNDS:
        if isinstance(ret.get(key), (str, Decimal)):
            value = Decimal(ret[key])
            out[key] = int(value) if value == value.to_integral_value() else float(value)
    return out


def _translated(converter: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A description given as a lazy string (`_l`), as text in the request's language."""
    return {"description": str(ret["description"])} if "description" in ret else {}


def build(rules: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The document for the entities enabled now, as a reader with these field rules (by entity) sees them."""
    marshmallow = MarshmallowPlugin()
    spec = APISpec(title=_("Trato API"), version="1", openapi_version="3.1.0", plugins=[marshmallow],
                   security=[{"bearer": []}])
    marshmallow.converter.add_attribute_function(_json_numbers)
    marshmallow.converter.add_attribute_function(_translated)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "description": _("A personal API token: trato_...")})
    spec.components.schema(PROBLEM, PROBLEM_SCHEMA)
    for entity in current_app.extensions["trato"].entities.all():
        _add_entity(spec, entity, rules.get(entity.name, {}))
    shares.add_to_spec(spec, list(current_app.extensions["trato"].entities.all()))
    extras.add_to_spec(spec, list(current_app.extensions["trato"].entities.all()))
    aggregates.add_to_spec(spec, list(current_app.extensions["trato"].entities.all()))
    _add_actions(spec, offered_actions())
    _add_endpoints(spec, endpoints.offered())
    _add_meta(spec)
    document = spec.to_dict()
    _add_faults(document)
    lines.add_to_document(document, list(current_app.extensions["trato"].entities.all()))
    return document


def document(user: Any) -> dict[str, Any]:
    """The document as `user` may see it (their role's field rules applied), from the cache while the schema,
    the plugin set and those rules stay as they are. One document is kept per language and set of rules."""
    state = current_app.extensions["trato"]
    rules = {entity.name: access.field_rules(user, entity) for entity in state.entities.all()}
    key = (state.seen.get(counters.SCHEMA), state.seen.get(counters.PLUGINS), language(),
           frozenset((entity, field, rule) for entity, fields in rules.items() for field, rule in fields.items()))
    cache = current_app.extensions.setdefault(CACHE, {})
    if key not in cache:
        if len(cache) >= CACHED_MOST or any(k[:2] != key[:2] for k in cache):
            cache.clear()
        cache[key] = build(rules)
    return cache[key]  # type: ignore[no-any-return]


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return jsonify(document(g.api_user))
