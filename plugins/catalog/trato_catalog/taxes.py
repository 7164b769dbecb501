"""Which taxes a product bears for a customer on a date: one call for every document.

A product has a tax category (general, reduced, exempt...). A customer has a fiscal position (domestic,
recargo de equivalencia, intra-EU, export, Canary Islands...), whose rules map each tax category to a VAT tax
and an equivalence surcharge. Each tax has rates with validity dates, so a document dated before a rate
change keeps the old rate. Withholding (IRPF) is the product's, applied when the position says the customer
withholds.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

from trato import RecordData, RecordLink, TratoError, records

from .lookups import customer_terms, every, record


class TaxError(TratoError, ValueError):
    """No taxes can be given; `field` names the argument or setting at fault (for a 422 naming it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class AppliedTax:
    """One tax at the rate valid on the date asked."""

    tax_id: int
    code: str
    name: str
    kind: str
    rate: Decimal
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class Taxes:
    """What `taxes_for` gives: the VAT, the surcharge and the withholding (each None when none applies), whether
    the customer accounts for the VAT (reverse charge), and the legal note to print (an exemption's reason,
    the position's mention)."""

    vat: AppliedTax | None
    surcharge: AppliedTax | None
    withholding: AppliedTax | None
    reverse_charge: bool
    note: str | None
    tax_category_id: int
    fiscal_position_id: int


def taxes_for(product_or_category: RecordData | RecordLink | int, fiscal_position: RecordData | int,
              on_date: date, *, user: Any = None) -> Taxes:
    """The taxes of a product (a record, a link or a product id) or of a tax category (its record, or a link to
    it) under `fiscal_position` on `on_date`. Raises TaxError naming what is missing: a product without a
    tax category, a category the position has no rule for, a tax with no rate valid on the date."""
    item = _item(product_or_category, user)
    position = record("catalog_fiscal_position", fiscal_position, user)
    if item.entity == "catalog_product":
        category_id, withholding_id = item["tax_category_id"], item["withholding_tax_id"]
        if category_id is None:
            raise TaxError("tax_category_id", _("%(code)s has no tax category.", code=item["code"]))
    else:
        category_id, withholding_id = item.id, None
    category = record("catalog_tax_category", category_id, user)
    rule = _rule(position, category, user)
    vat = _applied(rule["vat_tax_id"], on_date, user)
    surcharge = _applied(rule["surcharge_tax_id"], on_date, user)
    withholding = _applied(withholding_id, on_date, user) if position["withholding"] else None
    note = category["legal_reason"] if category["kind"] in ("exempt", "not_subject") else None
    return Taxes(vat, surcharge, withholding, bool(position["reverse_charge"]), note or position["note"],
                 category.id, position.id)


def _item(value: RecordData | RecordLink | int, user: Any) -> RecordData:
    if isinstance(value, RecordData):
        return value
    if isinstance(value, RecordLink) and value.entity == "catalog_tax_category":
        return record("catalog_tax_category", value, user)
    return record("catalog_product", value, user)


def _rule(position: RecordData, category: RecordData, user: Any) -> RecordData:
    for rule in records.lines("catalog_fiscal_position", position.id, user=user).get("catalog_fiscal_rule", []):
        if rule["tax_category_id"] == category.id:
            return rule
    raise TaxError("tax_category_id", _("The fiscal position %(position)s has no rule for the tax category "
                                        "%(category)s.", position=position["name"], category=category["name"]))


def _applied(tax_id: int | None, on_date: date, user: Any) -> AppliedTax | None:
    """The tax at its rate valid on `on_date`; None for no tax."""
    if tax_id is None:
        return None
    tax = record("catalog_tax", tax_id, user)
    for rate in records.lines("catalog_tax", tax.id, user=user).get("catalog_tax_rate", []):
        if rate["valid_from"] <= on_date and (rate["valid_to"] is None or on_date <= rate["valid_to"]):
            return AppliedTax(tax.id, tax["code"], tax["name"], tax["kind"], rate["rate"], rate["valid_from"],
                              rate["valid_to"])
    raise TaxError("on_date", _("%(tax)s has no rate valid on %(day)s.", tax=tax["name"], day=on_date.isoformat()))


def fiscal_position_for(customer: RecordLink | None, *, user: Any = None) -> RecordData:
    """The customer's fiscal position: the one of their customer terms, else the first domestic one."""
    terms = customer_terms(customer, user)
    if terms is not None and terms["fiscal_position_id"] is not None:
        return record("catalog_fiscal_position", terms["fiscal_position_id"], user)
    domestic = every("catalog_fiscal_position", {"regime": "domestic"}, user)
    if not domestic:
        raise TaxError("fiscal_position_id", _("There is no domestic fiscal position: add one under Catalog, "
                                               "Fiscal positions."))
    return domestic[0]


def check_vat_number(number: str) -> str | None:
    """Why an EU VAT number is not valid (its country's check digits and format), or None when it is."""
    try:
        eu_vat.validate(number)
    except ValidationError:
        return _("%(number)s is not a valid EU VAT number; give it with its country prefix, such as "
                 "FR40303265045.", number=number)
    return None
