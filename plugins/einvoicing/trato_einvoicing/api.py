"""The REST calls under /api/v1/einvoicing/: an issued invoice's e-invoice (GET invoices/<id>/ubl, /cii,
/facturx), refused with a 409 problem for a draft and a 422 naming each missing field for an incomplete one;
and POST parse, a received UBL or CII invoice read into JSON."""
from __future__ import annotations

import base64
import binascii
from functools import partial
from typing import Any

from flask import Response, json
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trato import ApiCall, ApiEndpoint, ValidationFailed

from . import parsing
from .export import Incomplete, export
from .source import NotIssued
from .views import attachment

PROBLEM = "application/problem+json"
SUMMARIES = {"ubl": _l("The issued invoice as an EN 16931 UBL 2.1 Invoice or CreditNote"),
             "cii": _l("The issued invoice as an EN 16931 CII (UN/CEFACT D16B) invoice"),
             "facturx": _l("The issued invoice as a Factur-X PDF/A-3 (EN 16931 profile) with its CII inside")}
PARSE_TAKES = {"type": "object", "properties": {
    "xml": {"type": "string", "description": "the invoice's XML as text"},
    "content_base64": {"type": "string", "description": "or its bytes, base64-encoded"}}}


def not_issued() -> Response:
    detail = _("Only an issued invoice can be sent as an e-invoice: issue it first.")
    body = {"type": "urn:trato:problem:invoice-not-issued", "title": _("Invoice not issued"), "status": 409,
            "detail": detail, "errors": {"status": [detail]}}
    return Response(json.dumps(body), 409, mimetype=PROBLEM)


def download(kind: str, call: ApiCall, invoice_id: int) -> Response:
    try:
        done = export(invoice_id, kind, user=call.user)
    except NotIssued:
        return not_issued()
    except Incomplete as exc:
        raise ValidationFailed(exc.errors()) from None
    return attachment(done.data, done.filename, done.media_type)


def _content(body: Any) -> bytes:
    body = body or {}
    if isinstance(body.get("xml"), str) and body["xml"].strip():
        return str(body["xml"]).encode("utf-8")
    if isinstance(body.get("content_base64"), str):
        try:
            return base64.b64decode(body["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed({"content_base64": [_("This is not base64.")]}) from None
    raise ValidationFailed({"xml": [_("Send the invoice's XML as text in xml, or its bytes in content_base64.")]})


def parse(call: ApiCall) -> dict[str, Any]:
    try:
        received = parsing.parse(_content(call.body))
    except parsing.Unreadable as exc:
        field = "content_base64" if (call.body or {}).get("content_base64") else "xml"
        raise ValidationFailed({field: [str(exc)]}) from None
    return parsing.as_json(received)


def endpoints() -> list[ApiEndpoint]:
    calls = [ApiEndpoint(f"invoices/<int:invoice_id>/{kind}", partial(download, kind), summary=summary)
             for kind, summary in SUMMARIES.items()]
    return calls + [ApiEndpoint("parse", parse, method="POST", summary=_l("Read a received UBL or CII invoice"),
                                takes=PARSE_TAKES)]
