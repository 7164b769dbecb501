"""Every entity's title field is indexed together with id, so lists sorted by it read only the page's rows."""
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


def test_built_in_and_custom_entities_get_their_title_indexed_with_id(ctx):
    assert sort_indexes("trade_account") == {index_name("trade_account", "name"): ["name", "id"],
                                             index_name("trade_account", "name", owner=True): ["owner_id", "name", "id"]}
    create_entity(EntitySpec("boat", en("Boat"), en("Boats"), [FieldSpec("hull", "text", en("Hull")),
                                                                FieldSpec("port", "text", en("Port"))]))
    assert sort_indexes("x_boat") == {index_name("x_boat", "hull"): ["hull", "id"],
                                      index_name("x_boat", "hull", owner=True): ["owner_id", "hull", "id"]}
    change_entity("x_boat", {"title_field": "port"})
    assert sort_indexes("x_boat") == {index_name("x_boat", "port"): ["port", "id"],
                                      index_name("x_boat", "port", owner=True): ["owner_id", "port", "id"]}
