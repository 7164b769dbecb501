"""Rectifying invoices (facturas rectificativas, RD 1619/2012 art. 15): the only way to correct an issued
invoice. One is a draft of kind "rectifying" pointing at the invoice it rectifies, with AEAT's reason code
(R1-R4; R5 for a simplified invoice) and its method; it is numbered in its own series when issued.

- By differences: its lines are the differences (negative quantities allowed here only); by default the
  original's lines with their quantities negated, a full credit note.
- By substitution: the original's lines negated (cancelling it), followed by the lines that replace them;
  its totals are the difference, and the document shows both.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _

from trato import RecordData, ValidationFailed, records

from . import issuing
from .models import RECTIFICATION_METHODS, RECTIFICATION_REASONS

HEADER = ("company_id", "account_id", "contact_id", "fiscal_position_id", "currency", "global_discount",
          "order_id", "quote_id", "deal", "customer_tax_id")
LINE = ("product_id", "description", "quantity", "unit", "unit_price", "discount", "tax_id", "surcharge_id",
        "withholding_id", "exemption")
REASONS = {value for value, _label in RECTIFICATION_REASONS}
METHODS = {value for value, _label in RECTIFICATION_METHODS}


def negated(line: Mapping[str, Any]) -> dict[str, Any]:
    """An issued line as a rectifying line that cancels it."""
    copied = {name: line.get(name) for name in LINE if line.get(name) is not None}
    return {**copied, "quantity": -line["quantity"]}


def check_request(original: RecordData, method: str, reason: str) -> None:
    """Only an issued invoice is rectified, for one of AEAT's reasons (R5 for a simplified one, only), by one
    of the two methods."""
    errors: dict[str, list[str]] = {}
    if original["status"] != "issued":
        errors["rectifies_id"] = [_("Only an issued invoice can be rectified; change the draft instead.")]
    if method not in METHODS:
        errors["rectification_method"] = [_("Choose substitution or differences.")]
    if reason not in REASONS:
        errors["rectification_reason"] = [_("Choose one of the reasons R1 to R5.")]
    elif (reason == "R5") != (original["kind"] == "simplified"):
        errors["rectification_reason"] = [_("R5 is the reason for rectifying a simplified invoice, and only "
                                            "for it.")]
    if errors:
        raise ValidationFailed(errors)


def rectify(invoice_id: int, *, method: str, reason: str, lines: list[Mapping[str, Any]] | None = None,
            user: Any) -> RecordData:
    """A draft rectifying invoice of the issued invoice `invoice_id`; `lines` are the differences (by
    differences; the whole invoice credited when None) or the lines that replace the original's (by
    substitution). Issue it with `issuing.issue`."""
    with records.atomic():
        original = records.get(issuing.INVOICE, invoice_id, user=user)
        check_request(original, method, reason)
        cancelled = [negated(line) for line in issuing.invoice_lines(original.id)]
        given = [dict(line) for line in lines or []]
        if method == "differences":
            new_lines = given if lines is not None else cancelled
        else:
            new_lines = cancelled + given
        header = {name: original[name] for name in HEADER if original.get(name) is not None}
        return issuing.create_invoice({**header, "kind": "rectifying", "rectifies_id": original.id,
                               "rectification_reason": reason, "rectification_method": method}, new_lines,
                              user=user)


def rectification_errors(invoice: Mapping[str, Any]) -> dict[str, list[str]]:
    """What issuing a rectifying invoice needs: the invoice it rectifies, issued, and the reason and method;
    and that only a rectifying invoice says it rectifies one."""
    if invoice["kind"] != "rectifying":
        return {"rectifies_id": [_("Only a rectifying invoice rectifies another.")]} if invoice.get(
            "rectifies_id") else {}
    errors: dict[str, list[str]] = {}
    if invoice.get("rectifies_id") is None:
        errors["rectifies_id"] = [_("Choose the invoice this one rectifies.")]
    elif records.get(issuing.INVOICE, invoice["rectifies_id"], user=None)["status"] != "issued":
        errors["rectifies_id"] = [_("Only an issued invoice can be rectified; change the draft instead.")]
    if not invoice.get("rectification_reason"):
        errors["rectification_reason"] = [_("Choose one of the reasons R1 to R5.")]
    if not invoice.get("rectification_method"):
        errors["rectification_method"] = [_("Choose substitution or differences.")]
    return errors
