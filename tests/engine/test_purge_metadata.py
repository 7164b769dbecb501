"""Purging a plugin, or deleting a custom entity, leaves no metadata rows behind for columns that are gone."""
from __future__ import annotations

from sqlalchemy import func, select

from trato import records
from trato.db import session
from trato.entities.meta import EntityRow, FieldRow
from trato.hooks import switch
from trato.schema import EntitySpec, FieldSpec, add_field, create_entity, delete_entity


def en(text: str) -> dict[str, str]:
    return {"en": text}


def metadata_rows() -> dict[str, list[str]]:
    """`core_field` names by entity, with an empty list for a `core_entity` row without fields."""
    rows: dict[str, list[str]] = {name: [] for name in session().scalars(select(EntityRow.name))}
    for entity, name in session().execute(select(FieldRow.entity, FieldRow.name)):
        rows[entity].append(name)
    session().rollback()  # end the read, so that the next one sees the other transactions' changes
    return {entity: sorted(names) for entity, names in rows.items()}


def test_purging_a_plugin_forgets_the_custom_fields_of_its_entities(ctx, ana):
    add_field("trade_account", FieldSpec("tier", "text", en("Tier"), filterable=True))
    add_field("trade_deal", FieldSpec("budget", "money", en("Budget")))
    create_entity(EntitySpec("visit", en("Visit"), en("Visits"), [FieldSpec("place", "text", en("Place"))]))
    assert metadata_rows() == {"trade_account": ["cf_tier"], "trade_deal": ["cf_budget"], "x_visit": ["place"]}

    switch.disable(ctx, "trade")
    switch.purge(ctx, "trade")
    assert metadata_rows() == {"x_visit": ["place"]}  # an admin's own entity is no plugin's to purge

    switch.enable(ctx, "trade")  # new, empty tables, without the old custom columns
    ctx.test_client().get("/login")  # a request catches up with the schema, as every worker does
    account = ctx.extensions["trato"].entities.get("trade_account")
    assert "cf_tier" not in account.fields
    made = records.create("trade_account", {"name": "Acme"}, user=ana)
    assert "cf_tier" not in made
    assert records.query("trade_account", user=ana).count().value == 1


def test_deleting_a_custom_entity_drops_its_metadata_rows(ctx):
    create_entity(EntitySpec("visit", en("Visit"), en("Visits"), [FieldSpec("place", "text", en("Place")),
                                                                  FieldSpec("cost", "money", en("Cost"))]))
    add_field("x_visit", FieldSpec("notes", "long_text", en("Notes")))
    assert metadata_rows()["x_visit"] == ["cost", "notes", "place"]
    delete_entity("x_visit")
    assert "x_visit" not in metadata_rows()
    assert session().scalar(select(func.count()).select_from(FieldRow).where(FieldRow.entity == "x_visit")) == 0
