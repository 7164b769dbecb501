"""The totals of a quote, an order or an invoice: the `compute` of their entities.

A line's net is its quantity times its unit price less its discount, rounded half up to the currency's minor
units. The taxes are not added up line by line: the nets are summed per tax (and so per rate), the global
discount is taken off each sum, and each tax is worked out once on that base and rounded (EN 16931 BR-CO-17,
as AEAT expects). The equivalence surcharge and the IRPF withholding have their own bases the same way.
total = net + VAT + surcharge - withholding.

A line that names a product and leaves its price or its taxes out gets them from the catalog: the customer's
price (`price_for`) and the taxes of the product under the customer's fiscal position on the document's date
(`taxes_for`, `fiscal_position_for`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Mapping

from trato import Money, RecordLink, companies, currencies, records
from trato_catalog import PricingError, TaxError, fiscal_position_for, price_for, taxes_for

HUNDRED = Decimal(100)
ZERO = Decimal(0)
DATE_FIELDS = ("issue_date", "order_date")
TAX_FIELDS = {"vat": "tax_id", "surcharge": "surcharge_id", "withholding": "withholding_id"}


@dataclass(frozen=True)
class TaxRow:
    """One tax at one rate of a document: what invoicing_invoice_tax keeps and the PDF's summary shows."""

    kind: str
    tax_id: int | None
    code: str | None
    rate: Decimal
    base: Decimal
    amount: Decimal
    currency: str
    exemption: str | None = None


@dataclass(frozen=True)
class Rate:
    """A tax's code and its rate on a date (None when it has no rate valid then)."""

    code: str
    rate: Decimal | None


def document_date(values: Mapping[str, Any]) -> date:
    """The date taxes and prices are taken on: the document's own, else today."""
    return next((values[name] for name in DATE_FIELDS if values.get(name)), None) or date.today()


def document_currency(values: Mapping[str, Any], lines: Iterable[Mapping[str, Any]] = ()) -> str:
    """The document's currency: its own, else its first priced line's, else its company's."""
    if values.get("currency"):
        return str(values["currency"])
    for line in lines:
        if isinstance(line.get("unit_price"), Money):
            return line["unit_price"].currency
    return companies.company_for("invoicing_invoice", values).base_currency


def tax_rate(tax_id: int, on: date) -> Rate:
    """The tax's rate valid on `on`, read as the system (access was checked when the line was written)."""
    tax = records.get("catalog_tax", tax_id, user=None)
    for rate in records.lines("catalog_tax", tax_id, user=None).get("catalog_tax_rate", []):
        if rate["valid_from"] <= on and (rate["valid_to"] is None or on <= rate["valid_to"]):
            return Rate(tax["code"], rate["rate"])
    return Rate(tax["code"], None)


def line_net(line: Mapping[str, Any], currency: str) -> Money | None:
    """quantity x unit price less the line's discount, rounded half up; None while either is missing."""
    price, quantity = line.get("unit_price"), line.get("quantity")
    if not isinstance(price, Money) or quantity is None:
        return None
    off = HUNDRED - (line.get("discount") or ZERO)
    return Money(currencies.round_money(price.amount * quantity * off / HUNDRED, currency), currency)


def fill_from_catalog(values: Mapping[str, Any], line: Mapping[str, Any], on: date) -> dict[str, Any]:
    """What the catalog gives a line naming a product without a price or taxes: its price for the customer
    and quantity, its unit, and its taxes under the customer's fiscal position. Only the missing fields."""
    product_id = line.get("product_id")
    if product_id is None or (line.get("unit_price") is not None and line.get("tax_id") is not None):
        return {}
    customer = RecordLink("contacts_account", values["account_id"]) if values.get("account_id") else None
    product = records.get("catalog_product", product_id, user=None)
    filled: dict[str, Any] = {}
    if not line.get("description"):
        filled["description"] = product["name"]
    if not line.get("unit"):
        filled["unit"] = product["unit"]
    if line.get("unit_price") is None:
        try:
            quantity = abs(line.get("quantity") or 1) or 1  # a rectifying line's negative quantity: its price
            listed = product["list_price"]
            currency = values.get("currency") or (listed.currency if listed else document_currency(values))
            filled["unit_price"] = price_for(product, customer, quantity, on, currency).money
        except PricingError:
            pass  # a product without a price: the line stays unpriced, and issuing says so at the line
    if line.get("tax_id") is None and line.get("surcharge_id") is None and line.get("withholding_id") is None:
        try:
            position = values.get("fiscal_position_id") or fiscal_position_for(customer, user=None)
            taxes = taxes_for(product, position, on)
        except TaxError:
            return filled
        filled.update(tax_id=taxes.vat and taxes.vat.tax_id, surcharge_id=taxes.surcharge and taxes.surcharge.tax_id,
                      withholding_id=taxes.withholding and taxes.withholding.tax_id)
        if taxes.note and not line.get("exemption") and (taxes.vat is None or taxes.reverse_charge):
            filled["exemption"] = taxes.note
    return filled


def tax_rows(values: Mapping[str, Any], lines: list[Mapping[str, Any]], currency: str,
             rates: dict[int, Rate] | None = None) -> list[TaxRow]:
    """The document's tax rows: per kind and tax, the discounted sum of the nets and the tax on it. Every
    priced line is in one VAT row (a line without VAT in the row of its exemption), so the VAT rows' bases add
    up to the document's net amount."""
    on, rates = document_date(values), {} if rates is None else rates
    keep = (HUNDRED - (values.get("global_discount") or ZERO)) / HUNDRED
    sums: dict[tuple[str, int | None, str | None], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        net = line.get("net")
        if not isinstance(net, Money):
            continue
        for kind, name in TAX_FIELDS.items():
            tax_id = line.get(name)
            if kind == "vat" or tax_id is not None:
                exemption = (line.get("exemption") or None) if kind == "vat" and tax_id is None else None
                sums[(kind, tax_id, exemption)] += net.amount
    rows = []
    for (kind, tax_id, exemption), total in sums.items():
        base = currencies.round_money(total * keep, currency)
        if tax_id is None:
            rows.append(TaxRow(kind, None, None, ZERO, base, currencies.round_money(ZERO, currency), currency,
                               exemption))
            continue
        if tax_id not in rates:
            rates[tax_id] = tax_rate(tax_id, on)
        rate = rates[tax_id]
        amount = currencies.round_money(base * (rate.rate or ZERO) / HUNDRED, currency)
        rows.append(TaxRow(kind, tax_id, rate.code, rate.rate if rate.rate is not None else ZERO, base, amount,
                           currency, exemption))
    order = list(TAX_FIELDS)
    return sorted(rows, key=lambda r: (order.index(r.kind), -r.rate, r.code or ""))


def completed_lines(values: Mapping[str, Any], lines: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The lines with what the catalog fills in and their nets."""
    on = document_date(values)
    filled = [{**line, **fill_from_catalog(values, line, on)} for line in lines]
    currency = document_currency(values, filled)
    return [{**line, "net": line_net(line, currency)} for line in filled]


def document_totals(values: Mapping[str, Any], lines: Mapping[str, list[Mapping[str, Any]]]) -> records.Totals:
    """The entities' `compute`: each line's net (and what the catalog fills in), and the document's totals."""
    child, given = next(iter(lines.items()), ("", []))
    done = completed_lines(values, list(given))
    currency = document_currency(values, done)
    rows = tax_rows(values, done, currency)
    computed = {field: Money(sum((r.amount for r in rows if r.kind == kind), ZERO), currency)
                for kind, field in (("vat", "tax_amount"), ("surcharge", "surcharge_amount"),
                                    ("withholding", "withholding_amount"))}
    net = Money(sum((r.base for r in rows if r.kind == "vat"), ZERO), currency)
    total = net + computed["tax_amount"] + computed["surcharge_amount"] - computed["withholding_amount"]
    document = {"net_amount": net, **computed, "total": total}
    if not values.get("currency"):
        document["currency"] = currency
    changed = [{key: line[key] for key in line if key == "net" or key not in given[i] or given[i][key] is None}
               for i, line in enumerate(done)]
    return records.Totals(lines={child: changed} if child else {}, document=document)
