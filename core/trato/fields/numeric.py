"""Integer, decimal, percent and money: exact numbers, never floats."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import fields as ma
from marshmallow.validate import Range
from sqlalchemy import BigInteger, Column, String
from sqlalchemy.types import TypeEngine

from . import messages, operators
from .base import FieldType, FieldValueError
from .definition import Field
from .money import Money, currencies
from .schemafields import ExactDecimalField, MoneyField, json_int
from .sqltypes import ExactDecimal

MAX_SCALE = 6
MONEY_TEXT = re.compile(r"^(?:([A-Za-z]{3})\s*)?([^\sA-Za-z]+)(?:\s*([A-Za-z]{3}))?$")


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


class PercentType(DecimalType):
    """A percentage as its number of hundredths: 12.5 means 12.5 %."""

    name = "percent"
    widget = "percent"
    cell = "percent"


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
        return Money(amount, currency if currency in currencies() else "XXX")

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
