"""Money and exact decimals: `Decimal` end to end, rounded half up on purpose.

Python's `round()` and `Decimal.quantize()` default to banker's rounding
(half to even); a CRM rounds 0.125 EUR to 0.13, as people do, so every
rounding here names ROUND_HALF_UP. No value ever passes through a float.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import list_currencies

# Digits a stored decimal may have in all: what fits in a signed 64-bit
# integer, which is how SQLite keeps them (see sqltypes.ExactDecimal).
PRECISION = 18


def round_half_up(value: Decimal, places: int) -> Decimal:
    """`value` rounded to `places` decimals, halves away from zero."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def limit(places: int) -> Decimal:
    """The smallest magnitude too large for a stored decimal with `places` decimals."""
    return Decimal(10) ** (PRECISION - places)


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 codes that Babel (and so the locale formatting) knows."""
    return frozenset(list_currencies())


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

    def rounded(self, places: int = 2) -> Money:
        return Money(round_half_up(self.amount, places), self.currency)

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
