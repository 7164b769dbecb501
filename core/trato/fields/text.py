"""Text, long text, email, phone and URL: strings with their own checks."""
from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import fields as ma
from marshmallow import ValidationError
from marshmallow.validate import URL, Email, Length, Regexp, Validator
from sqlalchemy import String, Text
from sqlalchemy.types import TypeEngine

from . import messages, operators
from .base import FieldType
from .definition import Field
from .schemafields import PrintableText

PHONE = r"^\+?[0-9(][0-9 ().\-/]{1,38}[0-9)]$"


class LazyEmail(Email):
    """marshmallow's Email check, translating its message only when it refuses a value.

    marshmallow formats the message before every check; with a lazy
    translation that cost a catalogue lookup per value, a tenth of an import.
    """

    def __init__(self, *, error: Any) -> None:
        super().__init__()
        self.message = error

    def __call__(self, value: str) -> str:
        try:
            return super().__call__(value)
        except ValidationError:
            raise ValidationError(str(self.message)) from None


class TextType(FieldType):
    name = "text"
    widget = "text"
    cell = "text"
    operators = operators.TEXTUAL
    searchable = True
    default_length: ClassVar[int] = 255

    def length(self, field: Field) -> int:
        return int(field.settings.get("length", self.default_length))

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return String(self.length(field))

    def validators(self, field: Field) -> list[Validator]:
        return [Length(max=self.length(field), error=messages.TOO_LONG), PrintableText()]

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return ma.String(validate=self.validators(field), error_messages=messages.common(messages.NOT_TEXT), **kwargs)

    def dump(self, field: Field, value: Any) -> Any:
        return value  # text is its own JSON form


class LongTextType(TextType):
    name = "long_text"
    widget = "textarea"
    cell = "long_text"
    default_length = 100_000

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return Text()


class EmailType(TextType):
    name = "email"
    widget = "email"
    cell = "email"
    default_length = 254

    def validators(self, field: Field) -> list[Validator]:
        return [*super().validators(field), LazyEmail(error=messages.NOT_EMAIL)]

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        kwargs["metadata"] = {"format": "email", **kwargs.get("metadata", {})}
        return super().schema_field(field, **kwargs)


class PhoneType(TextType):
    name = "phone"
    widget = "tel"
    cell = "phone"
    default_length = 40

    def validators(self, field: Field) -> list[Validator]:
        return [*super().validators(field), Regexp(PHONE, error=messages.NOT_PHONE)]


class UrlType(TextType):
    name = "url"
    widget = "url"
    cell = "url"
    default_length = 2048

    def validators(self, field: Field) -> list[Validator]:
        return [*super().validators(field),
                URL(schemes={"http", "https"}, require_tld=False, error=messages.NOT_URL)]

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        kwargs["metadata"] = {"format": "uri", **kwargs.get("metadata", {})}
        return super().schema_field(field, **kwargs)
