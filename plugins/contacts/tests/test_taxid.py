"""The tax id rules on their own: check characters computed by hand in the comments."""
import pytest

from trato_contacts.taxid import normalize, tax_id_problem


@pytest.mark.parametrize("value", [
    "12345678Z",      # 12345678 mod 23 = 14 → Z
    "X1234567L",      # NIE: 01234567 mod 23 = 19 → L
    "Y7654321G",      # NIE: 17654321 mod 23 = 4 → G
    "B12345674",      # CIF: odd digits 1,3,5,7 doubled → 2+6+1+5, even 2+4+6 → 26, 10-6 = 4
    "Q2826000H",      # CIF of a public body: letter only, control 8 → H
    "G84563212",      # foundations take a digit or a letter
    "ESB12345674",    # the Spanish VAT number is the CIF with ES
    "FR40303265045",  # other EU VAT numbers: country code and format
    "IE6388047V",
])
def test_valid_tax_ids(value):
    assert tax_id_problem(value) is None


@pytest.mark.parametrize("value, words", [
    ("12345678A", "ends in Z"),
    ("X1234567T", "ends in L"),
    ("B12345675", "ends in 4"),
    ("Q2826000J", "ends in H"),
    ("1234567", "not a Spanish NIF"),
    ("US123456789", "US is not the code of an EU country"),
    ("FR1", "not an EU VAT number"),
])
def test_invalid_tax_ids(value, words):
    assert words in tax_id_problem(value)


def test_normalize_drops_what_people_type_between_characters():
    assert normalize(" b-12.345 674 ") == "B12345674"
