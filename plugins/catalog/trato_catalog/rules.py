"""What the catalog refuses, at the field: negative prices, bundles that contain themselves, overlapping rates
of one tax, price rules in another currency than their list's, and the like.

A record's own fields are checked in `before_save`; its lines (which `before_save` does not see) once they are
written, in `after_save`, by raising ValidationFailed keyed like the record service's own line errors
(`{"lines": ByLine({index: ByLine({field: [message]})})}`): the whole save is then undone.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from trato import Money, RecordData, ValidationFailed, currencies, records

from .lookups import every
from .taxes import check_vat_number

HUNDRED = Decimal(100)
Errors = dict[str, str]


def check_record(entity: str, values: dict[str, Any], previous: RecordData | None) -> Errors | None:
    """The field errors of a catalog record about to be saved, or None."""
    check = CHECKS.get(entity)
    errors = check(values, previous) if check else {}
    return errors or None


def _product(values: dict[str, Any], previous: RecordData | None) -> Errors:
    errors = {name: _("A price cannot be negative.") for name in ("list_price", "cost")
              if isinstance(values.get(name), Money) and values[name].amount < 0}
    if (wrong := _kind_error(values.get("withholding_tax_id"), "withholding")) is not None:
        errors["withholding_tax_id"] = wrong
    return errors


def _kind_error(tax_id: int | None, kind: str) -> str | None:
    """Why the tax `tax_id` cannot serve as a tax of `kind` (VAT, surcharge, withholding), or None."""
    if tax_id is None or records.get("catalog_tax", tax_id, user=None)["kind"] == kind:
        return None
    return {"vat": _("Choose a VAT tax."), "surcharge": _("Choose an equivalence surcharge."),
            "withholding": _("Choose a withholding tax.")}[kind]


def _category(values: dict[str, Any], previous: RecordData | None) -> Errors:
    """A category may not sit under itself, directly or further up."""
    parent, seen = values.get("parent_id"), set()
    while parent is not None and previous is not None and parent not in seen:
        if parent == previous.id:
            return {"parent_id": _("A category cannot sit under itself or one of its own subcategories.")}
        seen.add(parent)
        parent = records.get("catalog_category", parent, user=None)["parent_id"]
    return {}


def _tax_category(values: dict[str, Any], previous: RecordData | None) -> Errors:
    if values.get("kind") in ("exempt", "not_subject") and not values.get("legal_reason"):
        return {"legal_reason": _("Give the legal reason printed on invoices, such as “Exenta, artículo 20 de "
                                  "la Ley 37/1992”.")}
    return {}


def _price_list(values: dict[str, Any], previous: RecordData | None) -> Errors:
    errors: Errors = {}
    code = (values.get("currency") or "").strip().upper()
    values["currency"] = code
    try:
        currencies.minor_units(code)
    except ValueError:
        errors["currency"] = _("%(code)s is not a currency code; give an ISO 4217 code such as EUR.", code=code)
    if values.get("customer") is not None and values.get("group_id") is not None:
        errors["group_id"] = _("A price list is for one customer or for a group, not both.")
    if values.get("valid_from") and values.get("valid_to") and values["valid_to"] < values["valid_from"]:
        errors["valid_to"] = _("The end cannot come before the start.")
    return errors


def _customer_terms(values: dict[str, Any], previous: RecordData | None) -> Errors:
    errors: Errors = {}
    customer = values.get("customer")
    if customer is not None:
        others = [t for t in every("catalog_customer_terms", {"customer": str(customer)}, None)
                  if previous is None or t.id != previous.id]
        if others:
            errors["customer"] = _("This customer has terms already: change those.")
    number = (values.get("vat_number") or "").replace(" ", "").upper() or None
    values["vat_number"] = number
    if number is not None and (why := check_vat_number(number)):
        errors["vat_number"] = why
    elif number is None and values.get("fiscal_position_id") is not None:
        position = records.get("catalog_fiscal_position", values["fiscal_position_id"], user=None)
        if position["regime"] == "intra_eu":
            errors["vat_number"] = _("An intra-EU customer needs a valid VAT number for the reverse charge.")
    return errors


CHECKS = {"catalog_product": _product, "catalog_category": _category, "catalog_tax_category": _tax_category,
          "catalog_price_list": _price_list, "catalog_customer_terms": _customer_terms}


def check_lines(entity: str, record: RecordData) -> None:
    """Raise ValidationFailed for the saved record's lines that break a rule (the save is undone)."""
    check = LINE_CHECKS.get(entity)
    if check is None:
        return
    lines = next(iter(records.lines(entity, record.id, user=None).values()), [])
    if entity == "catalog_product" and record["bundle_pricing"] == "sum" and not lines:
        raise ValidationFailed({"bundle_pricing": [_("A product priced as the sum of its parts needs its parts: "
                                                     "add them as bundle components.")]})
    errors = check(record, lines)
    if errors:
        raise ValidationFailed({"lines": records.ByLine({
            index: records.ByLine({name: [message] for name, message in fields.items()})
            for index, fields in errors.items()})})


def _bundle(product: RecordData, parts: list[RecordData]) -> dict[int, Errors]:
    errors: dict[int, Errors] = {}
    for index, part in enumerate(parts):
        if part["quantity"] <= 0:
            errors[index] = {"quantity": _("The quantity must be more than zero.")}
        elif part["component_id"] == product.id or _reaches(part["component_id"], product.id):
            errors[index] = {"component_id": _("A bundle cannot contain itself, directly or through another "
                                               "bundle.")}
    return errors


def _reaches(start: int, target: int) -> bool:
    """Whether the bundle `start` contains `target` at any depth."""
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for part in every("catalog_bundle_item", {"parent_id": current}, None):
            if part["component_id"] == target:
                return True
            todo.append(part["component_id"])
    return False


def _rates(tax: RecordData, rates: list[RecordData]) -> dict[int, Errors]:
    errors: dict[int, Errors] = {}
    for index, rate in enumerate(rates):
        if not Decimal(0) <= rate["rate"] <= HUNDRED:
            errors[index] = {"rate": _("A rate is between 0 and 100 %.")}
        elif rate["valid_to"] is not None and rate["valid_to"] < rate["valid_from"]:
            errors[index] = {"valid_to": _("The end cannot come before the start.")}
        else:
            for other in rates[:index]:
                if _overlap(rate, other):
                    errors[index] = {"valid_from": _(
                        "These dates overlap the rate valid from %(day)s: end that one the day before.",
                        day=other["valid_from"].isoformat())}
                    break
    return errors


def _overlap(one: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    def ends(rate: Mapping[str, Any]) -> Any:
        return rate["valid_to"] or rate["valid_from"].replace(year=9999)
    return one["valid_from"] <= ends(other) and other["valid_from"] <= ends(one)


def _price_rules(price_list: RecordData, rules: list[RecordData]) -> dict[int, Errors]:
    errors: dict[int, Errors] = {}
    for index, rule in enumerate(rules):
        fixed, discount = rule["fixed_price"], rule["discount"]
        if rule["min_quantity"] <= 0:
            errors[index] = {"min_quantity": _("The quantity must be more than zero.")}
        elif (fixed is None) == (discount is None):
            errors[index] = {"fixed_price": _("Give either a fixed price or a discount.")}
        elif fixed is not None and fixed.amount < 0:
            errors[index] = {"fixed_price": _("A price cannot be negative.")}
        elif fixed is not None and fixed.currency != price_list["currency"]:
            errors[index] = {"fixed_price": _("The price list is in %(code)s: give its prices in %(code)s.",
                                              code=price_list["currency"])}
        elif discount is not None and not Decimal(0) <= discount <= HUNDRED:
            errors[index] = {"discount": _("A discount is between 0 and 100 %.")}
    return errors


def _fiscal_rules(position: RecordData, rules: list[RecordData]) -> dict[int, Errors]:
    errors: dict[int, Errors] = {}
    seen: set[int] = set()
    for index, rule in enumerate(rules):
        found = {name: wrong for name, kind in (("vat_tax_id", "vat"), ("surcharge_tax_id", "surcharge"))
                 if (wrong := _kind_error(rule[name], kind)) is not None}
        if rule["tax_category_id"] in seen:
            found["tax_category_id"] = _("This tax category has a rule already in this fiscal position.")
        seen.add(rule["tax_category_id"])
        if found:
            errors[index] = found
    return errors


LINE_CHECKS = {"catalog_product": _bundle, "catalog_tax": _rates, "catalog_price_list": _price_rules,
               "catalog_fiscal_position": _fiscal_rules}
