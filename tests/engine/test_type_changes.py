"""Type changes that convert a custom field's values: select → multi-select, text → select, text → numbers.

Each has a dry run that changes nothing, and the change itself is all or
nothing: the column, its values and the metadata row move together.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import inspect, select

from trato import records
from trato.db import engine, session
from trato.entities.meta import FieldRow
from trato.schema import EntitySpec, FieldSpec, SchemaError, TypeChange, add_field, change_field_type, create_entity
from trato.schema import preview_type_change

OPTIONS = [{"value": "north", "label": {"en": "North", "es": "Norte"}},
           {"value": "south", "label": {"en": "South", "es": "Sur"}}]


def en(text: str) -> dict[str, str]:
    return {"en": text}


def column_type(table: str, name: str) -> str:
    session().rollback()  # on SQLite, the test's open transaction would keep this other connection waiting
    with engine().connect() as conn:
        return next(str(c["type"]) for c in inspect(conn).get_columns(table) if c["name"] == name)


def stored(field: str) -> dict[str, object]:
    """Each account's value of `field`, by name (the recycle bin's too)."""
    return {r["name"]: r[field] for r in records.query("trade_account", user=None).page(limit=100).items}


def metadata(field: str) -> tuple[str, object, object]:
    row = session().scalars(select(FieldRow).where(FieldRow.name == field)).one()
    return row.type, row.options, row.default


def accounts(field: str, *values: object) -> list[int]:
    return [records.create("trade_account", {"name": f"A{n}", field: value}, user=None).id
            for n, value in enumerate(values)]


def test_a_select_becomes_a_multi_select_with_each_value_a_one_item_list(ctx):
    add_field("trade_account", FieldSpec("region", "select", en("Region"), filterable=True, options=OPTIONS,
                                         default="north"))
    accounts("cf_region", "north", "south")
    records.create("trade_account", {"name": "A2"}, user=None)
    preview = preview_type_change("trade_account", "cf_region", TypeChange("multi_select"))
    assert (preview.records, preview.converted, preview.emptied, preview.refusal) == (3, 3, 0, None)
    assert stored("cf_region") == {"A0": "north", "A1": "south", "A2": "north"}  # the default filled A2

    field = change_field_type("trade_account", "cf_region", TypeChange("multi_select"))
    assert (field.type.name, field.option_values(), field.default) == ("multi_select", ["north", "south"], ["north"])
    assert stored("cf_region") == {"A0": ["north"], "A1": ["south"], "A2": ["north"]}
    assert metadata("cf_region") == ("multi_select", OPTIONS, ["north"])
    assert "JSON" in column_type("trade_account", "cf_region")
    found = records.query("trade_account", user=None).where({"cf_region__contains": "south"}).page().items
    assert [r["name"] for r in found] == ["A1"]
    again = records.create("trade_account", {"name": "B", "cf_region": ["north", "south"]}, user=None)
    assert again["cf_region"] == ["north", "south"]


def test_text_becomes_a_select_after_a_dry_run_that_proposes_options_and_counts_each_mapping(ctx):
    add_field("trade_account", FieldSpec("region", "text", en("Region"), filterable=True))
    accounts("cf_region", "North", "north ", "Norte", "Sur", "n/a", "n/a", "  ", None)
    before = stored("cf_region")

    proposal = preview_type_change("trade_account", "cf_region", TypeChange("select"))
    assert [(v.value, v.records, v.option) for v in proposal.values] == [
        ("n/a", 2, "n-a"), ("Norte", 1, "norte"), ("North", 1, "north"), ("Sur", 1, "sur"), ("north", 1, "north")]
    assert proposal.options == [{"value": "n-a", "label": {"en": "n/a"}}, {"value": "norte", "label": {"en": "Norte"}},
                                {"value": "north", "label": {"en": "North"}}, {"value": "sur", "label": {"en": "Sur"}}]
    assert (proposal.records, proposal.converted, proposal.emptied, proposal.refusal) == (6, 6, 0, None)

    wanted = TypeChange("select", options=OPTIONS, mapping={"Norte": "north", "Sur": "south", "n/a": None})
    dry = preview_type_change("trade_account", "cf_region", wanted)
    assert [(v.value, v.records, v.option, v.mapped) for v in dry.values] == [
        ("n/a", 2, None, True), ("Norte", 1, "north", True), ("North", 1, "north", True), ("Sur", 1, "south", True),
        ("north", 1, "north", True)]  # "North" and "north" name the option by its label and value
    assert (dry.converted, dry.emptied, dry.refusal) == (4, 2, None)
    assert stored("cf_region") == before and column_type("trade_account", "cf_region").startswith("VARCHAR(255)")

    field = change_field_type("trade_account", "cf_region", wanted)
    assert (field.type.name, field.option_values()) == ("select", ["north", "south"])
    assert stored("cf_region") == {"A0": "north", "A1": "north", "A2": "north", "A3": "south", "A4": None,
                                   "A5": None, "A6": None, "A7": None}
    assert metadata("cf_region")[:2] == ("select", OPTIONS)
    assert column_type("trade_account", "cf_region").startswith("VARCHAR(64)")
    session().rollback()
    with engine().connect() as conn:  # still filterable: its index was made again
        assert any(ix["column_names"] == ["cf_region"] for ix in inspect(conn).get_indexes("trade_account"))


def test_text_to_select_is_refused_while_a_value_has_no_option_and_nothing_changes(ctx):
    add_field("trade_account", FieldSpec("region", "text", en("Region"), required=True, default="North"))
    accounts("cf_region", "North", "Oeste", "Este")
    partial = TypeChange("select", options=OPTIONS, mapping={"Este": "south"})
    dry = preview_type_change("trade_account", "cf_region", partial)
    assert dry.refusal == "Values with no option yet (1): 'Oeste'. Map each to an option or to empty."
    assert dry.refusal_field == "mapping" and [v.value for v in dry.values if not v.mapped] == ["Oeste"]
    with pytest.raises(SchemaError, match="Values with no option yet") as refused:
        change_field_type("trade_account", "cf_region", partial)
    assert refused.value.field == "mapping"
    assert metadata("cf_region")[0] == "text" and stored("cf_region") == {"A0": "North", "A1": "Oeste", "A2": "Este"}

    emptied = TypeChange("select", options=OPTIONS, mapping={"Este": "south", "Oeste": None})
    with pytest.raises(SchemaError, match="1 records would have this required field empty"):
        change_field_type("trade_account", "cf_region", emptied)
    with pytest.raises(SchemaError, match="Give the select field its options"):
        change_field_type("trade_account", "cf_region", TypeChange("select"))
    with pytest.raises(SchemaError, match="The mapping names options the field does not have: west"):
        preview_type_change("trade_account", "cf_region", TypeChange("select", options=OPTIONS,
                                                                      mapping={"Oeste": "west"}))
    field = change_field_type("trade_account", "cf_region", TypeChange("select", options=OPTIONS,
                                                                       mapping={"Este": "south", "Oeste": "south"}))
    assert field.default == "north" and stored("cf_region") == {"A0": "north", "A1": "south", "A2": "south"}


def test_a_text_with_too_many_different_values_does_not_become_a_select(ctx, monkeypatch):
    from trato.schema import type_changes

    monkeypatch.setattr(type_changes, "MAX_MAPPED", 2)
    add_field("trade_account", FieldSpec("city_name", "text", en("City")))
    accounts("cf_city_name", "Lima", "Quito", "Cusco")
    with pytest.raises(SchemaError, match="This field holds 3 different values; a select field offers a short list"):
        preview_type_change("trade_account", "cf_city_name", TypeChange("select"))


@pytest.mark.parametrize(("new_type", "settings", "good", "converted", "one"), [
    ("integer", {}, ["12", " 7 ", "-3"], [12, 7, -3], 1),
    ("decimal", {"scale": 1}, ["12", "7.5", "-0.25e1"], [Decimal("12.0"), Decimal("7.5"), Decimal("-2.5")],
     Decimal("1.0")),
])
def test_text_becomes_a_number_when_every_value_reads_and_the_dry_run_lists_those_that_do_not(
        ctx, new_type, settings, good, converted, one):
    add_field("trade_account", FieldSpec("seats", "text", en("Seats"), default="1"))
    ids = accounts("cf_seats", *good, "twelve", "7.55", "", None)
    change = TypeChange(new_type, settings)

    dry = preview_type_change("trade_account", "cf_seats", change)
    reasons = {u.id: (u.value, u.reason) for u in dry.unconvertible}
    assert reasons[ids[3]][0] == "twelve" and reasons[ids[4]][0] == "7.55"
    if new_type == "decimal":
        assert reasons[ids[4]][1] == "It has more decimals than 1: it would be rounded to 7.6."
    assert dry.unconvertible_count == 2 and dry.refusal_field == "type"
    assert dry.refusal.startswith(f"2 records hold values that cannot become {new_type}; the first is record "
                                  f"{ids[3]}, 'twelve': ")
    assert dry.refusal.endswith("Correct or empty those values first (the dry run lists them), then change the type.")
    with pytest.raises(SchemaError, match=f"2 records hold values that cannot become {new_type}"):
        change_field_type("trade_account", "cf_seats", change)
    assert metadata("cf_seats")[0] == "text" and stored("cf_seats")["A3"] == "twelve"

    for record_id in ids[3:5]:
        records.update("trade_account", record_id, {"cf_seats": None}, user=None, version=None)
    field = change_field_type("trade_account", "cf_seats", change)
    assert field.type.name == new_type and field.default == one
    values = stored("cf_seats")
    assert [values[f"A{n}"] for n in range(3)] == converted
    assert values["A5"] is None and values["A6"] is None
    bigger = records.query("trade_account", user=None).where({"cf_seats__gt": "5"}).page().items
    assert sorted(r["name"] for r in bigger) == ["A0", "A1"]


def test_a_unique_text_is_refused_as_a_number_when_two_values_would_become_one(ctx):
    add_field("trade_account", FieldSpec("code", "text", en("Code"), unique=True))
    accounts("cf_code", "1", "01", "2")
    dry = preview_type_change("trade_account", "cf_code", TypeChange("integer"))
    assert dry.refusal == "The field is unique, and 2 records would share the value 1. Make their values differ first."
    add_field("trade_account", FieldSpec("region", "select", en("Region"), unique=True, options=OPTIONS))
    with pytest.raises(SchemaError, match="A unique field cannot become multi_select, which cannot be unique"):
        preview_type_change("trade_account", "cf_region", TypeChange("multi_select"))


def test_the_refusal_of_a_change_without_a_conversion_says_why_and_what_to_do(ctx):
    add_field("trade_account", FieldSpec("note", "text", en("Note")))
    add_field("trade_account", FieldSpec("score", "decimal", en("Score")))
    with pytest.raises(SchemaError) as refused:
        change_field_type("trade_account", "cf_note", TypeChange("date"))
    assert str(refused.value) == (
        "A field of type text cannot become date: Trato has no way to convert its values. A field of type text can "
        "become: long_text, select, integer, decimal. To get a field of type date, add a new one, fill it in (by "
        "editing, or by exporting and importing the records), then delete this one.")
    with pytest.raises(SchemaError, match="A field of type decimal cannot become integer: whole numbers would lose the "
                                          "digits after the point. A field of type decimal can become: none."):
        change_field_type("trade_account", "cf_score", TypeChange("integer"))
    with pytest.raises(SchemaError, match="cf_note is already of type text"):
        change_field_type("trade_account", "cf_note", TypeChange("text"))


def test_a_conversion_that_fails_half_way_leaves_column_values_and_metadata_as_they_were(ctx, monkeypatch):
    from trato.schema.ddl import Ddl

    add_field("trade_account", FieldSpec("region", "select", en("Region"), filterable=True, options=OPTIONS))
    accounts("cf_region", "north", "south")

    def broken_index(self, table_name, field):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Ddl, "index", broken_index)
    with pytest.raises(RuntimeError, match="the disk is full"):
        change_field_type("trade_account", "cf_region", TypeChange("multi_select"))
    assert stored("cf_region") == {"A0": "north", "A1": "south"}
    assert metadata("cf_region")[0] == "select"
    assert column_type("trade_account", "cf_region").startswith("VARCHAR(64)")
    session().rollback()
    with engine().connect() as conn:
        names = {c["name"] for c in inspect(conn).get_columns("trade_account")}
        assert "cf_region__staged" not in names
        assert any(ix["column_names"] == ["cf_region"] for ix in inspect(conn).get_indexes("trade_account"))


def test_a_search_field_of_a_custom_entity_stops_being_one_when_it_becomes_a_select(ctx):
    create_entity(EntitySpec("boat", en("Boat"), en("Boats"), [FieldSpec("name", "text", en("Name")),
                                                                FieldSpec("colour", "text", en("Colour"))],
                             search_fields=["name", "colour"]))
    records.create("x_boat", {"name": "Sirena", "colour": "Red"}, user=None)
    change_field_type("x_boat", "colour", TypeChange("select", options=[{"value": "red", "label": en("Red")}]))
    boats = ctx.extensions["trato"].entities.get("x_boat")
    assert boats.search_fields == ("name",)
    assert [b["colour"] for b in records.query("x_boat", user=None).search("Sirena").page().items] == ["red"]
