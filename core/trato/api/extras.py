"""/api/v1/<entity>/<id>/{notes,activities,attachments,tags,followers,history}: what hangs on a record, through
`trato.extras`, so the API applies the same rules as the record page and plugins (docs/extras.md).

A record the token's user does not see is a 404; tags on a record they may
not change, or anything on a blocked record, a 403; bad input a 422 naming
the field.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from apispec import APISpec
from flask import Response, g, jsonify, request
from marshmallow import Schema
from marshmallow import fields as ma
from marshmallow.validate import OneOf, Range

from .. import extras
from ..activity.activities import MAX_REMINDER_MINUTES
from ..entities import Entity
from ..fields.schemafields import INT32, json_int
from ..i18n import _, _l
from ..records import RecordNotFound
from ..records.common import entity_of
from . import bp, http
from .meta_io import load
from .problems import Problem

RECORD = "/<entity>/<int:record_id>"


class NoteInput(Schema):
    body = ma.String(required=True, metadata={"description": _l("Plain text or HTML (cleaned to a safe set of tags)")})


class ActivityInput(Schema):
    kind = ma.String(required=True, validate=OneOf(extras.KINDS), metadata={"enum": list(extras.KINDS)})
    subject = ma.String(required=True)
    description = ma.String(load_default="")
    due_at = ma.AwareDateTime(allow_none=True, load_default=None,
                              metadata={"description": _l("A moment with its offset, e.g. 2030-05-06T09:30:00Z")})
    assignee_id = json_int(validate=Range(1, INT32), allow_none=True, load_default=None,
                           metadata={"description": _l("The user it is assigned to (the caller when absent)")})
    reminder_minutes = json_int(validate=Range(0, MAX_REMINDER_MINUTES), allow_none=True, load_default=None)


class DoneInput(Schema):
    done = ma.Boolean(required=True, metadata={"description": _l("true: done; false: open again")})


class TagInput(Schema):
    tag = ma.String(required=True)


class NoteOutput(Schema):
    id = ma.Integer()
    author_id = ma.Integer(allow_none=True)
    body = ma.String()
    created_at = ma.String(metadata={"format": "date-time"})
    edited_at = ma.String(allow_none=True, metadata={"format": "date-time"})


class ActivityOutput(Schema):
    id = ma.Integer()
    kind = ma.String(metadata={"enum": list(extras.KINDS)})
    subject = ma.String()
    description = ma.String()
    due_at = ma.String(allow_none=True, metadata={"format": "date-time"})
    assignee_id = ma.Integer(allow_none=True)
    reminder_minutes = ma.Integer(allow_none=True)
    done_at = ma.String(allow_none=True, metadata={"format": "date-time"})
    created_by = ma.Integer(allow_none=True)
    created_at = ma.String(metadata={"format": "date-time"})


class AttachmentOutput(Schema):
    id = ma.Integer()
    file_name = ma.String()
    content_type = ma.String()
    size = ma.Integer()
    uploader_id = ma.Integer(allow_none=True)
    created_at = ma.String(metadata={"format": "date-time"})


class HistoryOutput(Schema):
    id = ma.Integer()
    at = ma.String(metadata={"format": "date-time"})
    action = ma.String()
    user_id = ma.Integer(allow_none=True)
    changes = ma.Dict(keys=ma.String(), values=ma.List(ma.Raw()),
                      metadata={"description": _l("Each field the caller may see: [old, new]")})


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _item(found: Any) -> dict[str, Any]:
    return {key: _json(value) for key, value in asdict(found).items()}


def _target(entity: str, record_id: int) -> str:
    """The entity's name; a record id no INTEGER column holds is a 404, as for the record itself."""
    name = entity_of(entity).name
    if record_id > INT32:
        raise RecordNotFound(name, [record_id])
    return name


def _refused(err: extras.ExtraRefused) -> Response:
    return Problem(422, _("Invalid values"), str(err), "validation-failed",
                   {err.field or "body": [str(err)]}).response()


def _listed(items: list[Any]) -> Response:
    return jsonify({"data": items})


def _created(item: dict[str, Any]) -> Response:
    response = jsonify(item)
    response.status_code = 201
    return response


# What hangs on a record and is listed as items (the same fields as the service's dataclass): the URL's word and
# the service that reads them.
LISTED = (("notes", extras.notes), ("activities", extras.activities), ("attachments", extras.attachments),
          ("history", extras.history))


def _listing(read: Callable[..., list[Any]]) -> Callable[..., Response]:
    def listing(entity: str, record_id: int) -> Response:
        return _listed([_item(found) for found in read(_target(entity, record_id), record_id, g.api_user)])

    return listing


for _tail, _read in LISTED:
    bp.get(f"{RECORD}/{_tail}", endpoint=f"list_{_tail}")(_listing(_read))


@bp.post(f"{RECORD}/notes")
def add_note(entity: str, record_id: int) -> Response:
    name = _target(entity, record_id)
    body = load(NoteInput(), http.json_body())
    return _created(_item(extras.add_note(name, record_id, body["body"], g.api_user)))


@bp.post(f"{RECORD}/activities")
def add_activity(entity: str, record_id: int) -> Response:
    name = _target(entity, record_id)
    body = load(ActivityInput(), http.json_body())
    return _created(_item(extras.add_activity(name, record_id, g.api_user, **body)))


@bp.patch(f"{RECORD}/notes/<int:note_id>")
def edit_note(entity: str, record_id: int, note_id: int) -> Response:
    """Change a note: its author or an administrator may (403 otherwise)."""
    name = _target(entity, record_id)
    body = load(NoteInput(), http.json_body())
    return jsonify(_item(extras.edit_note(name, record_id, note_id, body["body"], g.api_user)))


@bp.patch(f"{RECORD}/activities/<int:activity_id>")
def set_done(entity: str, record_id: int, activity_id: int) -> Response:
    """Mark an activity done or open again: its assignee, its author or an administrator may."""
    name = _target(entity, record_id)
    body = load(DoneInput(), http.json_body())
    return jsonify(_item(extras.set_done(name, record_id, activity_id, body["done"], g.api_user)))


# What hangs on a record and is deleted by its id (its author or an administrator may): the URL's word, the
# name of the id in the URL, the service that deletes it and the OpenAPI summary.
DELETED = (("notes", "note_id", extras.delete_note, _l("Delete a note")),
           ("activities", "activity_id", extras.delete_activity, _l("Delete an activity")),
           ("attachments", "attachment_id", extras.delete_attachment, _l("Delete a file")))


def _deleting(remove: Callable[..., None]) -> Callable[..., Response]:
    def delete(entity: str, record_id: int, **item: int) -> Response:
        [item_id] = item.values()
        remove(_target(entity, record_id), record_id, item_id, g.api_user)
        return Response(status=204)

    return delete


for _tail, _key, _remove, _summary in DELETED:
    bp.delete(f"{RECORD}/{_tail}/<int:{_key}>", endpoint=_remove.__name__)(_deleting(_remove))


@bp.post(f"{RECORD}/attachments")
def attach(entity: str, record_id: int) -> Response:
    """A file sent as multipart/form-data, in the part `file`."""
    name = _target(entity, record_id)
    if request.mimetype != "multipart/form-data":
        raise Problem(415, _("Unsupported media type"), _("Send the file as multipart/form-data, in the part file."),
                      "unsupported-media-type", {"Content-Type": [_("Use multipart/form-data.")]})
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        raise extras.ExtraRefused(_("Choose a file to attach."), "file")
    return _created(_item(extras.attach(name, record_id, sent.filename, sent.stream, g.api_user)))


@bp.get(f"{RECORD}/tags")
def list_tags(entity: str, record_id: int) -> Response:
    return _listed(extras.tags(_target(entity, record_id), record_id, g.api_user))


@bp.post(f"{RECORD}/tags")
def add_tag(entity: str, record_id: int) -> Response:
    name = _target(entity, record_id)
    body = load(TagInput(), http.json_body())
    return _created({"tag": extras.add_tag(name, record_id, body["tag"], g.api_user)})


@bp.delete(f"{RECORD}/tags/<path:tag>")
def remove_tag(entity: str, record_id: int, tag: str) -> Response:
    extras.remove_tag(_target(entity, record_id), record_id, tag, g.api_user)
    return Response(status=204)


@bp.get(f"{RECORD}/followers")
def list_followers(entity: str, record_id: int) -> Response:
    return _listed(extras.followers(_target(entity, record_id), record_id, g.api_user))


@bp.post(f"{RECORD}/followers")
def follow(entity: str, record_id: int) -> Response:
    """The caller follows the record (following it already is no change)."""
    extras.follow(_target(entity, record_id), record_id, g.api_user)
    return Response(status=204)


@bp.delete(f"{RECORD}/followers")
def unfollow(entity: str, record_id: int) -> Response:
    extras.unfollow(_target(entity, record_id), record_id, g.api_user)
    return Response(status=204)


bp.register_error_handler(extras.ExtraRefused, _refused)


# The OpenAPI document: (path tail, schema of one item or None for a list of strings/ids, summaries).
SCHEMAS = (("Note", NoteOutput), ("NoteInput", NoteInput), ("Activity", ActivityOutput),
           ("ActivityInput", ActivityInput), ("DoneInput", DoneInput), ("Attachment", AttachmentOutput),
           ("TagInput", TagInput),
           ("HistoryEntry", HistoryOutput))


def _item_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0,
                                                                     "maximum": INT32}}


def add_to_spec(spec: APISpec, entities: list[Entity]) -> None:
    """The extras' paths of every entity in the OpenAPI document."""
    from .openapi import _id_parameter, _json, _ref, _responses  # the document's own helpers (it imports this)

    for name, schema in SCHEMAS:
        spec.components.schema(name, schema=schema)

    def listing(item: dict[str, Any], summary: str) -> dict[str, Any]:
        return {"summary": summary, "parameters": [_id_parameter()],
                "responses": _responses({200: {"description": summary, "content": _json(
                    {"type": "object", "properties": {"data": {"type": "array", "items": item}}})}},
                    (401, 403, 404))}

    def adding(body: dict[str, Any], answer: dict[str, Any], summary: str) -> dict[str, Any]:
        return {"summary": summary, "parameters": [_id_parameter()],
                "requestBody": {"required": True, "content": body},
                "responses": _responses({201: {"description": summary, "content": _json(answer)}},
                                        (400, 401, 403, 404, 415, 422))}

    def done(summary: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
        return {"summary": summary, "parameters": [_id_parameter(), *parameters],
                "responses": _responses({204: {"description": summary}}, (401, 403, 404, 422))}

    def changing(body: dict[str, Any], answer: dict[str, Any], summary: str, item: dict[str, Any]
                 ) -> dict[str, Any]:
        return {"summary": summary, "parameters": [_id_parameter(), item],
                "requestBody": {"required": True, "content": body},
                "responses": _responses({200: {"description": summary, "content": _json(answer)}},
                                        (400, 401, 403, 404, 415, 422))}

    upload = {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}}}
    tag = {"name": "tag", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
    for entity in entities:
        name = entity.name
        paths: dict[str, dict[str, dict[str, Any]]] = {
            "notes": {"get": listing(_ref("Note"), _("The record's notes")),
                      "post": adding(_json(_ref("NoteInput")), _ref("Note"), _("Add a note to the record"))},
            "activities": {"get": listing(_ref("Activity"), _("The record's activities")),
                           "post": adding(_json(_ref("ActivityInput")), _ref("Activity"),
                                          _("Add a task, call or meeting to the record"))},
            "attachments": {"get": listing(_ref("Attachment"), _("The record's files")),
                            "post": adding(upload, _ref("Attachment"), _("Attach a file to the record"))},
            "tags": {"get": listing({"type": "string"}, _("The record's tags")),
                     "post": adding(_json(_ref("TagInput")), {"type": "object", "properties": {
                         "tag": {"type": "string"}}}, _("Tag the record"))},
            "followers": {"get": listing({"type": "integer"}, _("The ids of the users following the record")),
                          "post": done(_("Follow the record"), []),
                          "delete": done(_("Stop following the record"), [])},
            "history": {"get": listing(_ref("HistoryEntry"), _("The record's audit history"))},
        }
        for tail, operations in paths.items():
            for method, operation in operations.items():
                operation |= {"tags": [name], "operationId": f"{method}_{tail}_{name}"}
            spec.path(f"/api/v1/{name}/{{record_id}}/{tail}", operations=operations)
        spec.path(f"/api/v1/{name}/{{record_id}}/tags/{{tag}}", operations={"delete": {
            **done(_("Take a tag off the record"), [tag]), "tags": [name], "operationId": f"untag_{name}"}})
        changes = {
            "notes": {"patch": {**changing(_json(_ref("NoteInput")), _ref("Note"), _("Change a note"),
                                           _item_id("note_id")), "operationId": f"edit_note_{name}"}},
            "activities": {"patch": {**changing(_json(_ref("DoneInput")), _ref("Activity"),
                                                _("Mark an activity done or open again"), _item_id("activity_id")),
                                     "operationId": f"set_done_{name}"}},
        }
        for tail, key, remove, summary in DELETED:
            operations = changes.get(tail, {}) | {"delete": {**done(str(summary), [_item_id(key)]),
                                                             "operationId": f"{remove.__name__}_{name}"}}
            for operation in operations.values():
                operation["tags"] = [name]
            spec.path(f"/api/v1/{name}/{{record_id}}/{tail}/{{{key}}}", operations=operations)
