"""Cancelling an invoice's billing record (RegistroAnulacion), as the page's button and the API share it."""
from __future__ import annotations

from typing import Any

from trato import access, records
from trato_invoicing.issuing import INVOICE

from .chain import append_anulacion
from .models import BillingRecord

PERMISSION = "verifactu_cancel"


def cancel(invoice_id: int, *, user: Any) -> BillingRecord:
    """Append the cancellation of the invoice's record to its issuer's chain, in one transaction. Needs the
    permission `verifactu_cancel` (administrators); refusals are ValidationFailed naming `status`."""
    access.require(user, PERMISSION)
    with records.atomic():
        invoice = records.get(INVOICE, invoice_id, user=user)
        return append_anulacion(invoice)
