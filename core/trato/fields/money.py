"""Money and exact decimals: `Decimal` end to end, rounded half up on purpose.

Python's `round()` and `Decimal.quantize()` default to banker's rounding
(half to even); a CRM rounds 0.125 EUR to 0.13, as people do, so every
rounding here names ROUND_HALF_UP. No value ever passes through a float.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.numbers import get_currency_precision, get_territory_currencies, list_currencies
from flask import current_app, has_app_context

from .iso4217 import FUNDS, MINOR_UNITS

# Digits a stored decimal may have in all: what fits in a signed 64-bit
# integer, which is how SQLite keeps them (see sqltypes.ExactDecimal).
PRECISION = 18


# The quantum of each number of decimals, made once: every money and decimal value read or written is rounded.
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(PRECISION + 1)}


def round_half_up(value: Decimal, places: int) -> Decimal:
    """`value` rounded to `places` decimals, halves away from zero."""
    return value.quantize(_QUANTA.get(places) or Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def limit(places: int) -> Decimal:
    """The smallest magnitude too large for a stored decimal with `places` decimals."""
    return Decimal(10) ** (PRECISION - places)


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 codes that Babel (and so the locale formatting) knows."""
    return frozenset(list_currencies())


def current_currencies() -> tuple[str, ...]:
    """The current ISO 4217 currencies, sorted: what a currency list offers and new money may be in.

    Babel knows some 300 codes, most of them gone (pesetas, Deutsche Marks);
    stored values in an older code still read (see `currencies`). The funds
    codes (CLF, UYW...) are valid too (`is_current`) but not offered.
    """
    return OFFERED


OFFERED = tuple(sorted(set(MINOR_UNITS) - FUNDS))


def is_current(code: str) -> bool:
    """Whether `code` is in ISO 4217's current list (funds included): what money may be entered in."""
    return code in MINOR_UNITS


def minor_units(code: str) -> int:
    """The decimals an amount in `code` has per ISO 4217: JPY 0, EUR 2, KWD 3, CLF 4.

    A withdrawn code that old records may hold gets Babel's digits; a code
    nobody knows is a `ValueError`.
    """
    if code in MINOR_UNITS:
        return MINOR_UNITS[code]
    if code in currencies():
        return int(get_currency_precision(code))
    raise ValueError(f"unknown currency code {code!r}")


def locale_currency(locale: str) -> str:
    """The currency of the country a language is most spoken in: EUR for `es`, USD for `en`."""
    territory = (Locale.parse(locale).territory
                 or Locale.parse(get_global("likely_subtags").get(locale, locale)).territory)
    found = get_territory_currencies(territory, start_date=date.today()) if territory else []
    current = [code for code in found if is_current(code)]  # CLDR may still name a withdrawn one (BGN)
    return current[0] if current else "EUR"


def company_currency() -> str:
    """The default company's base currency (at first the setting `default_currency`, else that of
    `default_locale`): money fields with no currency of their own start with it."""
    if not has_app_context():
        return "EUR"
    from ..companies import CompanyNotFound, default_company

    try:
        return default_company().base_currency
    except CompanyNotFound:  # a database not migrated yet
        return str(current_app.extensions["trato"].settings.currency)


@dataclass(frozen=True)
class Money:
    """An amount in a currency. Arithmetic is exact; round with `rounded()`."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money needs a Decimal amount, not {type(self.amount).__name__}")
        if self.currency not in currencies():
            raise ValueError(f"unknown currency code {self.currency!r}")

    def rounded(self, places: int | None = None) -> Money:
        """Rounded half up to `places` decimals, by default to the currency's minor units (JPY 0, KWD 3)."""
        return Money(round_half_up(self.amount, minor_units(self.currency) if places is None else places),
                     self.currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {getattr(other, 'currency', other)!r}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float) or not isinstance(factor, (int, Decimal)):
            raise TypeError("multiply Money by an int or a Decimal, never a float")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        """`12.50 EUR`: how money is written as text (CSV cells, filters), never in exponent form."""
        return f"{self.amount:f} {self.currency}"
