"""Records are named readably: by a title pattern of their fields, a related record by its own title, never "#2"."""
from __future__ import annotations

import pytest
from flask_login import login_user

from trato import records
from trato.entities.titles import render
from trato.schema import EntitySpec, FieldSpec, SchemaError, add_field, change_entity, create_entity
from trato.search.page import search_all


def en(text: str) -> dict[str, str]:
    return {"en": text, "es": text}


@pytest.mark.parametrize("pattern, values, expected", [
    ("{first} {last}", {"first": "Nerea", "last": "Uriarte"}, "Nerea Uriarte"),
    ("{first} {last}", {"first": "", "last": "Uriarte"}, "Uriarte"),
    ("{who} — {deal}", {"who": "Nerea", "deal": ""}, "Nerea"),
    ("{who} — {deal}", {"who": "", "deal": "Renewal"}, "Renewal"),
    ("Van {plate}", {"plate": "1234 KLM"}, "Van 1234 KLM"),
    ("{who} — {deal}", {"who": "", "deal": ""}, ""),
])
def test_a_pattern_shows_its_fields_and_drops_what_an_empty_one_leaves(pattern, values, expected):
    assert render(pattern, values.__getitem__) == expected


def test_a_custom_entity_is_named_by_its_first_text_field_and_found_by_global_search(ctx, admin):
    create_entity(EntitySpec("van", en("Van"), en("Vans")))
    add_field("x_van", FieldSpec("seats", "integer", en("Seats")))
    add_field("x_van", FieldSpec("name", "text", en("Plate")))
    van = ctx.extensions["trato"].entities.get("x_van")
    assert (van.title_field, van.search_fields) == ("name", ("name",))
    made = records.create("x_van", {"name": "1234 KLM", "seats": 3}, user=admin)
    assert van.title_of(made) == "1234 KLM"
    with ctx.test_request_context():
        login_user(admin)
        groups = search_all("1234", admin)
    assert [(g.entity.name, g.items) for g in groups] == [("x_van", [(made.id, "1234 KLM")])]


def test_an_admin_names_records_by_a_pattern_with_an_option_and_a_related_record(ctx, admin, ana):
    create_entity(EntitySpec("visit", en("Visit"), en("Visits"), [
        FieldSpec("name", "text", en("Place")),
        FieldSpec("kind", "select", en("Kind"), options=[{"value": "demo", "label": en("Product demo")}]),
        FieldSpec("account", "relation", en("Account"), settings={"target": "trade_account"}),
    ]))
    with pytest.raises(SchemaError) as refused:
        change_entity("x_visit", {"title_pattern": "{kind} at {nowhere}"})
    assert refused.value.field == "title_pattern"
    visit = change_entity("x_visit", {"title_pattern": "{kind} — {account}"})
    theirs = records.create("trade_account", {"name": "Acme Ibérica"}, user=ana)
    made = records.create("x_visit", {"name": "Bilbao", "kind": "demo", "account": theirs.id}, user=admin)
    with ctx.test_request_context():
        login_user(admin)
        assert visit.title_of(made) == "Product demo — Acme Ibérica"  # the option's label, the account's title
    assert visit.title_of(made) == "Product demo"  # outside a request no one may be shown the account
    assert change_entity("x_visit", {"title_pattern": "{name} · {owner_id}"}).title_of(made) == "Bilbao · Ada Admin"
    change_entity("x_visit", {"title_pattern": ""})
    assert ctx.extensions["trato"].entities.get("x_visit").title_of(made) == "Bilbao"
