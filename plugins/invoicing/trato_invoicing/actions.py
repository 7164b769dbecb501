"""The documents' actions as the pages and the API share them: issue, rectify, and convert (quote to order
or invoice, order to invoice); which of them a user may take on a record now; and refusals as text."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trato import Money, RecordData, ValidationFailed, access, records

from . import conversion, issuing, rectifying

QUOTE, ORDER, INVOICE = conversion.QUOTE, conversion.ORDER, issuing.INVOICE


def available(entity: str, record: Mapping[str, Any], user: Any) -> list[str]:
    """The actions `user` may take on the record as it is: on a draft invoice "issue", on an issued one
    "rectify"; on an open quote "order" and "invoice"; on an order with something left "invoice"."""
    if entity == INVOICE and access.allowed(user, INVOICE, "edit") and record["status"] == "draft":
        return ["issue"]
    if not access.allowed(user, INVOICE, "create"):
        return []
    if entity == INVOICE and record["status"] == "issued":
        return ["rectify"]
    if entity == QUOTE and record["status"] not in conversion.CLOSED_QUOTE:
        return (["order"] if access.allowed(user, ORDER, "create") else []) + ["invoice"]
    if entity == ORDER and record["status"] in ("open", "partly_invoiced"):
        return ["invoice"]
    return []


LABELS = {"issue": (_l("Issue"), "send"), "rectify": (_l("Create credit note"), "receipt-refund"),
          "order": (_l("Create order"), "clipboard-list"), "invoice": (_l("Create invoice"), "file-invoice")}


def quantities_of(value: Any) -> dict[int, Decimal] | None:
    """The API's `quantities` ({"<order line id>": "2.5"}), refused at the field when malformed."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationFailed({"quantities": [_("Give the quantities as an object of order line ids and "
                                                 "quantities.")]})
    parsed: dict[int, Decimal] = {}
    for key, amount in value.items():
        try:
            parsed[int(key)] = Decimal(str(amount))
        except (ValueError, InvalidOperation):
            raise ValidationFailed({"quantities": {str(key): [_("Enter a number, such as 2.5.")]}}) from None
    return parsed


def money_of(value: Any, field: str) -> Money | None:
    """An API money value ({"amount": "300.00", "currency": "EUR"}), refused at the field when malformed."""
    if value is None:
        return None
    try:
        return Money(Decimal(str(value["amount"])), str(value["currency"]).upper())
    except (KeyError, TypeError, InvalidOperation):
        raise ValidationFailed({field: [_("Give an object with an amount and a currency, such as 300.00 and "
                                          "EUR.")]}) from None


def run(entity: str, name: str, record_id: int, body: Mapping[str, Any], user: Any) -> RecordData:
    """Take action `name` on the record: the document it made or changed."""
    calls: dict[tuple[str, str], Callable[[], RecordData]] = {
        (INVOICE, "issue"): lambda: issuing.issue(record_id, user=user),
        (INVOICE, "rectify"): lambda: rectifying.rectify(
            record_id, method=str(body.get("method") or "differences"), reason=str(body.get("reason") or ""),
            lines=body.get("lines"), user=user),
        (QUOTE, "order"): lambda: conversion.order_from_quote(record_id, user=user),
        (QUOTE, "invoice"): lambda: conversion.invoice_from_quote(record_id, user=user),
        (ORDER, "invoice"): lambda: conversion.invoice_from_order(
            record_id, quantities=quantities_of(body.get("quantities")), advance=money_of(body.get("advance"),
                                                                                         "advance"), user=user),
    }
    return calls[(entity, name)]()


def messages(entity: str, errors: Mapping[Any, Any]) -> list[str]:
    """A refusal's messages as lines of text for a flash, each named by its field's label ("Line 2 ·
    Quantity: …")."""
    fields, line_fields = records.entity(entity).fields, records.entity(f"{entity}_line").fields

    def label(known: Mapping[str, Any], name: Any) -> str:
        return str(known[name].text) if name in known else str(name)

    out: list[str] = []
    for key, value in errors.items():
        if not isinstance(value, Mapping):
            out += [f"{label(fields, key)}: {text}" for text in value]
            continue
        for index, inner in value.items():
            if isinstance(inner, Mapping):
                where = _("Line %(n)s", n=index + 1)
                out += [f"{where} · {label(line_fields, name)}: {text}" for name, texts in inner.items()
                        for text in texts]
            else:
                out += [f"{label(fields, key)} {index}: {text}" for text in inner]
    return out
