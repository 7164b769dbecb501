"""Records over HTTP: list, read, create, change, delete and restore any enabled entity's records.

Every call goes through the record service and its query builder, so the
API applies the same validation, access rules, hooks and audit as the UI.
"""
from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, request, url_for

from .. import access, records
from ..entities import Entity
from ..records import RecordData, RecordNotFound
from ..records.common import entity_of
from ..records.links import dump_with_titles
from ..fields.schemafields import INT32 as MAX_RECORD_ID  # ids are INTEGER columns
from . import bp, http, idempotency, lines


def _current(entity: Entity, record_id: int) -> RecordData:
    """The record as the user may see it; an id beyond what the id column holds is simply not found."""
    if record_id > MAX_RECORD_ID:
        raise RecordNotFound(entity.name, [record_id])
    return records.get(entity, record_id, user=g.api_user)


def dump(entity: Entity, record: RecordData, hidden: frozenset[str] | None = None) -> dict[str, Any]:
    """A record as JSON, through the entity's schema (money as `{"amount": "12.50", "currency": "EUR"}`),
    less the fields hidden from the user by their role (`hidden`, when the caller already has them): every
    record the API answers with goes through here (or `dump_all`)."""
    return dump_all(entity, [record], hidden)[0]


def dump_all(entity: Entity, items: list[RecordData], hidden: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """`dump` of many records; links to records of any entity get their targets' titles in one read per entity."""
    hidden = access.hidden_fields(g.api_user, entity) if hidden is None else hidden
    dumped = [entity.dump(record, hidden) for record in items]
    dump_with_titles(entity, items, dumped, g.api_user)
    return dumped


def _record_response(entity: Entity, record: RecordData, status: int = 200) -> Response:
    response = jsonify(dump(entity, record) | lines.dumped(entity, record.id))
    response.status_code = status
    return http.tagged(response, record)


@bp.get("/<entity>")
def list_records(entity: str) -> Response:
    e = entity_of(entity)
    query = records.query(e, user=g.api_user).where(http.filters())
    if request.args.get("q"):
        query = query.search(request.args["q"])
    if request.args.get("sort"):
        query = query.order_by(request.args["sort"])
    page = query.page(limit=http.limit(), cursor=request.args.get("cursor") or None)
    total = query.count(page=page)
    hidden = access.hidden_fields(g.api_user, e)
    return jsonify({"data": dump_all(e, page.items, hidden),
                    "meta": {"count": total.value, "count_is_estimate": not total.exact, "count_kind": total.kind,
                             "next_cursor": page.next_cursor}})


@bp.post("/<entity>")
def create_record(entity: str) -> Response:
    e = entity_of(entity)
    body = http.json_body()

    def create() -> Response:
        record = records.create(e, body, user=g.api_user)
        response = _record_response(e, record, 201)
        response.headers["Location"] = url_for("api.get_record", entity=e.name, record_id=record.id)
        return response

    return idempotency.for_request(body, create)


@bp.get("/<entity>/<int:record_id>")
def get_record(entity: str, record_id: int) -> Response:
    e = entity_of(entity)
    return _record_response(e, _current(e, record_id))


@bp.patch("/<entity>/<int:record_id>")
def update_record(entity: str, record_id: int) -> Response:
    accepted = http.if_match(required=True)
    body = http.json_body()
    e = entity_of(entity)
    current = _current(e, record_id)
    http.check_match(accepted, current)
    record = records.update(e, record_id, body, user=g.api_user, version=current.version)
    return _record_response(e, record)


@bp.delete("/<entity>/<int:record_id>")
def delete_record(entity: str, record_id: int) -> Response:
    """Move the record to the recycle bin; `If-Match`, when sent, must name its version."""
    accepted = http.if_match(required=False)
    e = entity_of(entity)
    current = _current(e, record_id)
    http.check_match(accepted, current)
    records.delete(e, record_id, user=g.api_user, version=current.version)
    return Response(status=204)


@bp.post("/<entity>/<int:record_id>/restore")
def restore_record(entity: str, record_id: int) -> Response:
    """Bring the record back from the recycle bin (409 naming the field when a related record is still there)."""
    e = entity_of(entity)
    if record_id > MAX_RECORD_ID:
        raise RecordNotFound(e.name, [record_id])
    return _record_response(e, records.restore(e, record_id, user=g.api_user))
