"""Numbers as people type and read them: "12.500,50" in Spanish, "12,500.50" in English.

The field types read and write numbers in one locale-free form ("12500.50"):
the API, URLs, cursors and stored text use it. What a person types in a form,
an in-place edit, the filter builder or an import cell goes through `typed`
first, which reads it in their locale (Babel's own rules, so "90.000" is
ninety thousand in Spanish) and, failing that, in the locale-free form or with
a decimal comma, as spreadsheets write. `shown` writes a number back for an
input in the user's locale, so that what a form shows it also reads.
"""
from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from .definition import language

PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
DECIMAL_COMMA = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})*(?:,\d+)?$|^[+-]?\d+(?:,\d+)?$")
# Spaces a person or a locale (French, Swiss) puts between groups of digits, and a leading plus sign.
SPACES = re.compile(r"[\s\u00a0\u202f']")


def typed(text: str, locale: str | None = None) -> str:
    """`text` typed as a number in `locale` (the current language) in the locale-free form.

    Text that is no number at all comes back unchanged, for the field type to
    refuse with its own message.
    """
    compact = SPACES.sub("", text.strip()) if any(ch.isdigit() for ch in text) else text.strip()
    try:
        return _plain(parse_decimal(compact, locale=locale or language(), strict=True))
    except (NumberFormatError, ValueError):
        pass
    if PLAIN.match(compact):
        return compact
    if DECIMAL_COMMA.match(compact):
        return compact.replace(".", "").replace(",", ".")
    return text.strip()


def _plain(number: Decimal) -> str:
    return format(number, "f")


def shown(value: Decimal | int, scale: int | None = None, locale: str | None = None) -> str:
    """`value` as an input shows it in `locale`: grouped, with the locale's decimal sign and `scale` decimals."""
    pattern = "#,##0" + ("." + "0" * scale if scale else "")
    return format_decimal(value, format=pattern, locale=locale or language(), decimal_quantization=scale is not None)
