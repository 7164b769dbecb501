"""The documents' REST API actions (see README.md): issue and rectify an invoice, turn a quote into an order
or an invoice, invoice an order. Each answers the document it made or changed; refusals are 422 problems
naming the field."""
from __future__ import annotations

from functools import partial
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trato import ApiAction, RecordData, ValidationFailed, records

from . import actions

ACTIONS = [
    (actions.INVOICE, "issue", 200, _l("Issue a draft invoice: number, customer snapshot, kept PDF; then locked")),
    (actions.INVOICE, "rectify", 201, _l("Draft a rectifying invoice (credit note): method, reason R1-R5, lines")),
    (actions.QUOTE, "order", 201, _l("Create a sales order from the quote")),
    (actions.QUOTE, "invoice", 201, _l("Create a draft invoice from the quote")),
    (actions.ORDER, "invoice", 201, _l("Invoice the order: quantities per order line, or an advance")),
]


def answer(record: RecordData) -> dict[str, Any]:
    return {"entity": record.entity, "id": record.id, "version": record.version, "number": record["number"],
            "status": record["status"], "total": None if record["total"] is None else
            {"amount": str(record["total"].amount), "currency": record["total"].currency}}


def handle(entity: str, name: str, record_id: int, body: Any, user: Any) -> dict[str, Any]:
    if body is not None and not isinstance(body, dict):
        raise ValidationFailed({"body": [_("Send a JSON object.")]})
    records.get(entity, record_id, user=user)  # a record the caller may not see is a 404
    return answer(actions.run(entity, name, record_id, body or {}, user))


def endpoints() -> list[ApiAction]:
    return [ApiAction(entity, name, partial(handle, entity, name), status=status, summary=summary)
            for entity, name, status, summary in ACTIONS]
