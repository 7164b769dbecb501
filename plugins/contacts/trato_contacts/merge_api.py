"""Merging over the REST API (the core's `api_actions` hook), with the rules of the merge page:

    POST /api/v1/contacts_contact/<id>/merge   {"duplicate_id": 42, "take": ["email", "phone"]}
    POST /api/v1/contacts_account/<id>/merge   (the same for accounts)

Record `duplicate_id` is merged into record `<id>`: the fields named in `take` get the duplicate's values, every
record, note, activity, file and tag of the duplicate moves over, and the duplicate goes to the recycle bin.
The answer is the merged record as the API shows it and what moved, by kind. A record merged with itself, a
field that is not mergeable, or records pointing at the duplicate that the user may not change are 422s naming
the field; a duplicate the user may not see is a 404.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trato import ApiAction, RecordNotFound, ValidationFailed, access, records

from . import merge
from .models import Account, Contact

LARGEST_ID = 2**31 - 1  # record ids are INTEGER columns
TAKES = {"type": "object", "required": ["duplicate_id"], "additionalProperties": False, "properties": {
    "duplicate_id": {"type": "integer", "minimum": 1, "maximum": LARGEST_ID},
    "take": {"type": "array", "items": {"type": "string"}}}}
ANSWERS = {"type": "object", "required": ["record", "moved"], "properties": {
    "record": {"type": "object"}, "moved": {"type": "object", "additionalProperties": {"type": "integer"}}}}


def _merge(entity: str) -> Any:
    def handler(record_id: int, body: Mapping[str, Any] | None, user: Any) -> dict[str, Any]:
        body = body or {}
        duplicate = body.get("duplicate_id")
        if not isinstance(duplicate, int) or isinstance(duplicate, bool) or not 1 <= duplicate <= LARGEST_ID:
            raise ValidationFailed({"duplicate_id": [_("Give the id of the record to merge into this one.")]})
        take = body.get("take") or []
        if not isinstance(take, list):
            raise ValidationFailed({"take": [_("Give the fields to take from the duplicate as a list of names.")]})
        allowed = set(merge.mergeable_fields(entity)) - access.hidden_fields(user, entity)
        unknown = [name for name in take if not isinstance(name, str) or name not in allowed]
        if unknown:
            raise ValidationFailed({"take": [_("These fields cannot be taken from the duplicate: %(names)s.",
                                               names=", ".join(map(str, unknown)))]})
        records.get(entity, duplicate, user=user)  # one the user may not see is a 404, as on the page
        try:
            done = merge.merge(entity, record_id, duplicate, dict.fromkeys(take, "b"), user)
        except merge.MergeRefused as exc:
            raise ValidationFailed({"duplicate_id": [str(exc)]}) from None
        except RecordNotFound:
            raise ValidationFailed({"duplicate_id": [_(
                "Some records that point at the duplicate are out of your reach, so nothing was merged; ask an "
                "administrator to merge these two.")]}) from None
        e = records.entity(entity)
        return {"record": e.dump(done.survivor, access.hidden_fields(user, e)), "moved": done.moved}

    return handler


def actions() -> list[ApiAction]:
    return [ApiAction(model.__tablename__, "merge", _merge(model.__tablename__), takes=TAKES, answers=ANSWERS,
                      summary=_l("Merge a duplicate into this record, taking the fields named from it"))
            for model in (Contact, Account)]
