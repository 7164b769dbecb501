"""What the documents' PDF templates get beyond the core's merge fields (the `document_context` hook): the tax
summary per rate (VAT, then recargo, then IRPF withheld), the legal legends (exemptions, the fiscal
position's mention such as the reverse charge), and on a rectifying invoice the invoice it rectifies and why.
An issued invoice's summary is its frozen tax rows; a draft's, a quote's or an order's is worked out anew."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from trato import RecordData, records, session

from .models import RECTIFICATION_METHODS, RECTIFICATION_REASONS, InvoiceTax
from .totals import TaxRow, document_currency, tax_rows

DOCUMENTS = ("invoicing_quote", "invoicing_order", "invoicing_invoice")


def _money(amount: Decimal, currency: str) -> str:
    return format_currency(amount, currency)


def _rows(entity: str, record: RecordData) -> list[TaxRow]:
    if entity == "invoicing_invoice" and record["status"] == "issued":
        stored = session().scalars(select(InvoiceTax).where(InvoiceTax.invoice_id == record.id)
                                   .order_by(InvoiceTax.id))
        return [TaxRow(r.kind, r.tax_id, r.code, r.rate, r.base, r.amount, r.currency, r.exemption) for r in stored]
    lines = records.lines(entity, record.id, user=None).get(f"{entity}_line", [])
    return tax_rows(record, lines, document_currency(record, lines))


def _summary(rows: list[TaxRow]) -> list[dict[str, str]]:
    names = {"vat": _("VAT"), "surcharge": _("Equivalence surcharge"), "withholding": _("IRPF withholding")}
    return [{"kind": row.kind, "name": names[row.kind], "rate": f"{format_decimal(row.rate)} %",
             "base": _money(row.base, row.currency),
             "amount": _money(-row.amount if row.kind == "withholding" else row.amount, row.currency),
             "exemption": row.exemption or ""}
            for row in rows]


def _rectified(record: RecordData) -> dict[str, str] | None:
    if not record.get("rectifies_id"):
        return None
    original = records.get("invoicing_invoice", record["rectifies_id"], user=None)
    reasons, methods = dict(RECTIFICATION_REASONS), dict(RECTIFICATION_METHODS)
    return {"number": original["number"] or "",
            "date": original["issue_date"].isoformat() if original["issue_date"] else "",
            "reason": str(reasons.get(record["rectification_reason"], "")),
            "method": str(methods.get(record["rectification_method"], ""))}


def _legends(record: RecordData, rows: list[TaxRow]) -> list[str]:
    found = [row.exemption for row in rows if row.exemption]
    if record.get("fiscal_position_id"):
        note = records.get("catalog_fiscal_position", record["fiscal_position_id"], user=None)["note"]
        if note:
            found.append(note)
    return list(dict.fromkeys(found))


SAMPLE = {"taxes": [{"kind": "vat", "name": "VAT", "rate": "21 %", "base": "100.00 €", "amount": "21.00 €",
                     "exemption": ""}], "legends": [], "rectified": None, "fiscal_marks": []}


def context(entity: str, record: RecordData | None) -> dict[str, Any]:
    """The `invoicing` merge field of a document (sample values while a template is checked).

    `fiscal_marks` is a list invoicing leaves empty for other plugins to fill from their own
    `document_context` (declared `@hookimpl(trylast=True)`, so that it runs after this one): each mark is a
    dict with `image` (a data: URI, or empty) and `text`, printed at the top of the document. VeriFactu puts
    its QR code and legend there; a TicketBAI plugin would put its own."""
    if record is None:
        return {**SAMPLE, "fiscal_marks": []}
    rows = _rows(entity, record)
    return {"taxes": _summary(rows), "legends": _legends(record, rows),
            "rectified": _rectified(record) if entity == "invoicing_invoice" else None, "fiscal_marks": []}
