"""The invoice's QR code and legend (Orden HAC/1177/2024 arts. 20-21; AEAT's "Características del QR y
especificaciones del servicio de cotejo"): AEAT's ValidarQR address with the issuer's tax id, the invoice
number, its date (dd-mm-yyyy) and its total, URL-encoded, as a QR code of error correction level M."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import segno
from sqlalchemy import select

from trato import session

from . import config
from .fingerprint import amount_text, date_text
from .models import BillingRecord

# The legend the Orden prescribes, in Spanish as the law words it (not translated with the document).
LEGEND = "VERI*FACTU · Factura verificable en la sede electrónica de la AEAT"


def verification_url(record: BillingRecord) -> str:
    query = urlencode({"nif": record.issuer_tax_id, "numserie": record.number,
                       "fecha": date_text(record.issue_date), "importe": amount_text(record.importe_total or 0)},
                      quote_via=quote, safe="")
    return f"{config.qr_base_url()}?{query}"


def image(url: str) -> str:
    """The QR code as a PNG data: URI (the only kind of image a document may fetch)."""
    return str(segno.make(url, error="m", micro=False).png_data_uri(scale=4, border=4))


def alta_of(invoice_id: int) -> BillingRecord | None:
    return session().scalars(select(BillingRecord).where(BillingRecord.invoice_id == invoice_id,
                                                         BillingRecord.kind == "alta")
                             .order_by(BillingRecord.id).limit(1)).first()


def mark(invoice_id: int | None) -> dict[str, Any] | None:
    """The invoicing merge field's fiscal mark of an invoice with a record (a sample one while a template is
    checked; none for a draft)."""
    if invoice_id is None:
        return {"image": image(f"{config.qr_base_url()}?nif=89890001K"), "text": LEGEND}
    record = alta_of(invoice_id)
    if record is None:
        return None
    return {"image": image(verification_url(record)), "text": LEGEND}
