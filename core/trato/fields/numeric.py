"""Integer, decimal, percent and money: exact numbers, never floats."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import fields as ma
from marshmallow.validate import Range
from sqlalchemy import BigInteger, Column, String
from sqlalchemy.types import TypeEngine

from . import messages, numbers, operators
from .base import FieldType, FieldValueError
from .definition import Field
from .money import Money, company_currency, currencies, minor_units, round_half_up
from .schemafields import ExactDecimalField, MoneyField, json_int
from .sqltypes import ExactDecimal

MAX_SCALE = 6
# "12.30 EUR", "EUR 12.30", "12.30"; the amount may hold the spaces some locales group digits with ("1 234,5").
MONEY_TEXT = re.compile(r"^(?:([A-Za-z]{3})\s*)?([^\sA-Za-z]+(?:[ \u00a0\u202f][^\sA-Za-z]+)*)(?:\s*([A-Za-z]{3}))?$")


class IntegerType(FieldType):
    name = "integer"
    widget = "number"
    cell = "number"
    operators = operators.ORDERED

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return BigInteger()

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        """A 64-bit integer, or up to the `max` setting (record columns such as `id` are 32-bit)."""
        if "max" in field.settings:
            kwargs.setdefault("validate", Range(-field.settings["max"], field.settings["max"],
                                                error=messages.TOO_LARGE))
        return json_int(**kwargs)

    def from_text(self, field: Field, text: str) -> Any:
        try:
            return int(text)
        except ValueError:
            raise FieldValueError(str(messages.NOT_INTEGER)) from None

    def typed_text(self, field: Field, text: str) -> str:
        """ "12.500" is twelve thousand five hundred in Spanish, "12,500" in English."""
        return numbers.typed(text)


class DecimalType(FieldType):
    name = "decimal"
    widget = "decimal"
    cell = "number"
    operators = operators.ORDERED

    def scale(self, field: Field) -> int:
        scale = int(field.settings.get("scale", 2))
        if not 0 <= scale <= MAX_SCALE:
            raise ValueError(f"{field.name}: scale must be between 0 and {MAX_SCALE}, not {scale}")
        return scale

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return ExactDecimal(self.scale(field))

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return ExactDecimalField(self.scale(field), **kwargs)

    def format(self, field: Field, value: Any) -> str:
        return "" if value is None else format(value, "f")

    def typed_text(self, field: Field, text: str) -> str:
        """ "12.500,50" in Spanish, "12,500.50" in English, or either with a plain dot or comma for decimals."""
        return numbers.typed(text)

    def input_text(self, field: Field, value: Any) -> str:
        return "" if value is None else numbers.shown(value, self.scale(field))


class PercentType(DecimalType):
    """A percentage as its number of hundredths: 12.5 means 12.5 %."""

    name = "percent"
    widget = "percent"
    cell = "percent"

    def typed_text(self, field: Field, text: str) -> str:
        """ "20,2 %" as the list shows it, or the number alone."""
        return numbers.typed(text.strip().removesuffix("%"))


class MoneyType(DecimalType):
    """An amount and its currency, in two columns: `<name>` and `<name>_currency`.

    Filters and sorting compare the amount. Text reads "12.30 EUR",
    "EUR 12.30", or "12.30" when the field has a default currency.
    """

    name = "money"
    widget = "money"
    cell = "money"

    def currency_column(self, field: Field) -> str:
        return f"{field.name}_currency"

    def columns(self, field: Field) -> list[Column[Any]]:
        return [Column(field.name, self.sql_type(field), nullable=True),
                Column(self.currency_column(field), String(3), nullable=True)]

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return MoneyField(self.scale(field), field.settings.get("currency"), **kwargs)

    def read(self, field: Field, row: Mapping[str, Any]) -> Money | None:
        amount = row[field.name]
        if amount is None:
            return None
        currency = row[self.currency_column(field)] or field.settings.get("currency")
        if currency not in currencies():
            return Money(amount, "XXX")
        places = minor_units(currency)  # a column with more decimals than the currency has shows its own
        return Money(round_half_up(amount, places) if places < self.scale(field) else amount, currency)

    def write(self, field: Field, value: Money | None) -> dict[str, Any]:
        if value is None:
            return {field.name: None, self.currency_column(field): None}
        return {field.name: value.amount, self.currency_column(field): value.currency}

    def from_text(self, field: Field, text: str) -> Any:
        match = MONEY_TEXT.match(text)
        if not match or (match.group(1) and match.group(3)):
            raise FieldValueError(str(messages.NOT_NUMBER))
        currency = (match.group(1) or match.group(3) or "").upper() or None
        return {"amount": match.group(2), "currency": currency}

    def from_typed(self, field: Field, text: str) -> Any:
        """ "12.500,50 EUR", or the amount alone in the field's currency, else the company's.

        `typed_text` reads the amount alone, for filters on the amount.
        """
        try:
            typed = self.from_text(field, text)
        except FieldValueError:  # validation says what is wrong with it, with the form's other refusals
            typed = {"amount": text, "currency": None}
        currency = typed["currency"] or field.settings.get("currency") or company_currency()
        return {"amount": numbers.typed(typed["amount"]), "currency": currency}

    def input_text(self, field: Field, value: Any) -> str:
        """The amount alone: the currency has an input of its own."""
        if value is None:
            return ""
        return numbers.shown(value.amount, min(self.scale(field), minor_units(value.currency)))

    def format(self, field: Field, value: Any) -> str:
        return "" if value is None else str(value)

    def filter_value(self, field: Field, op: str, raw: Any) -> Any:
        if op in ("isnull", "in"):
            return super().filter_value(field, op, raw)
        if isinstance(raw, Money):
            return raw.amount
        return DECIMAL.validate(_amount_field(field), raw)

    def sort_key(self, field: Field, value: Any) -> Any:
        return None if value is None else value.amount


def _amount_field(field: Field) -> Field:
    """A decimal field standing for `field`'s amount, to read filter operands."""
    return Field(name=field.name, type=DECIMAL, label=field.label, settings=field.settings)


DECIMAL = DecimalType()
