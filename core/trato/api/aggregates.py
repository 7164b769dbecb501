"""GET /api/v1/<entity>/aggregate: counts and sums by group through `records.aggregate` (docs/aggregates.md).

    GET /api/v1/sales_deal/aggregate?group_by=stage_id,close_date:quarter&sum=amount&avg=probability&owner_id=7

The other query parameters filter as on the list. A field the token's user
may not see, as a group, a measure or a filter, is a 403 naming it; a
measure or group that cannot be done is a 422 naming it.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from apispec import APISpec
from flask import Response, g, jsonify, request

from .. import records
from ..entities import Entity
from ..i18n import _
from ..records.common import entity_of
from ..replica import lagging
from . import bp
from .problems import Problem

FUNCTIONS = ("sum", "avg", "min", "max")
OWN = frozenset({"group_by", "fiscal_year_start", *FUNCTIONS})


def _json(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _json(v) for key, v in value.items()}
    return value


def _names(parameter: str) -> list[str]:
    return [name.strip() for value in request.args.getlist(parameter) for name in value.split(",") if name.strip()]


@bp.get("/<entity>/aggregate")
def aggregate(entity: str) -> Response:
    e = entity_of(entity)
    measures = ["count", *(f"{function}:{name}" for function in FUNCTIONS for name in _names(function))]
    start = request.args.get("fiscal_year_start", "1")
    if not start.isdigit():
        raise Problem(422, _("Invalid values"), _("The fiscal year starts in a month from 1 to 12."),
                      "validation-failed", {"fiscal_year_start": [_("Give a month from 1 to 12.")]})
    filters = [(key, value) for key, value in request.args.items(multi=True) if key not in OWN]
    try:
        with lagging():  # a report: from the read replica, when there is one
            buckets = records.aggregate(e, g.api_user, group_by=_names("group_by"), measures=measures,
                                        where=filters or None, fiscal_year_start=int(start))
    except records.HiddenField as err:
        raise Problem(403, _("Forbidden"), str(err), "hidden-field", {err.field: [str(err)]}) from None
    except records.QueryError as err:
        raise Problem(422, _("Invalid values"), str(err), "validation-failed",
                      {err.field or "group_by": [str(err)]}) from None
    return jsonify({"data": [{"group": _json(b.key), "count": b.count,
                              "values": {k: _json(v) for k, v in b.values.items() if k != "count"}}
                             for b in buckets]})


def add_to_spec(spec: APISpec, entities: list[Entity]) -> None:
    """The aggregate path of every entity in the OpenAPI document."""
    from .openapi import _json as as_json  # the document's own helpers (it imports this)
    from .openapi import _responses

    def listed(name: str, description: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "description": description,
                "schema": {"type": "string"}}

    answer = {"type": "object", "properties": {"data": {"type": "array", "items": {"type": "object", "properties": {
        "group": {"type": "object"}, "count": {"type": "integer"}, "values": {"type": "object"}}}}}}
    for entity in entities:
        name = entity.name
        spec.path(f"/api/v1/{name}/aggregate", operations={"get": {
            "tags": [name], "operationId": f"aggregate_{name}",
            "summary": _("Counts, sums, averages, minimums and maximums by group"),
            "parameters": [
                listed("group_by", _("Fields to group by, comma-separated; a date's with :month, :quarter, :year "
                                     "or :fiscal_year, a money field's with :currency")),
                *(listed(f, _("Fields to measure with %(function)s, comma-separated", function=f))
                  for f in FUNCTIONS),
                {"name": "fiscal_year_start", "in": "query", "required": False,
                 "description": _("The month the fiscal year starts in"),
                 "schema": {"type": "integer", "minimum": 1, "maximum": 12}}],
            "responses": _responses({200: {"description": _("One entry per group"), "content": as_json(answer)}},
                                    (400, 401, 403, 404, 422))}})
