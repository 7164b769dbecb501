"""Sales' calls in the REST API (the core's `api_actions` hook): what converting a lead offers, and converting it.

    GET  /api/v1/sales_lead/<id>/convert   the existing contacts and accounts it may be, and what is preselected
    POST /api/v1/sales_lead/<id>/convert   {"contact": "new" | id, "account": "new" | "none" | id,
                                            "deal": {"stage_id": 3, "name": "...", "amount": {...},
                                                     "close_date": "2027-03-31"} | null}

Both go through `conversion`, as the conversion page does; the core answers
every refusal as problem+json (a bad choice is a 422 naming `contact`,
`account` or `deal.<field>`).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from trato_contacts import duplicates
from trato_contacts.duplicates import Candidate

from trato import ApiAction, RecordData, access, records

from .conversion import CONTACT, LEAD, Converted, convert, offer, read_choices


def _dump(record: RecordData | None, user: Any) -> dict[str, Any] | None:
    """A record as the API shows it, without the fields the user's role hides."""
    if record is None:
        return None
    entity = records.entity(record.entity)
    return entity.dump(record, access.hidden_fields(user, entity))


def _candidate(candidate: Candidate) -> dict[str, Any]:
    record = candidate.record
    shown = {"id": record.id, "title": duplicates.title(record.entity, record), "reasons": list(candidate.reasons)}
    if record.entity == CONTACT:
        shown["account_id"] = record["account_id"]
    return shown


def offered(record_id: int, body: Mapping[str, Any] | None, user: Any) -> dict[str, Any]:
    lead = records.get(LEAD, record_id, user=user)
    proposal = offer(lead, user)
    return {"contacts": [_candidate(c) for c in proposal.contacts],
            "accounts": [_candidate(c) for c in proposal.accounts],
            "preselected": {"contact": proposal.contact, "account": proposal.account}}


def converted(record_id: int, body: Mapping[str, Any] | None, user: Any) -> dict[str, Any]:
    done: Converted = convert(record_id, user=user, choices=read_choices(body or {}))
    return {"lead": _dump(done.lead, user), "contact": _dump(done.contact, user),
            "account": _dump(done.account, user), "deal": _dump(done.deal, user)}


_ID_OR = {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": ["new"]}]}
_CANDIDATES = {"type": "array", "items": {"type": "object", "required": ["id", "title", "reasons"], "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "reasons": {"type": "array", "items": {"type": "string"}},
    "account_id": {"type": ["integer", "null"]}}}}
OFFER = {"type": "object", "required": ["contacts", "accounts", "preselected"], "properties": {
    "contacts": _CANDIDATES, "accounts": _CANDIDATES,
    "preselected": {"type": "object", "properties": {"contact": {}, "account": {}}}}}
CHOICES = {"type": "object", "additionalProperties": False, "properties": {
    "contact": _ID_OR,
    "account": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": ["new", "none"]}]},
    "deal": {"type": ["object", "null"], "required": ["stage_id"], "properties": {
        "stage_id": {"type": "integer"}, "name": {"type": "string"}, "amount": {"type": "object"},
        "close_date": {"type": "string", "format": "date"}}}}}
CONVERTED = {"type": "object", "required": ["lead", "contact", "account", "deal"], "properties": {
    name: {"type": ["object", "null"]} for name in ("lead", "contact", "account", "deal")}}


def actions() -> list[ApiAction]:
    return [ApiAction(LEAD, "convert", offered, method="GET", answers=OFFER,
                      summary=_l("The existing contacts and accounts the lead may be, and those preselected")),
            ApiAction(LEAD, "convert", converted, takes=CHOICES, answers=CONVERTED,
                      summary=_l("Convert the lead into a contact, an account and a deal"))]
