"""marshmallow fields that match what JSON Schema (and so OpenAPI 3.1) says of them.

A JSON integer is 3 or 3.0, never true, "3" or 3.5 (STACK-NOTES item 10);
decimals travel as strings so that no JSON reader turns them into floats;
datetimes come back in UTC.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields
from marshmallow.validate import Length, Range, Regexp, Validator

from . import messages
from .money import Money, is_current, limit, minor_units, round_half_up

INT64 = 2**63 - 1
INT32 = 2**31 - 1  # record ids (and so relations to them) are INTEGER columns


class JsonInt(fields.Integer):
    """An integer as JSON Schema counts one: ints and integral floats only."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self.make_error("invalid", input=value)
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        if isinstance(value, Decimal) and (not value.is_finite() or value != value.to_integral_value()):
            raise self.make_error("invalid", input=value)
        return int(value)


def json_int(**kwargs: Any) -> JsonInt:
    """A 64-bit `JsonInt` with the translated messages."""
    kwargs.setdefault("validate", Range(-INT64, INT64, error=messages.TOO_LARGE))
    return JsonInt(error_messages=messages.common(messages.NOT_INTEGER), **kwargs)


class PrintableText(Validator):
    """Refuses NUL and the other C0 control characters but tab and line breaks, and lone surrogates.

    PostgreSQL can store no NUL in text or JSON, and the others are never
    meant; refusing them here keeps both databases alike. A lone surrogate
    (JSON's "\\ud800") is half a character that no database can encode.
    """

    CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

    def __call__(self, value: str) -> str:
        if self.CONTROL.search(value):
            raise ValidationError(str(messages.CONTROL))
        return value


class JsonBool(fields.Boolean):
    """true or false, nothing else (marshmallow's Boolean also takes "yes" and 1)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if value is True or value is False:
            return value
        raise self.make_error("invalid", input=value)


class ExactDecimalField(fields.Decimal):
    """A decimal with `scale` decimals, rounded half up; a string on the way out."""

    def __init__(self, scale: int, rounded: bool = True, **kwargs: Any) -> None:
        """`rounded=False` keeps every decimal typed, for a caller that refuses extra ones (money)."""
        bound = limit(scale)
        kwargs["metadata"] = {"type": ["string", "number"], "format": "decimal", **kwargs.get("metadata", {})}
        validators = [Range(-bound, bound, min_inclusive=False, max_inclusive=False, error=messages.TOO_LARGE)]
        super().__init__(places=scale if rounded else None, rounding=ROUND_HALF_UP, as_string=True, allow_nan=False,
                         validate=validators, error_messages=messages.common(messages.NOT_NUMBER), **kwargs)

    def _format_num(self, value: Any) -> Decimal:
        """As marshmallow reads it, but zero without a sign: -0.001 rounds to 0.00, as both databases keep it."""
        number: Decimal = super()._format_num(value)
        return number.copy_abs() if number.is_zero() else number


class DateOnly(fields.Date):
    """A calendar date; a datetime is refused rather than silently cut."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> date:
        if isinstance(value, datetime):
            raise self.make_error("invalid", input=value, obj_type="date")
        return super()._deserialize(value, attr, data, **kwargs)


class UTCDateTimeField(fields.AwareDateTime):
    """An ISO 8601 datetime; naive input is taken as UTC, and the value is turned to UTC."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=timezone.utc, error_messages=messages.common(messages.NOT_DATETIME),
                         **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(timezone.utc)
        except OverflowError:  # 0001-01-01T00:00+01:00 is a moment before year 1 in UTC
            raise self.make_error("invalid", input=value, obj_type="datetime") from None


class StrippedString(fields.String):
    """Text without the spaces around it, as a CSV cell or a form input reads it back."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class UniqueList(fields.List):
    """A list whose repeated items are dropped, first occurrence kept."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[Any]:
        return list(dict.fromkeys(super()._deserialize(value, attr, data, **kwargs)))


def currency_code(**kwargs: Any) -> fields.String:
    return fields.String(validate=Regexp(r"^[A-Z]{3}$", error=messages.NOT_CURRENCY),
                         error_messages=messages.common(messages.NOT_CURRENCY), **kwargs)


class MoneyField(fields.Field):
    """`{"amount": "12.30", "currency": "EUR"}` in and out; `Money` inside.

    A `Money` is accepted as it is. The currency may be left out when the
    field has a default currency.
    """

    def __init__(self, scale: int, default_currency: str | None = None, **kwargs: Any) -> None:
        self.scale = scale
        self.amount = ExactDecimalField(scale)
        self.typed = ExactDecimalField(scale, rounded=False)
        self.currency = currency_code()
        self.default_currency = default_currency
        required = ["amount"] if default_currency else ["amount", "currency"]
        kwargs["metadata"] = {
            "type": "object", "required": required, "additionalProperties": False,
            "properties": {"amount": {"type": ["string", "number"], "format": "decimal"},
                           "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}},
            **kwargs.get("metadata", {}),
        }
        super().__init__(error_messages=messages.common(messages.NOT_OBJECT), **kwargs)

    def _serialize(self, value: Money | None, attr: Any, obj: Any, **kwargs: Any) -> dict[str, str] | None:
        if value is None:
            return None
        if not is_current(value.currency):  # an old record's withdrawn code, or XXX: the column's decimals
            return {"amount": self.amount._serialize(value.amount, attr, obj), "currency": value.currency}
        amount = round_half_up(value.amount, min(self.scale, minor_units(value.currency)))
        return {"amount": format(amount.copy_abs() if amount.is_zero() else amount, "f"), "currency": value.currency}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Money:
        if isinstance(value, Money):
            value = {"amount": value.amount, "currency": value.currency}
        if not isinstance(value, Mapping) or set(value) - {"amount", "currency"}:
            raise self.make_error("invalid")
        errors: dict[str, Any] = {}
        amount = currency = None
        try:
            amount = self.typed.deserialize(value.get("amount"))
        except ValidationError as err:
            errors["amount"] = err.messages
        try:
            currency = self.currency.deserialize(value.get("currency") or self.default_currency)
            if not is_current(currency):
                errors["currency"] = [messages.NOT_CURRENCY]
        except ValidationError as err:
            errors["currency"] = err.messages
        if amount is not None and currency is not None and "currency" not in errors:
            places = minor_units(currency)
            if places > self.scale:
                errors["currency"] = [messages.SCALE_TOO_SMALL % {"scale": self.scale, "currency": currency,
                                                                  "places": places}]
        if errors:
            raise ValidationError(errors)
        assert amount is not None and currency is not None
        return Money(round_half_up(amount, minor_units(currency)), currency)


class FileSchema(Schema):
    """What the core keeps about an attached file; the bytes live in the file store."""

    name = fields.String(required=True, validate=[Length(1, 255), PrintableText()],
                         error_messages=messages.common(messages.NOT_TEXT))
    size = json_int(required=True, validate=Range(0, 2**53, error=messages.TOO_LARGE))
    content_type = fields.String(required=True, validate=[Length(1, 255), PrintableText()],
                                 error_messages=messages.common(messages.NOT_TEXT))
    key = fields.String(required=True, validate=[Length(1, 512), PrintableText()],
                        error_messages=messages.common(messages.NOT_TEXT))
