"""/api/v1/<entity>/<id>/shares: a record's shares, listed, made and removed through `trato.roles.shares`.

The same service as the record page's sharing panel decides: anyone
who sees the record lists its shares; its owner, or someone who may change
it, shares it with one user or one team (`view` or `edit`) and stops
sharing it. A record the user does not see is a 404; one they see but may
not share is a 403; a bad body is a 422 naming the key.
"""
from __future__ import annotations

from apispec import APISpec
from flask import Response, g, jsonify, url_for
from marshmallow import Schema
from marshmallow import fields as ma
from marshmallow.validate import Range

from ..entities import Entity
from ..fields.schemafields import INT32, json_int
from ..i18n import _, _l
from ..records import RecordNotFound
from ..records.common import entity_of
from ..roles import shares
from ..roles.models import SHARE_ACCESS
from . import bp, http
from .meta_io import load
from .problems import Problem

RECORD = "/<entity>/<int:record_id>/shares"


class ShareInput(Schema):
    """Whom to share the record with (a user or a team) and what they may do; unknown keys are refused."""

    user_id = json_int(validate=Range(1, INT32), allow_none=True, metadata={"description": _l("A user's id")})
    team_id = json_int(validate=Range(1, INT32), allow_none=True, metadata={"description": _l("A team's id")})
    access = ma.String(required=True, metadata={"enum": list(SHARE_ACCESS),
                                                "description": _l("view: they may see it; edit: also change it")})


class ShareOutput(Schema):
    id = ma.Integer()
    user_id = ma.Integer(allow_none=True)
    team_id = ma.Integer(allow_none=True)
    access = ma.String(metadata={"enum": list(SHARE_ACCESS)})
    grantee = ma.String(metadata={"description": _l("The user's or the team's name")})
    shared_by = ma.Integer(allow_none=True)
    shared_at = ma.String(metadata={"format": "date-time"})


class ShareList(Schema):
    data = ma.List(ma.Nested(ShareOutput))


def _record_id(entity: Entity, record_id: int) -> int:
    if record_id > INT32:
        raise RecordNotFound(entity.name, [record_id])
    return record_id


@bp.get(RECORD)
def list_shares(entity: str, record_id: int) -> Response:
    e = entity_of(entity)
    found = shares.shares_of(e, _record_id(e, record_id), user=g.api_user)
    return jsonify({"data": [s.as_json() for s in found]})


@bp.post(RECORD)
def add_share(entity: str, record_id: int) -> Response:
    """Share the record; 201 with the new share, or 200 with the one whose access changed (or stayed)."""
    e = entity_of(entity)
    body = load(ShareInput(), http.json_body())
    try:
        made, new = shares.share(e, _record_id(e, record_id), user=g.api_user, to_user=body.get("user_id"),
                                 to_team=body.get("team_id"), level=body["access"])
    except shares.ShareRefused as err:
        raise Problem(422, _("Share refused"), str(err), "share-refused", {err.field: [str(err)]}) from None
    response = jsonify(made.as_json())
    response.status_code = 201 if new else 200
    response.headers["Location"] = url_for("api.list_shares", entity=e.name, record_id=record_id)
    return response


@bp.delete(f"{RECORD}/<int:share_id>")
def remove_share(entity: str, record_id: int, share_id: int) -> Response:
    e = entity_of(entity)
    shares.unshare(e, _record_id(e, record_id), share_id, user=g.api_user)
    return Response(status=204)


def add_to_spec(spec: APISpec, entities: list[Entity]) -> None:
    """The shares' paths of every entity in the OpenAPI document."""
    from .openapi import _id_parameter, _json, _ref, _responses  # the document's own helpers (it imports this)

    for name, schema in (("ShareInput", ShareInput), ("Share", ShareOutput), ("ShareList", ShareList)):
        spec.components.schema(name, schema=schema)
    share_id = {"name": "share_id", "in": "path", "required": True,
                "schema": {"type": "integer", "minimum": 0, "maximum": INT32}}
    for entity in entities:
        name = entity.name
        spec.path(f"/api/v1/{name}/{{record_id}}/shares", operations={
            "get": {"tags": [name], "operationId": f"list_shares_{name}", "summary": _("The record's shares"),
                    "parameters": [_id_parameter()],
                    "responses": _responses({200: {"description": _("The record's shares"),
                                                   "content": _json(_ref("ShareList"))}}, (401, 403, 404))},
            "post": {"tags": [name], "operationId": f"share_{name}",
                     "summary": _("Share the record with a user or a team"), "parameters": [_id_parameter()],
                     "requestBody": {"required": True, "content": _json(_ref("ShareInput"))},
                     "responses": _responses({201: {"description": _("Shared"), "content": _json(_ref("Share"))},
                                              200: {"description": _("The share's access changed, or stayed"),
                                                    "content": _json(_ref("Share"))}},
                                             (400, 401, 403, 404, 415, 422))},
        })
        spec.path(f"/api/v1/{name}/{{record_id}}/shares/{{share_id}}", operations={
            "delete": {"tags": [name], "operationId": f"unshare_{name}", "summary": _("Stop sharing the record"),
                       "parameters": [_id_parameter(), share_id],
                       "responses": _responses({204: {"description": _("No longer shared")}}, (401, 403, 404))},
        })
