"""The API's record dumper: the schema's output without marshmallow's per-field lookups."""
from __future__ import annotations

from decimal import Decimal

import pytest
from marshmallow import Schema, fields, post_dump

from trato.fields.dumpers import record_dumper


class Sample(Schema):
    name = fields.String(allow_none=True)
    amount = fields.Decimal(as_string=True, allow_none=True)
    renamed = fields.Integer(data_key="count")


def test_it_gives_what_the_schema_gives_less_what_is_left_out():
    values = {"name": "Ana", "amount": Decimal("12.50"), "renamed": 3}
    dump = record_dumper(Sample())
    assert dump(values) == Sample().dump(values) == {"name": "Ana", "amount": "12.50", "count": 3}
    assert dump(values, frozenset({"amount"})) == {"name": "Ana", "count": 3}
    assert dump({"name": None}) == Sample().dump({"name": None}) == {"name": None}  # absent keys stay absent


def test_values_are_kept_as_they_are_only_where_marshmallow_would_keep_them():
    class Shouting(fields.String):
        def _serialize(self, value, attr, obj, **kwargs):
            return None if value is None else value.upper()

    class Mixed(Schema):
        plain = fields.String(allow_none=True)
        loud = Shouting(allow_none=True)
        number = fields.Integer(as_string=True)
        flag = fields.Boolean()
        count = fields.Integer()

    values = {"plain": "a", "loud": "b", "number": 7, "flag": 1, "count": True}
    assert record_dumper(Mixed())(values) == Mixed().dump(values) == {
        "plain": "a", "loud": "B", "number": "7", "flag": True, "count": 1}


def test_schemas_that_change_their_output_are_refused():
    class Processed(Sample):
        @post_dump
        def shout(self, data, **kwargs):
            return {key: str(value).upper() for key, value in data.items()}

    class Defaulted(Schema):
        name = fields.String(dump_default="?")

    for schema in (Processed(), Defaulted()):
        with pytest.raises(ValueError, match="schema.dump"):
            record_dumper(schema)
