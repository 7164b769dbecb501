"""Drafting and issuing invoices.

A draft has no number. Issuing checks it (lines, quantities, prices, taxes valid on the issue date, the
customer's tax id where the law asks for it, a simplified invoice's limit), then in ONE transaction takes the
next number of its series (the series row stays locked until the commit, so numbers are gapless and never
twice: docs/numbering.md), snapshots the customer, stores the exchange rate and the tax rows, keeps the PDF
and calls the `invoice_issued` hook. Any refusal rolls all of it back, the number included. From then on the
invoice is locked (models.invoice_lock).
"""
from __future__ import annotations

import os
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from babel import Locale, UnknownLocaleError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete

from trato import (Money, RecordData, RecordLink, ValidationFailed, call_hook, companies, currencies, documents,
                   numbering, records, session)
from trato_catalog import check_vat_number

from . import pending, rectifying
from .models import InvoiceTax
from .totals import TaxRow, document_currency, tax_rate, tax_rows

INVOICE = "invoicing_invoice"
LINE = "invoicing_invoice_line"
SERIES = {"invoice": "invoicing_invoice", "simplified": "invoicing_simplified",
          "rectifying": "invoicing_rectifying"}
# RD 1619/2012 art. 4: a simplified invoice up to 400 € (VAT included); up to 3,000 € for the activities of
# art. 4.1 (retail, hospitality, transport...), which a business under it sets in the environment variable
# TRATO_INVOICING_SIMPLIFIED_LIMIT (or the app's config key INVOICING_SIMPLIFIED_LIMIT).
SIMPLIFIED_LIMIT = Decimal(400)
LIMIT_VARIABLE = "TRATO_INVOICING_SIMPLIFIED_LIMIT"
TAX_FIELDS = ("tax_id", "surcharge_id", "withholding_id")


def create_invoice(values: Mapping[str, Any], lines: list[Mapping[str, Any]], *, user: Any) -> RecordData:
    """A draft invoice with its lines; a line giving only a product and a quantity gets its price and taxes
    from the catalog (totals.fill_from_catalog)."""
    return records.create(INVOICE, {**values, "lines": [dict(line) for line in lines]}, user=user)


def invoice_lines(invoice_id: int) -> list[RecordData]:
    return records.lines(INVOICE, invoice_id, user=None).get(LINE, [])


def write_tax_rows(invoice: Mapping[str, Any], lines: list[Mapping[str, Any]]) -> list[TaxRow]:
    """Replace the invoice's tax rows with those of its lines as they are now (a draft's, or at issue)."""
    rows = tax_rows(invoice, lines, document_currency(invoice, lines))
    db = session()
    db.execute(delete(InvoiceTax).where(InvoiceTax.invoice_id == invoice["id"]))
    db.add_all(InvoiceTax(invoice_id=invoice["id"], kind=row.kind, tax_id=row.tax_id, code=row.code,
                          rate=row.rate, base=row.base, amount=row.amount, currency=row.currency,
                          exemption=row.exemption) for row in rows)
    db.flush()
    return rows


def quantity_errors(kind: str, lines: list[Mapping[str, Any]]) -> dict[int, Any]:
    """Negative quantities are for rectifying invoices only (a discount or a deduction is a negative price)."""
    if kind == "rectifying":
        return {}
    return {i: records.ByLine({"quantity": [_("The quantity may not be negative: correct an issued invoice "
                                               "with a rectifying invoice.")]})
            for i, line in enumerate(lines) if line.get("quantity") is not None and line["quantity"] < 0}


def check_draft(invoice: Mapping[str, Any], lines: list[Mapping[str, Any]]) -> None:
    """What every save of a draft checks: quantities."""
    errors = quantity_errors(invoice.get("kind") or "invoice", lines)
    if errors:
        raise ValidationFailed({"lines": records.ByLine(errors)})


def _line_errors(invoice: Mapping[str, Any], lines: list[Mapping[str, Any]], on: date) -> dict[int, Any]:
    errors: dict[int, dict[str, list[str]]] = {i: dict(e) for i, e in quantity_errors(invoice["kind"], lines).items()}
    for i, line in enumerate(lines):
        found = errors.setdefault(i, {})
        if line.get("unit_price") is None:
            found["unit_price"] = [_("Give the line a price.")]
        for name in TAX_FIELDS:
            if line.get(name) is not None and tax_rate(line[name], on).rate is None:
                found[name] = [_("This tax has no rate valid on %(day)s, the issue date.", day=on.isoformat())]
    return {i: records.ByLine(found) for i, found in errors.items() if found}


def country_name(code: str | None, locale: str) -> str | None:
    """A country's name in the company's language, as the letterhead names its own."""
    if not code:
        return None
    try:
        return str(Locale.parse(locale).territories.get(code, code))
    except (UnknownLocaleError, ValueError):
        return code


def _customer(invoice: Mapping[str, Any]) -> dict[str, Any]:
    """The customer's name, tax id and address as they are now, kept on the invoice."""
    account = records.get("contacts_account", invoice["account_id"], user=None)
    town = " ".join(part for part in (account["billing_postcode"], account["billing_city"]) if part)
    country = country_name(account["billing_country"], companies.company_for(INVOICE, invoice).locale)
    address = "\n".join(part for part in (account["billing_street"], town, country) if part)
    terms = records.query("catalog_customer_terms", user=None).where(
        {"customer": str(RecordLink("contacts_account", account.id))}).page(limit=1).items
    vat_number = terms[0]["vat_number"] if terms else None
    return {"customer_name": account["legal_name"] or account["name"],
            "customer_tax_id": invoice.get("customer_tax_id") or vat_number or account["tax_id"],
            "customer_address": address or None}


def _limit() -> Decimal:
    """The simplified invoice's limit in the company's currency; a value that is no amount counts as unset."""
    given = os.environ.get(LIMIT_VARIABLE) or current_app.config.get("INVOICING_SIMPLIFIED_LIMIT")
    try:
        return Decimal(str(given)) if given else SIMPLIFIED_LIMIT
    except InvalidOperation:
        return SIMPLIFIED_LIMIT


def _customer_errors(invoice: Mapping[str, Any], customer: Mapping[str, Any], total_in_base: Money,
                     regime: str | None) -> dict[str, list[str]]:
    """A simplified invoice within its limit; the customer's tax id where the law asks for it."""
    limit, tax_id = _limit(), customer["customer_tax_id"]
    if invoice["kind"] == "simplified" and total_in_base.amount > limit:
        return {"kind": [_("A simplified invoice may not exceed %(limit)s %(currency)s: issue a full invoice.",
                           limit=limit, currency=total_in_base.currency)]}
    if regime == "intra_eu":
        if not tax_id:
            return {"customer_tax_id": [_("An intra-EU invoice needs the customer's VAT number.")]}
        problem = check_vat_number(tax_id)
        return {"customer_tax_id": [problem]} if problem else {}
    if not tax_id and invoice["kind"] != "simplified" and total_in_base.amount > limit:
        return {"customer_tax_id": [_("An invoice over %(limit)s %(currency)s needs the customer's tax id.",
                                      limit=limit, currency=total_in_base.currency)]}
    return {}


def _regime(invoice: Mapping[str, Any]) -> str | None:
    if invoice.get("fiscal_position_id") is None:
        return None
    return records.get("catalog_fiscal_position", invoice["fiscal_position_id"], user=None)["regime"]


def issue(invoice_id: int, *, user: Any) -> RecordData:
    """Issue a draft invoice: checked, numbered, snapshotted, its PDF kept, then locked. ValidationFailed names
    the field at fault (issuing twice: `status`); nothing is written then, and no number is used."""
    with records.atomic():
        invoice = records.get(INVOICE, invoice_id, user=user)
        if invoice["status"] == "issued":
            raise ValidationFailed({"status": [_("Invoice %(number)s is already issued.",
                                                 number=invoice["number"])]})
        lines = invoice_lines(invoice.id)
        on = invoice["issue_date"] or date.today()
        if not lines:
            raise ValidationFailed({"lines": [_("An invoice needs at least one line.")]})
        errors = _line_errors(invoice, lines, on)
        if errors:
            raise ValidationFailed({"lines": records.ByLine(errors)})
        header = rectifying.rectification_errors(invoice)
        if header:
            raise ValidationFailed(header)
        company = companies.company_for(INVOICE, invoice)
        currency = invoice["currency"] or company.base_currency
        try:
            rate = currencies.rate_for_document(currency, on, company)
        except currencies.NoRate:
            raise ValidationFailed({"currency": [_("There is no exchange rate from %(currency)s on %(day)s.",
                                                   currency=currency, day=on.isoformat())]}) from None
        customer = _customer(invoice)
        total = invoice["total"] or Money(Decimal(0), currency)
        problems = _customer_errors(invoice, customer, currencies.at_rate(total, rate, company.base_currency),
                                    _regime(invoice))
        if problems:
            raise ValidationFailed(problems)
        number = numbering.next_number(SERIES[invoice["kind"]], on=on, company=company.id)
        frozen = {"number": number.text, "status": "issued", "exchange_rate": rate,
                  "customer_name": customer["customer_name"], "customer_address": customer["customer_address"],
                  "paid": Money(Decimal(0), currency), "balance": total, "payment_status": "unpaid"}
        with pending.giving(INVOICE, invoice.id, frozen):
            issued = records.update(INVOICE, invoice.id, {
                "issue_date": on, "operation_date": invoice["operation_date"] or on,
                "customer_tax_id": customer["customer_tax_id"]}, user=user, version=invoice.version)
        call_hook("invoice_issued", invoice=issued, user=user)
        # kept as the system renders it: the legal document is whole, whatever the issuer's role hides
        documents.issue(INVOICE, issued.id, user=None)
        return records.get(INVOICE, issued.id, user=user)
