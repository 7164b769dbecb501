"""Field types: text in and out, API values in and out, and storage on both databases."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select

from trato.db import make_throwaway_engine
from trato.fields import BUILTIN, Field, FieldValueError, Money, Option, round_half_up
from trato.fields.money import currencies, minor_units
from trato.fields.schemafields import JsonInt

OPTIONS = (Option("new", {"en": "New", "es": "Nuevo"}), Option("won", {"en": "Won", "es": "Ganado"}),
           Option("lost", "Lost"))
SETTINGS = {"money": {"scale": 2}, "decimal": {"scale": 3}, "percent": {}, "relation": {"target": "x_thing"}}


def make(type_name: str, **settings) -> Field:
    return Field(name=f"f_{type_name}", type=BUILTIN[type_name], label=type_name,
                 options=OPTIONS, settings=settings or SETTINGS.get(type_name, {}))


CONTROL = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127]))
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Z")), min_size=1,
                max_size=20)
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                       timezones=st.just(timezone.utc))
VALUES = {
    "text": words,
    "long_text": st.text(st.characters(exclude_categories=("Cs",), exclude_characters=CONTROL), min_size=1,
                         max_size=200).map(str.strip).filter(bool),
    "integer": st.integers(-2**63 + 1, 2**63 - 1),
    "decimal": st.decimals(-10**14, 10**14, places=3, allow_nan=False),
    "percent": st.decimals(-1000, 1000, places=2, allow_nan=False),
    "money": st.sampled_from(["EUR", "USD", "MXN", "JPY"]).flatmap(lambda code: st.builds(
        Money, st.decimals(-10**15, 10**15, places=minor_units(code), allow_nan=False), st.just(code))),
    "boolean": st.booleans(),
    "date": st.dates(),
    "datetime": moments,
    "email": st.from_regex(r"\A[a-z0-9]{1,10}@[a-z]{1,10}\.(com|es|org)\Z"),
    "phone": st.from_regex(r"\A\+?[0-9]{1,3} [0-9]{3}[ -][0-9]{3,6}\Z"),
    "url": st.from_regex(r"\Ahttps?://[a-z]{1,10}\.(com|es)/[a-z0-9]{0,10}\Z"),
    "select": st.sampled_from(["new", "won", "lost"]),
    "multi_select": st.lists(st.sampled_from(["new", "won", "lost"]), min_size=1, unique=True),
    "relation": st.integers(1, 2**31 - 1),
    "user": st.integers(1, 2**31 - 1),
    "team": st.integers(1, 2**31 - 1),
    "tags": st.lists(words.filter(lambda w: ";" not in w), min_size=1, max_size=5, unique=True),
    "autonumber": words,  # given by its series on create (tests/test_autonumber.py); read back as text
}


def test_every_builtin_type_is_here():
    # A company field's ids are checked against the database's companies (tests/test_companies.py), a record
    # link's targets against the records (tests/test_record_links.py).
    assert set(BUILTIN) == set(VALUES) | {"file", "company", "record_link"}


@pytest.mark.parametrize("type_name", sorted(VALUES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_text_and_json_round_trips(type_name, data):
    field = make(type_name)
    value = data.draw(VALUES[type_name])
    ftype = field.type
    assert ftype.parse(field, ftype.format(field, value)) == value  # CSV cell and form input
    assert field.value_field.deserialize(ftype.dump(field, value)) == value  # API


def test_file_keeps_metadata_and_is_not_read_from_text():
    field = make("file")
    meta = {"name": "contrato.pdf", "size": 1234, "content_type": "application/pdf", "key": "ab/cd"}
    assert field.value_field.deserialize(meta) == meta
    assert field.type.format(field, meta) == "contrato.pdf"
    with pytest.raises(FieldValueError, match="cannot be read from text"):
        field.type.parse(field, "contrato.pdf")
    with pytest.raises(ValidationError):
        field.value_field.deserialize({"name": "x"})


@pytest.mark.parametrize("type_name, text, message", [
    ("integer", "12.5", "Enter a whole number."),
    ("integer", "1e3", "Enter a whole number."),
    ("integer", "99999999999999999999", "This number is too large."),
    ("decimal", "1,5", "Enter a number, such as 1234.56"),
    ("money", "12 EUR USD", "Enter a number"),
    ("money", "12", "currency: This field is required."),
    ("money", "12 ZZZ", "currency: Enter a three-letter currency code"),
    ("boolean", "maybe", "Enter true or false."),
    ("date", "31/12/2026", "Enter a date as YYYY-MM-DD."),
    ("datetime", "yesterday", "Enter a date and time"),
    ("email", "ana@", "Enter a valid email address."),
    ("phone", "call me", "Enter a phone number"),
    ("url", "javascript:alert(1)", "Enter a web address starting with http:// or https://."),
    ("select", "maybe", "Choose one of the offered options. (maybe)"),
    ("multi_select", "new; maybe", "Choose one of the offered options. (maybe)"),
    ("relation", "acme", "Enter the id of a record"),
    ("relation", "0", "Enter the id of a record"),
    ("long_text", "nul \x00 inside", "Text may not contain control characters."),
    ("tags", "ok; bell\x07", "1: Text may not contain control characters."),
])
def test_malformed_text_gets_a_clear_message(type_name, text, message):
    field = make(type_name)
    with pytest.raises(FieldValueError) as err:
        field.type.parse(field, text)
    assert str(err.value).startswith(message)


def test_text_reading_is_forgiving_where_people_are():
    assert make("boolean").type.parse(make("boolean"), "Sí") is True
    assert make("select").type.parse(make("select"), "ganado") == "won"  # a label, in Spanish
    money = make("money", currency="EUR")
    assert money.type.parse(money, "EUR 12.5") == Money(Decimal("12.50"), "EUR")
    assert money.type.parse(money, "12.5") == Money(Decimal("12.50"), "EUR")  # the field's default currency
    assert make("text").type.parse(make("text"), "   ") is None
    dt = make("datetime")
    assert dt.type.parse(dt, "2026-03-01T10:00:00+02:00") == datetime(2026, 3, 1, 8, tzinfo=timezone.utc)
    assert dt.type.parse(dt, "2026-03-01T10:00:00") == datetime(2026, 3, 1, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, rounded", [
    ("0.125", "0.13"), ("-0.125", "-0.13"), ("2.675", "2.68"), ("0.005", "0.01"), ("1.994999", "1.99"),
])
def test_amounts_round_half_up_not_to_even(text, rounded):
    money = make("money")
    assert money.type.parse(money, f"{text} EUR").amount == Decimal(rounded)
    assert round_half_up(Decimal(text), 2) == Decimal(rounded)
    assert Money(Decimal(text), "EUR").rounded().amount == Decimal(rounded)


def test_json_numbers_follow_json_schema():
    number = JsonInt()
    assert number.deserialize(3) == 3 and number.deserialize(3.0) == 3
    for bad in (True, "3", 3.5, float("nan")):
        with pytest.raises(ValidationError):
            number.deserialize(bad)
    amount = make("decimal").value_field
    assert amount.deserialize(2.675) == Decimal("2.675")  # a float is read through its shortest text
    assert amount.serialize("v", {"v": Decimal("1.500")}) == "1.500"


def test_money_arithmetic_is_exact_and_refuses_mixing():
    a, b = Money(Decimal("0.10"), "EUR"), Money(Decimal("0.20"), "EUR")
    assert a + b == Money(Decimal("0.30"), "EUR")
    assert (b - a) * 3 == Money(Decimal("0.30"), "EUR")
    assert (Money(Decimal("10.00"), "EUR") * Decimal("0.075")).rounded(2) == Money(Decimal("0.75"), "EUR")
    with pytest.raises(ValueError):
        a + Money(Decimal("1"), "USD")
    with pytest.raises(TypeError):
        a * 1.5
    with pytest.raises(TypeError):
        Money(0.1, "EUR")  # type: ignore[arg-type]
    assert "EUR" in currencies() and "ZZZ" not in currencies()


def test_operators_fit_each_type():
    ops = {name: ftype.operators for name, ftype in BUILTIN.items()}
    assert ops["text"] == {"eq", "ne", "in", "contains", "startswith", "isnull"}
    assert ops["money"] == ops["date"] == {"eq", "ne", "lt", "lte", "gt", "gte", "in", "isnull"}
    assert ops["tags"] == ops["multi_select"] == {"contains", "isnull"}
    assert ops["file"] == {"isnull"}
    assert not BUILTIN["tags"].sortable and BUILTIN["money"].sortable


# Storage: each type's columns on the test database, written and read back unchanged.

@pytest.fixture(scope="module")
def stored_fields():
    return [make(name) for name in sorted(VALUES)] + [make("file")]


@pytest.fixture
def store(trato_db_url, stored_fields):
    engine = make_throwaway_engine(trato_db_url)
    table = Table("fieldcheck", MetaData(), Column("id", Integer, primary_key=True),
                  *[c for f in stored_fields for c in f.type.columns(f)])
    table.create(engine)
    yield engine, table
    engine.dispose()


def write_and_read(store, field, value):
    engine, table = store
    with engine.begin() as conn:
        new_id = conn.execute(insert(table).values(field.type.write(field, value)).returning(table.c.id)).scalar()
        row = conn.execute(select(table).where(table.c.id == new_id)).mappings().one()
    return field.type.read(field, row)


@pytest.mark.parametrize("type_name", sorted(VALUES))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_type_is_stored_without_change(store, type_name, data):
    field = make(type_name)
    value = field.value_field.deserialize(field.type.dump(field, data.draw(VALUES[type_name])))
    assert write_and_read(store, field, value) == value
    assert write_and_read(store, field, None) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cents=st.lists(st.integers(-10**15, 10**15), min_size=1, max_size=20))
def test_money_never_loses_a_cent_stored_or_summed(store, cents):
    field = make("money")
    engine, table = store
    amounts = [Decimal(c).scaleb(-2) for c in cents]
    with engine.begin() as conn:
        conn.execute(table.delete())
        for amount in amounts:
            conn.execute(insert(table).values(field.type.write(field, Money(amount, "EUR"))))
        total = conn.execute(select(func.sum(table.c[field.name]))).scalar()
        stored = [field.type.read(field, r) for r in conn.execute(select(table)).mappings()]
    assert sorted(m.amount for m in stored) == sorted(amounts)
    assert total == sum(amounts) and isinstance(total, Decimal)


def test_datetimes_are_stored_in_utc(store):
    field = make("datetime")
    madrid = timezone(timedelta(hours=2))
    stored = write_and_read(store, field, datetime(2026, 6, 1, 12, 30, tzinfo=madrid))
    assert stored == datetime(2026, 6, 1, 10, 30, tzinfo=timezone.utc) and stored.tzinfo == timezone.utc
    with pytest.raises(Exception, match="timezone-aware"):
        write_and_read(store, field, datetime(2026, 6, 1, 12, 30))


def test_a_float_never_reaches_a_money_column(store):
    field = make("decimal")
    with pytest.raises(Exception, match="not float"):
        write_and_read(store, field, 0.1)
    assert write_and_read(store, field, Decimal("0.1")) == Decimal("0.100")
