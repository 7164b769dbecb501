"""The pricing and tax services over the REST API: `GET /api/v1/catalog/price` and `GET /api/v1/catalog/taxes`.

Every argument is a query parameter; one that is missing or does not read, or a price or tax that cannot be
given, is a 422 problem+json naming it.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trato import ApiCall, ApiEndpoint, RecordLink, ValidationFailed

from .pricing import PricingError, price_for
from .taxes import AppliedTax, TaxError, fiscal_position_for, taxes_for


def _arg(call: ApiCall, name: str, read: Any, required: bool = True) -> Any:
    text = (call.query.get(name) or "").strip()
    if not text:
        if required:
            raise ValidationFailed({name: [_("This parameter is required.")]})
        return None
    try:
        return read(text)
    except (ValueError, InvalidOperation):
        raise ValidationFailed({name: [_("This value does not read: %(value)s.", value=text)]}) from None


def _link(text: str) -> RecordLink:
    entity, _sep, ident = text.partition(":")
    if not entity or not ident.isdigit():
        raise ValueError(text)
    return RecordLink(entity, int(ident))


def price(call: ApiCall) -> dict[str, Any]:
    """The unit price of a product for a customer, quantity, date and currency, and the rule that gave it."""
    try:
        quote = price_for(_arg(call, "product", int), _arg(call, "customer", _link, required=False),
                          _arg(call, "quantity", Decimal, required=False) or Decimal(1),
                          _arg(call, "date", date.fromisoformat, required=False) or date.today(),
                          _arg(call, "currency", str.upper), user=call.user)
    except PricingError as err:
        raise ValidationFailed({err.field: [err.message]}) from None
    return {"amount": str(quote.amount), "currency": quote.currency, "rule": quote.rule, "base": str(quote.base),
            "discount": None if quote.discount is None else str(quote.discount),
            "price_list_id": quote.price_list_id, "price_rule_id": quote.price_rule_id}


def _tax(applied: AppliedTax | None) -> dict[str, Any] | None:
    if applied is None:
        return None
    return {"id": applied.tax_id, "code": applied.code, "name": applied.name, "rate": str(applied.rate),
            "valid_from": applied.valid_from.isoformat(),
            "valid_to": applied.valid_to.isoformat() if applied.valid_to else None}


def taxes(call: ApiCall) -> dict[str, Any]:
    """The VAT, surcharge and withholding of a product (or tax category) under a fiscal position (or the
    customer's) on a date."""
    product = _arg(call, "product", int, required=False)
    category = _arg(call, "tax_category", int, required=product is None)
    item = product if product is not None else RecordLink("catalog_tax_category", category)
    try:
        position = _arg(call, "fiscal_position", int, required=False)
        if position is None:
            position = fiscal_position_for(_arg(call, "customer", _link, required=False), user=call.user)
        found = taxes_for(item, position, _arg(call, "date", date.fromisoformat, required=False) or date.today(),
                          user=call.user)
    except TaxError as err:
        raise ValidationFailed({"date" if err.field == "on_date" else err.field: [err.message]}) from None
    return {"vat": _tax(found.vat), "surcharge": _tax(found.surcharge), "withholding": _tax(found.withholding),
            "reverse_charge": found.reverse_charge, "note": found.note, "tax_category_id": found.tax_category_id,
            "fiscal_position_id": found.fiscal_position_id}


def endpoints() -> list[ApiEndpoint]:
    return [ApiEndpoint("price", price, summary=_l("The unit price a customer gets for a product")),
            ApiEndpoint("taxes", taxes, summary=_l("The taxes of a product under a fiscal position on a date"))]
