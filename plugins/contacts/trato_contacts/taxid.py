"""Tax identifiers: Spanish NIF, NIE and CIF with their check character, EU VAT numbers by format.

A value whose first two characters are letters is an EU VAT number (`FR`,
`DE`, ...), checked for its country code and length only; `ES` numbers and
values that start like a Spanish identifier get the full check.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
CIF_LETTERS = "JABCDEFGHI"
NIE_PREFIX = {"X": "0", "Y": "1", "Z": "2"}
# Organisations of these kinds have a letter as check character, those of the others a digit.
CIF_LETTER_ONLY = frozenset("NPQRSW")
CIF_DIGIT_ONLY = frozenset("ABEH")
EU_COUNTRIES = frozenset("AT BE BG CY CZ DE DK EE EL FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split())

DNI = re.compile(r"(\d{8})([A-Z])")
NIE = re.compile(r"([XYZ])(\d{7})([A-Z])")
SPECIAL_NIF = re.compile(r"([KLM])(\d{7})([A-Z])")
CIF = re.compile(r"([ABCDEFGHJNPQRSUVW])(\d{7})([0-9A-J])")
VAT = re.compile(r"([A-Z]{2})([0-9A-Z]{2,12})")

NOT_SPANISH = _l("This is not a Spanish NIF, NIE or CIF: it should be 8 digits and a letter (NIF), "
                 "X, Y or Z, 7 digits and a letter (NIE), or a letter, 7 digits and a letter or digit (CIF).")
NOT_VAT = _l("This is not an EU VAT number: it should be a country code (such as FR or DE) and 2 to 12 letters "
             "or digits.")
UNKNOWN_COUNTRY = _l("%(code)s is not the code of an EU country.")
WRONG_LETTER = _l("The check letter does not match: the number %(number)s ends in %(expected)s.")
EITHER = _l("%(digit)s or %(letter)s")
WRONG_CHECK = _l("The check character does not match: the CIF %(number)s ends in %(expected)s.")


def normalize(text: str) -> str:
    """Upper case without the spaces, dots, dashes and slashes people type into tax ids."""
    return re.sub(r"[\s.\-/]", "", text).upper()


def cif_check(kind: str, digits: str) -> str:
    """The CIF's check character: a digit, a letter, or both spellings when the kind allows either."""
    total = 0
    for position, char in enumerate(digits):
        value = int(char)
        if position % 2 == 0:  # the 1st, 3rd, 5th and 7th digits are doubled and their digits summed
            value = sum(divmod(value * 2, 10))
        total += value
    control = (10 - total % 10) % 10
    if kind in CIF_LETTER_ONLY:
        return CIF_LETTERS[control]
    if kind in CIF_DIGIT_ONLY:
        return str(control)
    return str(control) + CIF_LETTERS[control]


def spanish_problem(value: str) -> str | None:
    """Why `value` (normalised, without `ES`) is not a valid NIF, NIE or CIF; None if it is."""
    if match := DNI.fullmatch(value):
        number, letter = match.groups()
    elif match := NIE.fullmatch(value):
        number, letter = NIE_PREFIX[match[1]] + match[2], match[3]
    elif match := SPECIAL_NIF.fullmatch(value):
        number, letter = match[2], match[3]
    elif match := CIF.fullmatch(value):
        expected = cif_check(match[1], match[2])
        if match[3] in expected:
            return None
        shown = EITHER % {"digit": expected[0], "letter": expected[1]} if len(expected) > 1 else expected
        return str(WRONG_CHECK % {"number": value[:-1], "expected": shown})
    else:
        return str(NOT_SPANISH)
    expected = DNI_LETTERS[int(number) % 23]
    if letter != expected:
        return str(WRONG_LETTER % {"number": value[:-1], "expected": expected})
    return None


def tax_id_problem(value: str) -> str | None:
    """Why a normalised tax id is not valid, or None."""
    if value.startswith("ES"):
        return spanish_problem(value[2:])
    if len(value) >= 2 and value[:2].isalpha():
        match = VAT.fullmatch(value)
        if match is None:
            return str(NOT_VAT)
        if match[1] not in EU_COUNTRIES:
            return str(UNKNOWN_COUNTRY % {"code": match[1]})
        return None
    return spanish_problem(value)
