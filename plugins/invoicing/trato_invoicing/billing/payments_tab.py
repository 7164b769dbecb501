"""The "Payments" tab of an issued invoice's page: its payments and standing, and the "Record payment" form
(posted to `views.record_payment`, which draws the tab again with the refusals at their fields)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from trato import Fragment, RecordData, access, records

from .models import METHODS, Payment

PAYMENT = Payment.__tablename__
TAB_KEY = "invoicing-billing-payments"  # the tab= key of templates/invoicing/billing/payments.html


def context(invoice: RecordData, user: Any, form: dict[str, str] | None = None,
            errors: dict[str, list[str]] | None = None, message: str | None = None) -> dict[str, Any]:
    payments = records.query(PAYMENT, user=user).where({"invoice_id": invoice.id}).order_by("payment_date") \
        .page(limit=200).items
    can_record = (access.allowed(user, PAYMENT, "create") and invoice["status"] == "issued"
                  and invoice["balance"] is not None and invoice["balance"].amount != 0)
    return {"invoice": invoice, "payments": payments, "methods": METHODS, "can_record": can_record,
            "form": form or {"payment_date": date.today().isoformat(), "method": "transfer"},
            "errors": errors or {}, "message": message}


def tab(invoice: RecordData, user: Any) -> list[Fragment]:
    """The tab on an issued invoice, for who may see payments."""
    if invoice["status"] != "issued" or not access.allowed(user, PAYMENT, "view"):
        return []
    return [Fragment(_l("Payments"), "invoicing/billing/payments.html", context(invoice, user), priority=30)]
