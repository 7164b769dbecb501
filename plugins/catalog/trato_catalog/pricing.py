"""The price a customer gets for a quantity of a product on a date: one call for every document.

Which price applies, first match wins:

1. a rule of an active price list for this customer, valid on the date, in the asked currency;
2. a rule of such a list for one of the customer's groups (customer terms);
3. a rule of such a list for everyone (no customer, no group);
4. the product's base price: its list price (converted at the date's exchange rate when it is in another
   currency), or for a bundle priced as the sum of its parts, their prices for this customer.

Within a level, the rule with the highest "from quantity" not above the quantity wins (quantity breaks), then
the list that started last, then the older list. A rule gives a fixed price (in the list's currency) or a
discount off the base price. Unit prices are rounded half up to the currency's minor units.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from trato import Money, RecordData, RecordLink, TratoError, currencies, records

from .lookups import customer_terms, every, record

HUNDRED = Decimal(100)
LEVELS = ("customer", "group", "general")


class PricingError(TratoError, ValueError):
    """No price can be given; `field` names the argument at fault (for a 422 naming it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PriceQuote:
    """A unit price and why: `rule` is "customer", "group" or "general" (a price list's rule applied),
    "list_price" or "bundle_sum"; `price_list_id` and `price_rule_id` name the rule, `base` is the price a
    discount was taken from, `discount` the percentage taken."""

    amount: Decimal
    currency: str
    rule: str
    base: Decimal
    discount: Decimal | None = None
    price_list_id: int | None = None
    price_rule_id: int | None = None

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


def price_for(product: RecordData | RecordLink | int, customer: RecordLink | None, quantity: Decimal | int,
              on_date: date, currency: str, *, user: Any = None) -> PriceQuote:
    """The unit price of `quantity` of `product` for `customer` (an account's link, or None) on `on_date`,
    in `currency`. Raises PricingError naming the argument when there is none (`user` reads with that
    user's access; RecordNotFound for a product they may not see)."""
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise PricingError("quantity", _("The quantity must be more than zero."))
    try:
        currencies.minor_units(currency)
    except ValueError:
        raise PricingError("currency", _("%(code)s is not a currency code.", code=currency)) from None
    item = record("catalog_product", product, user)
    return _priced(item, customer, quantity, on_date, currency, user, ())


def _priced(item: RecordData, customer: RecordLink | None, quantity: Decimal, on_date: date, currency: str,
            user: Any, seen: tuple[int, ...]) -> PriceQuote:
    if item.id in seen:  # the save refuses cycles; a price is never computed round one either
        raise PricingError("product", _("The bundle %(code)s contains itself.", code=item["code"]))
    applied = _rule(item.id, customer, quantity, on_date, currency, user)
    if applied is not None and applied[2]["fixed_price"] is not None:
        level, price_list, price_rule = applied
        fixed = currencies.round_money(price_rule["fixed_price"].amount, currency)
        return PriceQuote(fixed, currency, level, fixed, None, price_list.id, price_rule.id)
    base, rule = _base(item, customer, quantity, on_date, currency, user, (*seen, item.id))
    if base is None:
        raise PricingError("product", _("%(code)s has no list price and no price list gives it a price.",
                                        code=item["code"]))
    if applied is None:
        return PriceQuote(currencies.round_money(base, currency), currency, rule, base)
    level, price_list, price_rule = applied
    discount = price_rule["discount"] or Decimal(0)
    amount = currencies.round_money(base * (HUNDRED - discount) / HUNDRED, currency)
    return PriceQuote(amount, currency, level, base, discount, price_list.id, price_rule.id)


def _base(item: RecordData, customer: RecordLink | None, quantity: Decimal, on_date: date, currency: str,
          user: Any, seen: tuple[int, ...]) -> tuple[Decimal | None, str]:
    """The price before price lists: the list price, or the sum of a bundle's parts."""
    if item["bundle_pricing"] == "sum":
        total = Decimal(0)
        for part in records.lines("catalog_product", item.id, user=user).get("catalog_bundle_item", []):
            component = record("catalog_product", part["component_id"], user)
            each = _priced(component, customer, quantity * part["quantity"], on_date, currency, user, seen)
            total += each.amount * part["quantity"]
        return total, "bundle_sum"
    price = item["list_price"]
    if price is None:
        return None, "list_price"
    if price.currency == currency:
        return price.amount, "list_price"
    try:
        return currencies.convert(price, currency, on_date).amount, "list_price"
    except currencies.NoRate as err:
        raise PricingError("currency", str(err)) from None


def _rule(product_id: int, customer: RecordLink | None, quantity: Decimal, on_date: date, currency: str,
          user: Any) -> tuple[str, RecordData, RecordData] | None:
    """The price list rule that applies, by level (customer, group, everyone), or None."""
    rules = every("catalog_price_rule", {"product_id": product_id, "min_quantity__lte": str(quantity)}, user)
    if not rules:
        return None
    lists = {p.id: p for p in every("catalog_price_list", {"id__in": ",".join(str(r["parent_id"]) for r in rules),
                                                           "active": "true", "currency": currency}, user)}
    terms = customer_terms(customer, user)
    group = terms["group_id"] if terms is not None else None
    for level in LEVELS:
        candidates = [(rule, lists[rule["parent_id"]]) for rule in rules if rule["parent_id"] in lists
                      and _valid(lists[rule["parent_id"]], on_date)
                      and _level(lists[rule["parent_id"]], customer, group) == level]
        if candidates:
            rule, price_list = max(candidates, key=lambda c: (c[0]["min_quantity"], c[1]["valid_from"] or date.min,
                                                              -c[1].id))
            return level, price_list, rule
    return None


def _valid(price_list: RecordData, on_date: date) -> bool:
    return ((price_list["valid_from"] is None or price_list["valid_from"] <= on_date)
            and (price_list["valid_to"] is None or on_date <= price_list["valid_to"]))


def _level(price_list: RecordData, customer: RecordLink | None, group: int | None) -> str | None:
    """Which level a list serves for this customer, or None when it is someone else's."""
    if price_list["customer"] is not None:
        return "customer" if customer is not None and price_list["customer"] == customer else None
    if price_list["group_id"] is not None:
        return "group" if group is not None and price_list["group_id"] == group else None
    return "general"
