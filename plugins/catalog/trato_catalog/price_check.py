"""What a line would cost: a product's price for a customer, quantity, date and currency, with its taxes under
a fiscal position, computed by `price_for` and `taxes_for` as documents will compute them. The page lets
whoever keeps the price lists and taxes check them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import request
from flask_babel import gettext as _

from trato import RecordLink, RecordNotFound, companies, currencies, records

from .pricing import PriceQuote, PricingError, price_for
from .taxes import AppliedTax, TaxError, Taxes, fiscal_position_for, taxes_for

HUNDRED = Decimal(100)


@dataclass
class Check:
    """The form's values as typed, what they read as, the field errors, and the result."""

    typed: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    product: Any = None
    customer: RecordLink | None = None
    quote: PriceQuote | None = None
    taxes: Taxes | None = None
    amounts: list[tuple[AppliedTax, Decimal]] = field(default_factory=list)
    net: Decimal | None = None
    total: Decimal | None = None


def run(user: Any) -> Check:
    """Read the query string; when a product is chosen, price it and tax it."""
    names = ("product", "customer", "quantity", "date", "currency", "fiscal_position")
    check = Check({name: (request.args.get(name) or "").strip() for name in names})
    typed = check.typed
    typed["quantity"] = typed["quantity"] or "1"
    typed["date"] = typed["date"] or date.today().isoformat()
    typed["currency"] = (typed["currency"] or companies.default_company().base_currency).upper()
    if not typed["product"]:
        return check
    quantity, on_date = _read(check, "quantity", Decimal), _read(check, "date", date.fromisoformat)
    product_id = _read(check, "product", int)
    if typed["customer"]:
        entity, _sep, ident = typed["customer"].partition(":")
        check.customer = RecordLink(entity, int(ident)) if ident.isdigit() else None
        if check.customer is None:
            check.errors["customer"] = _("Choose a customer from the list.")
    if check.errors:
        return check
    try:
        check.product = records.get("catalog_product", product_id, user=user)
        check.quote = price_for(check.product, check.customer, quantity, on_date, typed["currency"], user=user)
        position = (int(typed["fiscal_position"]) if typed["fiscal_position"].isdigit()
                    else fiscal_position_for(check.customer, user=user))
        check.taxes = taxes_for(check.product, position, on_date, user=user)
    except RecordNotFound:
        check.errors["product"] = _("There is no such product, or you may not see it.")
        return check
    except PricingError as err:
        check.errors[err.field] = err.message
        return check
    except TaxError as err:
        check.errors["date" if err.field == "on_date" else "fiscal_position"] = err.message
        return check
    _work_out(check, quantity)
    return check


def _read(check: Check, name: str, reader: Any) -> Any:
    try:
        return reader(check.typed[name])
    except (ValueError, InvalidOperation):
        check.errors[name] = _("This value does not read: %(value)s.", value=check.typed[name])
        return None


def _work_out(check: Check, quantity: Decimal) -> None:
    """The line's net amount, each tax's amount on it (the withholding taken off) and the total."""
    assert check.quote is not None and check.taxes is not None
    code = check.quote.currency
    check.net = currencies.round_money(check.quote.amount * quantity, code)
    total = check.net
    for tax in (check.taxes.vat, check.taxes.surcharge, check.taxes.withholding):
        if tax is None:
            continue
        amount = currencies.round_money(check.net * tax.rate / HUNDRED, code)
        check.amounts.append((tax, amount))
        total += -amount if tax.kind == "withholding" else amount
    check.total = total
