"""An issued invoice of the invoicing plugin read into EN 16931's model (model.EInvoice).

The VAT breakdown comes from the invoice's frozen tax rows (invoicing_invoice_tax), never worked out again;
the lines, the seller (the invoice's company) and the buyer (the snapshot kept at issue, the address from the
account) fill the rest. docs/einvoicing.md has the mapping tables, and the two Spanish taxes EN 16931 has no
place for: the equivalence surcharge (a document-level charge outside the VAT base) and the IRPF withholding
(BT-113, the amount the buyer settles with the Tax Agency instead of the seller).
"""
from __future__ import annotations

import dataclasses
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from trato import Money, RecordData, companies, currencies, records, session
from trato_invoicing.issuing import country_name
from trato_invoicing.models import RECTIFICATION_METHODS, RECTIFICATION_REASONS, InvoiceTax

from .model import (CORRECTED, CREDIT_NOTE, INVOICE as TYPE_INVOICE, PREPAYMENT, Adjustment, EInvoice, Line,
                    Party, Totals, VatBreakdown, VatKey)

INVOICE = "invoicing_invoice"
LINE = "invoicing_invoice_line"
ZERO = Decimal(0)
# EU member states, by the prefix of their VAT numbers (Greece: EL).
EU_PREFIXES = frozenset("AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
# The catalog's units (catalog.models.UNITS) as UN/ECE Recommendation 20 (and 21, "X" + code) codes.
UNITS = {"unit": "C62", "hour": "HUR", "day": "DAY", "month": "MON", "year": "ANN", "kg": "KGM", "m": "MTR",
         "m2": "MTK", "l": "LTR", "pack": "XPK"}
# What a line without VAT is, by the fiscal position's regime (catalog.models.REGIMES).
NO_VAT_REGIMES = {"export": "G", "canary_ceuta_melilla": "O"}
# VATEX codes (CEF's VAT exemption reason code list) for the categories that have one of their own.
REASON_CODES = {"AE": "VATEX-EU-AE", "K": "VATEX-EU-IC", "G": "VATEX-EU-G", "O": "VATEX-EU-O"}
IBAN_VARIABLE = "TRATO_EINVOICING_IBAN"
EXEMPT = VatKey("E", ZERO)


class NotIssued(Exception):
    """Only an issued invoice (numbered, its taxes frozen) is an e-invoice."""


def vat_id(tax_id: str | None, country: str | None) -> str | None:
    """A tax id as a VAT identifier with its country prefix (BR-CO-09), or None when it cannot be one: an
    id already starting with two letters is taken as it is; an EU country's gets its prefix."""
    if not tax_id:
        return None
    compact = re.sub(r"[\s.\-/]", "", tax_id).upper()
    if compact[:2].isalpha():
        return compact
    prefix = "EL" if country == "GR" else (country or "").upper()
    return prefix + compact if prefix in EU_PREFIXES else None


def iban() -> str | None:
    """The account customers pay into (BT-84), from TRATO_EINVOICING_IBAN or the EINVOICING_IBAN setting."""
    given = os.environ.get(IBAN_VARIABLE) or current_app.config.get("EINVOICING_IBAN")
    return re.sub(r"\s", "", str(given)).upper() if given else None


@dataclass(frozen=True)
class Regime:
    """The invoice's fiscal position as far as VAT categories go."""

    name: str | None
    reverse_charge: bool
    note: str | None


def _regime(invoice: Mapping[str, Any]) -> Regime:
    if not invoice.get("fiscal_position_id"):
        return Regime(None, False, None)
    position = records.get("catalog_fiscal_position", invoice["fiscal_position_id"], user=None)
    return Regime(position["regime"], bool(position["reverse_charge"]), position["note"])


def _product(line: Mapping[str, Any]) -> RecordData | None:
    return records.get("catalog_product", line["product_id"], user=None) if line.get("product_id") else None


def _category_kind(product: RecordData | None) -> str | None:
    if product is None or not product.get("tax_category_id"):
        return None
    return str(records.get("catalog_tax_category", product["tax_category_id"], user=None)["kind"])


def no_vat_category(lines: list[Mapping[str, Any]], regime: Regime) -> str:
    """The category of lines charged no VAT: by the regime (intra-EU: K for goods only, else AE; export: G;
    Canary Islands, Ceuta and Melilla: O), a domestic reverse charge AE, not-subject products O, else E."""
    products = [_product(line) for line in lines]
    if regime.name == "intra_eu":
        return "K" if products and all(p is not None and p["kind"] == "product" for p in products) else "AE"
    if regime.name in NO_VAT_REGIMES:
        return NO_VAT_REGIMES[regime.name]
    if regime.reverse_charge:
        return "AE"
    kinds = {_category_kind(p) for p in products}
    return "O" if kinds == {"not_subject"} else "E"


def _row_key(tax_id: int | None, exemption: str | None) -> tuple[int | None, str | None]:
    return tax_id, (exemption or None) if tax_id is None else None


def _sign(invoice: Mapping[str, Any]) -> tuple[str, int]:
    """The document type and the sign its amounts take: a rectifying invoice that credits (total <= 0) is a
    credit note with its amounts negated; one that adds to the original is a corrected invoice (384)."""
    if invoice["kind"] == "rectifying":
        return (CREDIT_NOTE, -1) if invoice["total"].amount <= 0 else (CORRECTED, 1)
    return (PREPAYMENT if invoice.get("advance") else TYPE_INVOICE), 1


def _line(position: int, item: Mapping[str, Any], sign: int, vat: VatKey, currency: str) -> Line:
    """A line with its quantity carrying the sign, so that the price is never negative (BR-27); the line's
    discount is its allowance (BT-136), gross less net."""
    quantity, price = item["quantity"] * sign, item["unit_price"].amount
    if price < 0:
        quantity, price = -quantity, -price
    net = item["net"].amount * sign
    gross = currencies.round_money(quantity * price, currency)
    product = _product(item) if not item.get("description") else None
    return Line(id=str(position), name=item.get("description") or (product["name"] if product else ""),
                quantity=quantity, unit=UNITS.get(item.get("unit") or "", "C62"), price=price, net=net, vat=vat,
                discount=gross - net, discount_percent=item.get("discount") or None)


def _address_lines(company: companies.CompanyInfo) -> tuple[str, ...]:
    """The letterhead's lines less the country's name, as at most three address lines (the core keeps the
    company's address for letterheads only)."""
    lines = [line for line in company.address.split("\n") if line]
    if lines and lines[-1] == country_name(company.country, company.locale):
        lines.pop()
    return tuple(lines[:2]) + ((", ".join(lines[2:]),) if lines[2:] else ())


def seller(company: companies.CompanyInfo) -> Party:
    tax = vat_id(company.tax_id, company.country)
    return Party(name=company.legal_name, vat_id=tax, legal_id=None if tax else company.tax_id or None,
                 trade_name=company.trade_name if company.trade_name not in ("", company.legal_name) else None,
                 lines=_address_lines(company), country=company.country or None)


def buyer(invoice: Mapping[str, Any]) -> Party:
    """The customer as kept at issue (name, tax id), at the account's billing address."""
    account = records.get("contacts_account", invoice["account_id"], user=None)
    country = account["billing_country"] or None
    tax = vat_id(invoice.get("customer_tax_id"), country)
    return Party(name=invoice.get("customer_name") or account["legal_name"] or account["name"], vat_id=tax,
                 legal_id=None if tax else invoice.get("customer_tax_id") or None,
                 lines=(account["billing_street"],) if account["billing_street"] else (),
                 city=account["billing_city"] or None, postcode=account["billing_postcode"] or None,
                 country=country)


def _without_vat_ids(party: Party) -> Party:
    """BR-O-02: an invoice outside the scope of VAT names no VAT identifier; the tax id stays as the legal
    registration identifier (BT-30, BT-47), which BR-CO-26 accepts for the seller."""
    return dataclasses.replace(party, vat_id=None, legal_id=party.legal_id or party.vat_id)


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class _Rows:
    vat: list[InvoiceTax]
    surcharge: list[InvoiceTax]
    withholding: list[InvoiceTax]


def _rows(invoice_id: int) -> _Rows:
    stored = list(session().scalars(select(InvoiceTax).where(InvoiceTax.invoice_id == invoice_id)
                                    .order_by(InvoiceTax.id)))
    return _Rows(*([r for r in stored if r.kind == kind] for kind in ("vat", "surcharge", "withholding")))


def _breakdown(rows: Iterable[InvoiceTax], keys: Mapping[tuple[int | None, str | None], VatKey], sign: int,
               note: str | None) -> dict[VatKey, VatBreakdown]:
    """BG-23 per category and rate, from the frozen VAT rows (rows of one key added up)."""
    found: dict[VatKey, VatBreakdown] = {}
    for row in rows:
        key = keys[_row_key(row.tax_id, row.exemption)]
        reason = row.exemption or (note if key.category in REASON_CODES else None)
        before = found.get(key)
        reasons = [r for r in ((before.reason if before else None), reason) if r]
        found[key] = VatBreakdown(key, (before.base if before else ZERO) + row.base * sign,
                                  (before.amount if before else ZERO) + row.amount * sign,
                                  "; ".join(dict.fromkeys(reasons)) or None, REASON_CODES.get(key.category))
    return found


def _discounts(invoice: Mapping[str, Any], lines: list[Line], breakdown: Mapping[VatKey, VatBreakdown]
               ) -> list[Adjustment]:
    """The global discount as one allowance per VAT category and rate: the lines' nets less the taxable
    amount the tax rows kept (so that BR-S-08 and its kin hold to the cent)."""
    percent = invoice.get("global_discount")
    if not percent:
        return []
    nets: dict[VatKey, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        nets[line.vat] += line.net
    return [Adjustment(False, nets[key] - entry.base, key, _("Discount"), "95", nets[key], percent)
            for key, entry in breakdown.items() if nets[key] - entry.base]


def _surcharges(rows: list[InvoiceTax], sign: int, currency: str) -> list[Adjustment]:
    return [Adjustment(True, row.amount * sign, EXEMPT,
                       _("Equivalence surcharge %(rate)s %% on %(base)s %(currency)s", rate=_percent(row.rate),
                         base=f"{row.base * sign:.2f}", currency=currency))
            for row in rows if row.amount]


def _notes(invoice: Mapping[str, Any], rows: _Rows, regime: Regime, sign: int, currency: str) -> list[str]:
    notes = []
    if invoice.get("rectifies_id"):
        original = records.get(INVOICE, invoice["rectifies_id"], user=None)
        notes.append(_("Rectifying invoice of %(number)s. %(reason)s. %(method)s.", number=original["number"],
                       reason=dict(RECTIFICATION_REASONS).get(invoice["rectification_reason"], ""),
                       method=dict(RECTIFICATION_METHODS).get(invoice["rectification_method"], "")))
    if regime.note:
        notes.append(regime.note)
    for row in rows.withholding:
        notes.append(_("IRPF withholding %(rate)s %% on %(base)s %(currency)s: %(amount)s %(currency)s, settled "
                       "by the buyer with the Tax Agency (shown as the paid amount, BT-113).",
                       rate=_percent(row.rate), base=f"{row.base * sign:.2f}", amount=f"{row.amount * sign:.2f}",
                       currency=currency))
    return notes


def _payment_terms(invoice: Mapping[str, Any]) -> str | None:
    if invoice.get("payment_term_id"):
        return str(records.get("invoicing_payment_term", invoice["payment_term_id"], user=None)["name"])
    if invoice.get("due_date"):
        return _("Due on %(day)s", day=invoice["due_date"].isoformat())
    return None


def from_invoice(invoice_id: int, *, user: Any) -> EInvoice:
    """The issued invoice `invoice_id` as `user` may see it (RecordNotFound otherwise) in EN 16931's terms,
    its texts in its company's language. NotIssued for a draft."""
    invoice = records.get(INVOICE, invoice_id, user=user)
    if invoice["status"] != "issued":
        raise NotIssued(invoice_id)
    company = companies.company_for(INVOICE, invoice)
    with force_locale(company.locale):
        return _build(invoice, company)


def _vat_keys(items: list[RecordData], rows: list[InvoiceTax], regime: Regime
              ) -> dict[tuple[int | None, str | None], VatKey]:
    """Each frozen VAT row's category and rate: S or Z by its rate, or, without VAT, by what its lines are."""
    grouped: dict[tuple[int | None, str | None], list[RecordData]] = defaultdict(list)
    for item in items:
        grouped[_row_key(item["tax_id"], item["exemption"])].append(item)
    keys = {}
    for row in rows:
        key = _row_key(row.tax_id, row.exemption)
        keys[key] = (VatKey(no_vat_category(grouped[key], regime), ZERO) if row.tax_id is None else
                     VatKey("S" if row.rate > 0 else "Z", row.rate))
    return keys


def _with_surcharges(breakdown: dict[VatKey, VatBreakdown], charges: list[Adjustment]) -> None:
    """The surcharges' charges in the exempt (E) entry of the VAT breakdown, with the law that says why."""
    if not charges:
        return
    entry = breakdown.get(EXEMPT)
    reasons = [r for r in ((entry.reason if entry else None),
                           _("Equivalence surcharge (articles 154 to 163 of Ley 37/1992), not part of the VAT "
                             "base")) if r]
    breakdown[EXEMPT] = VatBreakdown(EXEMPT, (entry.base if entry else ZERO) + sum(c.amount for c in charges),
                                     ZERO, "; ".join(reasons))


def _totals(invoice: RecordData, company: companies.CompanyInfo, currency: str, lines: list[Line],
            allowances: list[Adjustment], charges: list[Adjustment], breakdown: Mapping[VatKey, VatBreakdown],
            withheld: Decimal) -> Totals:
    """BT-106 to BT-115 (and BT-111, the VAT in the company's currency when the invoice is in another)."""
    line_total = sum((line.net for line in lines), ZERO)
    allowance_total = sum((a.amount for a in allowances), ZERO)
    charge_total = sum((c.amount for c in charges), ZERO)
    without_vat = line_total - allowance_total + charge_total
    vat_total = sum((b.amount for b in breakdown.values()), ZERO)
    in_accounting = None
    if currency != company.base_currency:
        in_accounting = currencies.at_rate(Money(vat_total, currency), invoice["exchange_rate"] or Decimal(1),
                                           company.base_currency).amount
    return Totals(line_total, allowance_total, charge_total, without_vat, vat_total, without_vat + vat_total,
                  withheld, without_vat + vat_total - withheld, in_accounting)


def _build(invoice: RecordData, company: companies.CompanyInfo) -> EInvoice:
    type_code, sign = _sign(invoice)
    currency = invoice["currency"] or company.base_currency
    items = records.lines(INVOICE, invoice.id, user=None).get(LINE, [])
    rows, regime = _rows(invoice.id), _regime(invoice)
    keys = _vat_keys(items, rows.vat, regime)
    lines = [_line(position, item, sign, keys[_row_key(item["tax_id"], item["exemption"])], currency)
             for position, item in enumerate(items, start=1)]
    breakdown = _breakdown(rows.vat, keys, sign, regime.note)
    allowances = _discounts(invoice, lines, breakdown)
    charges = _surcharges(rows.surcharge, sign, currency)
    _with_surcharges(breakdown, charges)
    totals = _totals(invoice, company, currency, lines, allowances, charges, breakdown,
                     sum((row.amount * sign for row in rows.withholding), ZERO))
    the_seller, the_buyer = seller(company), buyer(invoice)
    if any(key.category == "O" for key in breakdown):
        the_seller, the_buyer = _without_vat_ids(the_seller), _without_vat_ids(the_buyer)
    original = records.get(INVOICE, invoice["rectifies_id"], user=None) if invoice.get("rectifies_id") else None
    period = (invoice["period_start"], invoice["period_end"]) if invoice.get("period_start") and invoice.get(
        "period_end") else None
    return EInvoice(
        number=invoice["number"], issue_date=invoice["issue_date"], type_code=type_code, currency=currency,
        seller=the_seller, buyer=the_buyer, lines=tuple(lines),
        vat=tuple(sorted(breakdown.values(), key=lambda b: (b.vat.category, -b.vat.rate))), totals=totals,
        allowances=tuple(allowances), charges=tuple(charges),
        notes=tuple(_notes(invoice, rows, regime, sign, currency)),
        accounting_currency=company.base_currency if currency != company.base_currency else None,
        due_date=invoice.get("due_date"), payment_terms=_payment_terms(invoice), iban=iban(),
        delivery_date=invoice.get("operation_date"),
        deliver_to_country=the_buyer.country if any(k.category == "K" for k in breakdown) else None,
        period=period, preceding=(original["number"], original["issue_date"]) if original else None)
