"""/api/v1/<entity>/bulk: create or change up to MAX_BULK records in one call, all or nothing.

The calls go through the record service's bulk variants, one transaction
each: a bad row refuses the whole batch and writes nothing. Every refusal
names the row by its place in the request, as the path of the bad value in
the body (`records.3.name`, `records.0.version`), so that a client can point
at it.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, g, jsonify

from .. import access, records
from ..entities import Entity
from ..fields.schemafields import INT32
from ..i18n import _
from ..records import Change, RecordData, RecordNotFound, StaleRecord, ValidationFailed
from ..records.common import entity_of
from . import bp, http, idempotency
from .problems import Problem, field_messages
from .views import dump_all

MAX_BULK = 500
CHANGE_KEYS = frozenset({"id", "version", "values"})


def _rows(body: Any) -> list[Any]:
    """The body's `records`: a list of 1 to MAX_BULK items (422 otherwise, before any is looked at)."""
    if not isinstance(body, Mapping) or set(body) != {"records"} or not isinstance(body["records"], list):
        raise ValidationFailed({"records": [_("Send {\"records\": [...]}, a list of records.")]})
    rows = body["records"]
    if len(rows) > MAX_BULK:
        raise Problem(422, _("Too many records"),
                      _("Send at most %(max)s records in one call; this one has %(count)s.", max=MAX_BULK,
                        count=len(rows)),
                      "too-many-records", {"records": [_("At most %(max)s records.", max=MAX_BULK)]})
    if not rows:
        raise ValidationFailed({"records": [_("Send at least one record.")]})
    return rows


def _by_row(errors: Mapping[Any, Any], rows: Mapping[Any, int], inner: str = "") -> dict[str, list[str]]:
    """The service's errors (keyed by row index or record id) keyed by the rows' paths in the body."""
    return field_messages({f"records.{rows.get(key, key)}{inner}": value for key, value in errors.items()})


def _data(entity: Entity, made: list[RecordData], status: int) -> Response:
    response = jsonify({"data": dump_all(entity, made)})
    response.status_code = status
    return response


@bp.post("/<entity>/bulk")
def bulk_create(entity: str) -> Response:
    e = entity_of(entity)
    body = http.json_body()
    rows = _rows(body)
    bad = {index: {"_record": [_("Send an object of field values.")]} for index, row in enumerate(rows)
           if not isinstance(row, Mapping)}
    if bad:
        raise ValidationFailed(_by_row(bad, {}))

    def create() -> Response:
        try:
            made = records.bulk_create(e, rows, user=g.api_user)
        except ValidationFailed as err:
            raise ValidationFailed(_by_row(err.errors, {})) from None
        return _data(e, made, 201)

    return idempotency.for_request(body, create)


def _change(item: Any) -> Change | dict[str, list[str]]:
    """One row as a Change, or its errors."""
    if not isinstance(item, Mapping):
        return {"": [_("Send an object with id, version and values.")]}
    errors: dict[str, list[str]] = {}
    for key in sorted(set(item) - CHANGE_KEYS):
        errors[f".{key}"] = [_("Unknown field.")]
    for key in ("id", "version"):
        value = item.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= INT32:
            errors[f".{key}"] = [_("Enter a whole number from 1 to %(max)s.", max=INT32)]
    if not isinstance(item.get("values"), Mapping):
        errors[".values"] = [_("Send an object of field values.")]
    return errors or Change(item["id"], item["values"], item["version"])


@bp.patch("/<entity>/bulk")
def bulk_update(entity: str) -> Response:
    """Change records; each row names the record's id and the version read, which must still be current."""
    e = entity_of(entity)
    rows = _rows(http.json_body())
    changes: list[Change] = []
    errors: dict[str, list[str]] = {}
    seen: dict[int, int] = {}  # record id: row index
    for index, item in enumerate(rows):
        made = _change(item)
        if not isinstance(made, Change):
            errors |= {f"records.{index}{path}": messages for path, messages in made.items()}
        elif made.id in seen:
            errors[f"records.{index}.id"] = [_("Row %(row)s already changes this record.", row=seen[made.id])]
        else:
            changes.append(made)
            seen[made.id] = index
    if errors:
        raise ValidationFailed(errors)
    try:
        changed = records.bulk_update(e, changes, user=g.api_user)
    except ValidationFailed as err:
        raise ValidationFailed(_by_row(err.errors, seen, ".values")) from None
    except RecordNotFound as err:
        detail = str(err)
        raise Problem(404, _("Not found"), detail, "record-not-found",
                      {f"records.{seen[i]}.id": [detail] for i in err.ids}) from None
    except access.PermissionRefused as err:  # records seen but not to be changed: named by their rows
        raise Problem(403, _("Forbidden"), str(err), "forbidden",
                      {f"records.{seen[i]}.id": [str(err)] for i in err.ids} or {"_record": [str(err)]}) from None
    except StaleRecord as err:
        detail = _("Record %(id)s was changed since you read it (now at version %(version)s); nothing was written.",
                   id=err.id, version=err.current_version)
        raise Problem(409, _("Conflict"), detail, "stale-record",
                      {f"records.{seen[err.id]}.version": [detail]}) from None
    return _data(e, changed, 200)
