"""/api/v1/<entity>/<id>/<action>: calls on one record that plugins add (convert a lead, issue an invoice).

A plugin returns `ApiAction`s from its `api_actions` hook; the API serves
each under its entity with everything the record calls have: the bearer
token (read and write for a POST), problem+json for every refusal the
handler raises (`ValidationFailed` naming the fields, `SaveRefused`,
`RecordNotFound`, `StaleRecord`, `PermissionRefused`), and `Idempotency-Key`
on POST.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, g, jsonify, request

from ..fields.schemafields import INT32 as MAX_RECORD_ID
from ..i18n import _
from ..records import RecordNotFound
from ..records.common import entity_of
from . import bp, http, idempotency
from .problems import Problem

METHODS = ("GET", "POST")


@dataclass(frozen=True)
class ApiAction:
    """`METHOD /api/v1/<entity>/<id>/<name>`, answered by `handler(record_id, body, user)`.

    `body` is the request's JSON object (None for a GET); the handler returns
    what to answer as JSON (with `status`), and raises the record service's
    errors to refuse. It checks access itself, through `trato.records` with `user`.
    `summary` (a lazy string), `takes` and `answers` (JSON Schemas of the body
    and of the answer) describe the call in the OpenAPI document; without
    them it is listed as taking and answering any JSON object.
    """

    entity: str
    name: str
    handler: Callable[[int, Mapping[str, Any] | None, Any], Any]
    method: str = "POST"
    status: int = 200
    summary: Any = ""
    takes: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)
    answers: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)


def offered_actions() -> list[ApiAction]:
    """Every action the enabled plugins add, for the entities enabled now."""
    state = current_app.extensions["trato"]
    return [action for offered in state.plugins.hook.api_actions() for action in offered or []
            if action.entity in state.entities]


def _actions(entity: str, name: str) -> dict[str, ApiAction]:
    """The enabled plugins' actions called `name` on `entity`, by HTTP method."""
    found: dict[str, ApiAction] = {}
    for action in offered_actions():
        if action.entity == entity and action.name == name:
            found.setdefault(action.method.upper(), action)
    return found


@bp.route("/<entity>/<int:record_id>/<action>", methods=list(METHODS))
def record_action(entity: str, record_id: int, action: str) -> Response:
    e = entity_of(entity)
    offered = _actions(e.name, action)
    if not offered:
        detail = _("%(entity)s records have no action called %(action)r.", entity=e.text, action=action)
        raise Problem(404, _("Not found"), detail, "unknown-action", {"action": [detail]})
    chosen = offered.get(request.method)
    if chosen is None:
        raise Problem(405, _("Method not allowed"), _("Use %(methods)s.", methods=", ".join(sorted(offered))),
                      "method-not-allowed", {"method": [_("Use %(methods)s.", methods=", ".join(sorted(offered)))]},
                      {"Allow": ", ".join(sorted(offered))})
    if record_id > MAX_RECORD_ID:
        raise RecordNotFound(e.name, [record_id])

    def answer(body: Mapping[str, Any] | None) -> Response:
        response = jsonify(chosen.handler(record_id, body, g.api_user))
        response.status_code = chosen.status
        return response

    if request.method == "GET":
        return answer(None)
    body = http.json_object()
    return idempotency.for_request(body, lambda: answer(body))
