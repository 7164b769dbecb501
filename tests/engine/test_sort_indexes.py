"""Every entity's title field is indexed together with id, so lists sorted by it read only the page's rows; a text
title once per language, with that language's collation (tests/engine/test_collation.py reads the plans)."""
from __future__ import annotations

from sqlalchemy import inspect

from trato import engine
from trato.records.sort_indexes import index_name
from trato.schema import EntitySpec, FieldSpec, change_entity, create_entity


def sort_indexes(table: str) -> dict[str, list[str]]:
    with engine().connect() as conn:
        return {ix["name"]: ix["column_names"] for ix in inspect(conn).get_indexes(table)
                if ix["name"].endswith("_sort")}


def en(text: str) -> dict[str, str]:
    return {"en": text, "es": text}


def per_language(table: str, column: str, owner: bool = True) -> dict[str, list[str]]:
    indexes = {index_name(table, column, language=language): [column, "id"] for language in ("en", "es")}
    if owner:
        indexes |= {index_name(table, column, owner=True, language=language): ["owner_id", column, "id"]
                    for language in ("en", "es")}
    return indexes


def test_built_in_and_custom_entities_get_their_title_indexed_with_id(ctx):
    # city is filterable text: its plain index serves filters, these a sort in either language
    assert sort_indexes("trade_account") == per_language("trade_account", "name") | per_language(
        "trade_account", "city", owner=False)
    create_entity(EntitySpec("boat", en("Boat"), en("Boats"), [FieldSpec("hull", "text", en("Hull")),
                                                                FieldSpec("port", "text", en("Port")),
                                                                FieldSpec("built", "date", en("Built"))]))
    assert sort_indexes("x_boat") == per_language("x_boat", "hull")
    change_entity("x_boat", {"title_field": "port"})
    assert sort_indexes("x_boat") == per_language("x_boat", "port")
    change_entity("x_boat", {"title_field": "built"})  # not text: no collation, one pair
    assert sort_indexes("x_boat") == {index_name("x_boat", "built"): ["built", "id"],
                                      index_name("x_boat", "built", owner=True): ["owner_id", "built", "id"]}


def test_index_names_keep_their_suffix_within_postgresql_s_limit():
    name = index_name("x_" + "a" * 70, "surname", owner=True, language="es")
    assert len(name) == 63 and name.endswith("_owner_surname_es_sort")
