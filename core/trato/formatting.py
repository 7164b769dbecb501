"""Money and percentages for the current locale, to go with Flask-Babel's date and number filters.

Flask-Babel's `currencyformat` takes floats and rounds half to even, which
is wrong for invoices: `money` takes a Decimal and rounds half up to the
currency's minor units before Babel formats it.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_percent, get_currency_precision
from flask_babel import format_currency, get_locale


def round_money(amount: Decimal | int, currency: str) -> Decimal:
    """`amount` rounded half up (away from zero) to `currency`'s minor units: 0.125 EUR → 0.13."""
    if isinstance(amount, (float, bool)) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"an amount of money must be a Decimal, not {type(amount).__name__}")
    step = Decimal(1).scaleb(-get_currency_precision(currency))
    return Decimal(amount).quantize(step, rounding=ROUND_HALF_UP)


def money(amount: Decimal | int | None, currency: str) -> str:
    """The Jinja filter `money`: `{{ deal.amount | money("EUR") }}` → "1.234,50 €" in Spanish.

    An empty amount (a nullable column) shows as nothing.
    """
    if amount is None:
        return ""
    code = currency.upper()
    return format_currency(round_money(amount, code), code)


def percent(hundredths: Decimal | int | None, places: int = 2) -> str:
    """The Jinja filter `percent`: 20.2 (a percent field's value) → "20,2 %" in Spanish, "20.2%" in English.

    The locale's own pattern places the sign (Spanish puts a space before it);
    up to `places` decimals are shown, trailing zeros dropped.
    """
    if hundredths is None:
        return ""
    shown = (Decimal(hundredths) / 100).quantize(Decimal(1).scaleb(-places - 2), rounding=ROUND_HALF_UP).normalize()
    return format_percent(shown, locale=get_locale(), decimal_quantization=False)
