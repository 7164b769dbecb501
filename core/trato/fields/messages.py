"""Translated validation messages shared by every field type.

marshmallow's own messages are English only; each field the types build gets
these instead. They are lazy, so they come out in the language of the request
that is being validated.
"""
from __future__ import annotations

from typing import Any

from ..i18n import _l

REQUIRED = _l("This field is required.")
NOT_TEXT = _l("Enter text.")
NOT_INTEGER = _l("Enter a whole number.")
NOT_NUMBER = _l("Enter a number, such as 1234.56.")
NOT_BOOLEAN = _l("Enter true or false.")
NOT_DATE = _l("Enter a date as YYYY-MM-DD.")
NOT_DATETIME = _l("Enter a date and time as YYYY-MM-DDTHH:MM:SS with a time zone offset.")
NOT_EMAIL = _l("Enter a valid email address.")
NOT_PHONE = _l("Enter a phone number: digits, spaces, and + ( ) - . / only.")
NOT_URL = _l("Enter a web address starting with http:// or https://.")
NOT_OPTION = _l("Choose one of the offered options.")
NOT_LIST = _l("Enter a list of values.")
NOT_OBJECT = _l("Enter an object with the expected keys.")
NOT_CURRENCY = _l("Enter a three-letter currency code such as EUR or USD.")
SCALE_TOO_SMALL = _l("This amount keeps %(scale)d decimals and %(currency)s needs %(places)d.")
NOT_ID = _l("Enter the id of a record (a positive whole number).")
TOO_LONG = _l("Too long.")
CONTROL = _l("Text may not contain control characters.")
TOO_LARGE = _l("This number is too large.")
NO_FILE_FROM_TEXT = _l("A file cannot be read from text; attach it instead.")
NO_SEPARATOR = _l("A tag may not contain a semicolon (;).")


def common(invalid: Any) -> dict[str, Any]:
    """The `error_messages` of a marshmallow field whose malformed input gets `invalid`."""
    return {"required": REQUIRED, "null": REQUIRED, "invalid": invalid, "too_large": TOO_LARGE,
            "special": invalid, "invalid_awareness": invalid, "format": invalid, "type": invalid}
