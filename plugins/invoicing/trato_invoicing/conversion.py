"""From one document to the next: a quote becomes a sales order or an invoice; an order is invoiced whole or
in parts (by quantity per order line), with advance invoices (anticipos) deducted on the invoice that
completes it.

Each conversion is one transaction. An order keeps count of what was invoiced: each order line's
`invoiced_quantity` (the quantities of the invoice lines made from it, in every invoice not in the recycle
bin, drafts included, so nothing is invoiced twice), its `invoiced_amount` and its status.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from trato import Money, RecordData, ValidationFailed, records, session

from . import pending
from .issuing import INVOICE, create_invoice, invoice_lines
from .models import Invoice, InvoiceLine, OrderLine
from .rectifying import LINE as LINE_FIELDS

QUOTE, ORDER = "invoicing_quote", "invoicing_order"
QUOTE_LINE, ORDER_LINE = "invoicing_quote_line", "invoicing_order_line"
HEADER = ("company_id", "account_id", "contact_id", "deal", "fiscal_position_id", "currency", "global_discount")
CLOSED_QUOTE = ("rejected", "expired")
ZERO = Decimal(0)


def copied(line: Mapping[str, Any]) -> dict[str, Any]:
    return {name: line[name] for name in LINE_FIELDS if line.get(name) is not None}


def header_of(document: RecordData) -> dict[str, Any]:
    return {name: document[name] for name in HEADER if document.get(name) is not None}


def _open_quote(quote_id: int, user: Any) -> tuple[RecordData, list[RecordData]]:
    """A quote that may still be converted (accepted on the way when it was a draft or sent), and its lines."""
    quote = records.get(QUOTE, quote_id, user=user)
    if quote["status"] in CLOSED_QUOTE:
        raise ValidationFailed({"status": [_("A rejected or expired quote cannot be converted.")]})
    lines = records.lines(QUOTE, quote.id, user=user).get(QUOTE_LINE, [])
    if not lines:
        raise ValidationFailed({"lines": [_("The quote has no lines.")]})
    if quote["status"] != "accepted":
        quote = records.update(QUOTE, quote.id, {"status": "accepted"}, user=user, version=quote.version)
    return quote, lines


def order_from_quote(quote_id: int, *, user: Any) -> RecordData:
    """A sales order with the quote's customer, terms and lines (the quote is accepted by it). A quote has one
    order at most."""
    with records.atomic():
        existing = records.query(ORDER, user=None).where({"quote_id": quote_id}).page(limit=1).items
        if existing:
            raise ValidationFailed({"quote_id": [_("This quote already has the sales order %(number)s.",
                                                   number=existing[0]["number"])]})
        quote, lines = _open_quote(quote_id, user)
        return records.create(ORDER, {**header_of(quote), "quote_id": quote.id,
                                      "lines": [copied(line) for line in lines]}, user=user)


def invoice_from_quote(quote_id: int, *, user: Any) -> RecordData:
    """A draft invoice of the whole quote (the quote is accepted by it)."""
    with records.atomic():
        quote, lines = _open_quote(quote_id, user)
        return create_invoice({**header_of(quote), "quote_id": quote.id, "kind": "invoice"},
                              [copied(line) for line in lines], user=user)


def _to_invoice(order_lines: list[RecordData], quantities: Mapping[int, Any] | None) -> list[tuple[RecordData,
                                                                                                   Decimal]]:
    """(order line, quantity) to invoice now: what is asked, or all that is left; refused per line when more
    than is left, not more than zero, or not a line of the order."""
    left = {line.id: line["quantity"] - (line["invoiced_quantity"] or ZERO) for line in order_lines}
    if quantities is None:
        return [(line, left[line.id]) for line in order_lines if left[line.id] > 0]
    errors: dict[str, list[str]] = {}
    chosen = []
    by_id = {line.id: line for line in order_lines}
    for line_id, asked in quantities.items():
        try:
            quantity = Decimal(str(asked))
        except ArithmeticError:
            errors[str(line_id)] = [_("Enter a number, such as 2.5.")]
            continue
        if int(line_id) not in by_id:
            errors[str(line_id)] = [_("Line %(id)s is not a line of this order.", id=line_id)]
        elif quantity <= 0 or quantity > left[int(line_id)]:
            errors[str(line_id)] = [_("Invoice more than 0 and at most %(left)s.", left=left[int(line_id)])]
        else:
            chosen.append((by_id[int(line_id)], quantity))
    if errors:
        raise ValidationFailed({"quantities": errors})
    return sorted(chosen, key=lambda pair: pair[0]["position"])


def _advance_lines(order: RecordData, order_lines: list[RecordData], advance: Money) -> list[dict[str, Any]]:
    """An advance of `advance` (net) shared among the order's taxes in proportion to their nets, the last
    share taking the rounding."""
    groups: dict[tuple[Any, ...], Decimal] = defaultdict(lambda: ZERO)
    for line in order_lines:
        key = (line["tax_id"], line["surcharge_id"], line["withholding_id"], line["exemption"])
        groups[key] += line["net"].amount if line["net"] else ZERO
    whole = sum(groups.values(), ZERO)
    if advance.amount <= 0 or whole <= 0 or advance.amount > whole:
        raise ValidationFailed({"advance": [_("Give an advance more than 0 and at most the order's net amount, "
                                              "%(net)s.", net=Money(whole, advance.currency))]})
    made, given = [], ZERO
    for index, ((tax_id, surcharge_id, withholding_id, exemption), net) in enumerate(groups.items()):
        last = index == len(groups) - 1
        share = advance.amount - given if last else \
            Money(advance.amount * net / whole, advance.currency).rounded().amount
        given += share
        made.append({"description": _("Advance payment on order %(number)s", number=order["number"]),
                     "quantity": Decimal(1), "unit_price": Money(share, advance.currency), "tax_id": tax_id,
                     "surcharge_id": surcharge_id, "withholding_id": withholding_id, "exemption": exemption})
    return made


def _deductions(order_id: int) -> list[dict[str, Any]]:
    """The order's issued advance invoices, each line deducted (a negative price, the same taxes)."""
    advances = records.query(INVOICE, user=None).where({"order_id": order_id, "advance": "true",
                                                       "status": "issued"}).order_by("id").page(limit=500).items
    return [{**copied(line), "description": _("Deduction of the advance invoice %(number)s",
                                              number=invoice["number"]),
             "unit_price": Money(-line["unit_price"].amount, line["unit_price"].currency)}
            for invoice in advances for line in invoice_lines(invoice.id)]


def invoice_from_order(order_id: int, *, quantities: dict[int, Decimal] | None = None, advance: Money | None = None,
                       user: Any) -> RecordData:
    """A draft invoice of the order: of `quantities` per order line id (all that is left when None), or an
    advance invoice of the net `advance`. The invoice that leaves nothing to invoice deducts the advances."""
    with records.atomic():
        order = records.get(ORDER, order_id, user=user)
        if order["status"] == "cancelled":
            raise ValidationFailed({"status": [_("A cancelled order cannot be invoiced.")]})
        order_lines = records.lines(ORDER, order.id, user=user).get(ORDER_LINE, [])
        header = {**header_of(order), "order_id": order.id, "quote_id": order["quote_id"], "kind": "invoice"}
        if advance is not None:
            return create_invoice({**header, "advance": True}, _advance_lines(order, order_lines, advance),
                                  user=user)
        chosen = _to_invoice(order_lines, quantities)
        if not chosen:
            raise ValidationFailed({"quantities": [_("Everything on this order is invoiced already.")]})
        left_after = {line.id: line["quantity"] - (line["invoiced_quantity"] or ZERO) for line in order_lines}
        for line, quantity in chosen:
            left_after[line.id] -= quantity
        completes = all(left <= 0 for left in left_after.values())
        lines = [{**copied(line), "quantity": quantity} for line, quantity in chosen]
        invoice = create_invoice(header, lines + (_deductions(order.id) if completes else []), user=user)
        made = invoice_lines(invoice.id)
        db = session()
        for (order_line, _quantity), invoice_line in zip(chosen, made):
            db.execute(update(InvoiceLine).where(InvoiceLine.id == invoice_line.id)
                       .values(order_line_id=order_line.id))
        refresh_order(order.id, user)
        return invoice


def refresh_order(order_id: int, user: Any = None) -> RecordData:
    """Count again what the order's invoices (not binned) invoice: each line's quantity, the amount and the
    order's status (a cancelled order stays so)."""
    db = session()
    live = select(Invoice.id).where(Invoice.order_id == order_id, Invoice.deleted_at.is_(None))
    counted = dict(db.execute(select(InvoiceLine.order_line_id, func.sum(InvoiceLine.quantity))
                              .where(InvoiceLine.parent_id.in_(live), InvoiceLine.order_line_id.is_not(None))
                              .group_by(InvoiceLine.order_line_id)).all())
    order = records.get(ORDER, order_id, user=None)
    lines = records.lines(ORDER, order_id, user=None).get(ORDER_LINE, [])
    for line in lines:
        db.execute(update(OrderLine).where(OrderLine.id == line.id)
                   .values(invoiced_quantity=counted.get(line.id) or ZERO))
    invoiced = [counted.get(line.id) or ZERO for line in lines]
    if order["status"] == "cancelled":
        status = "cancelled"
    elif lines and all(done >= line["quantity"] for done, line in zip(invoiced, lines)):
        status = "invoiced"
    else:
        status = "partly_invoiced" if any(done > 0 for done in invoiced) else "open"
    totals = db.execute(select(Invoice.total, Invoice.total_currency).where(Invoice.id.in_(live))).all()
    currency = order["currency"] or (totals[0][1] if totals else None)
    amount = Money(sum((t for t, _c in totals if t is not None), ZERO), currency) if currency else None
    with pending.giving(ORDER, order_id, {"invoiced_amount": amount}):
        return records.update(ORDER, order_id, {"status": status}, user=None, version=None)
