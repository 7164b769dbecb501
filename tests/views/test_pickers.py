"""The pickers' answers (views/pickers.py) and the controls that use them: 20 matches at a time of what the
user may see, matched on what their role shows, with accents ignored; forms that never list a whole table."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trato import records
from trato.roles.models import Role, RoleFieldRule


def _rule(app, role: str, entity: str, field: str, rule: str) -> None:
    with app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == role))
        session.add(RoleFieldRule(role_id=role_id, entity=entity, field=field, rule=rule))
        session.commit()


def _look(client, path: str) -> dict:
    answer = client.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def _names(client, path: str) -> list[str]:
    return [o["text"] for o in _look(client, path)["results"]]


def test_a_rep_is_offered_only_the_records_in_their_scope(trade_app, client_as, make_record, make_user):
    rep = make_user(name="Rita Rep")
    mine = make_record("trade_account", name="Acme Ibérica", owner=rep)
    make_record("trade_account", name="Acme Norte")  # the administrator's: not a rep's to see
    make_record("trade_account", name="Beta Autos", owner=rep)
    assert _names(client_as("admin"), "/r/trade_account/lookup?q=acme") == ["Acme Norte", "Acme Ibérica"]
    assert _look(client_as(rep), "/r/trade_account/lookup?q=acme") == {
        "results": [{"value": str(mine.id), "text": "Acme Ibérica"}], "next": None}
    # With nothing typed: everything the rep may see, by title.
    assert _names(client_as(rep), "/r/trade_account/lookup") == ["Acme Ibérica", "Beta Autos"]


def test_a_hidden_title_is_neither_matched_nor_shown(trade_app, client_as, make_record, make_user):
    rep = make_user(name="Rita Rep")
    account = make_record("trade_account", name="Zamora Secreta", city="Lugo", owner=rep)
    _rule(trade_app, "sales_rep", "trade_account", "name", "hidden")
    client = client_as(rep)
    assert _look(client, "/r/trade_account/lookup?q=zamora")["results"] == []
    found = client.get("/r/trade_account/lookup?q=lugo")
    assert found.get_json()["results"] == [{"value": str(account.id), "text": f"#{account.id}"}]
    assert "Zamora" not in found.get_data(as_text=True)
    # A deal's form names its account the same way for this rep.
    deal = make_record("trade_deal", name="Deal", account_id=account.id, owner=rep)
    form = client.get(f"/r/trade_deal/{deal.id}/edit").get_data(as_text=True)
    assert f'<option value="{account.id}" selected>#{account.id}</option>' in form and "Zamora" not in form


def test_matches_come_twenty_at_a_time_newest_first(trade_app, client_as, make_record):
    with trade_app.test_request_context():
        records.bulk_create("trade_account", [{"name": f"Acme {n:02d}"} for n in range(45, 0, -1)]
                            + [{"name": "Beta"}], user=None)
    client = client_as("admin")
    seen, path, pages = [], "/r/trade_account/lookup?q=acme", 0
    while path:
        page = _look(client, path)
        assert len(page["results"]) == (20 if page["next"] else 5)
        seen += [o["text"] for o in page["results"]]
        path, pages = page["next"], pages + 1
    assert pages == 3 and seen == [f"Acme {n:02d}" for n in range(1, 46)]


def test_spanish_accents_and_case_are_ignored_both_ways(trade_app, client_as, make_record):
    for name in ("Álvarez Hermanos", "Transportes Núñez", "Alvaro Pérez", "Shah", "Azul Motor", "Zúrich Seguros"):
        make_record("trade_account", name=name)
    client = client_as("admin")
    # One or two letters match the start of a word, on both databases (served by their indexes).
    assert _names(client, "/r/trade_account/lookup?q=zu") == ["Zúrich Seguros"]
    assert _names(client, "/r/trade_account/lookup?q=s") == ["Zúrich Seguros", "Shah"]
    assert _names(client, "/r/trade_account/lookup?q=alvarez") == ["Álvarez Hermanos"]
    assert _names(client, "/r/trade_account/lookup?q=%C3%81LV") == ["Alvaro Pérez", "Álvarez Hermanos"]
    assert _names(client, "/r/trade_account/lookup?q=nunez") == ["Transportes Núñez"]
    assert _names(client, "/r/trade_account/lookup?q=N%C3%BA%C3%B1ez+transp") == ["Transportes Núñez"]
    assert _names(client, "/r/trade_account/lookup?q=perez+alv") == ["Alvaro Pérez"]


def test_a_bad_cursor_is_refused_naming_it(trade_app, client_as):
    answer = client_as("admin").get("/r/trade_account/lookup?q=a&cursor=nonsense")
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert list(answer.get_json()["errors"]) == ["cursor"]


def test_an_unknown_entity_is_not_found(trade_app, client_as):
    assert client_as("admin").get("/r/no_such_entity/lookup?q=a").status_code == 404


def test_people_are_found_by_any_word_of_their_name_without_accents(trade_app, client_as, make_user):
    for n in range(1, 24):
        make_user(name=f"Comercial {n:02d}")
    make_user(name="María Ibáñez")
    client = client_as("admin")
    assert _names(client, "/r/users-lookup?q=ibanez+mar") == ["María Ibáñez"]
    first = _look(client, "/r/users-lookup?q=comercial")
    assert len(first["results"]) == 20 and first["next"]
    assert _names(client, first["next"]) == ["Comercial 21", "Comercial 22", "Comercial 23"]
    assert client.get("/r/users-lookup?page=0").status_code == 400


def test_a_deal_form_holds_only_its_chosen_account_among_500(trade_app, client_as, make_record):
    with trade_app.test_request_context():
        made = records.bulk_create("trade_account", [{"name": f"Cuenta {n:03d}"} for n in range(500)], user=None)
    chosen = made[250]
    deal = make_record("trade_deal", name="Big deal", account_id=chosen.id)
    client = client_as("admin")
    for page in (f"/r/trade_deal/{deal.id}/edit", "/r/trade_deal/new"):
        html = client.get(page).get_data(as_text=True)
        select_ = re.search(r'<select id="account_id" name="account_id"[^>]*>(.*?)</select>', html, re.S)
        assert select_, page
        assert 'data-picker="lookup" data-lookup="/r/trade_account/lookup"' in select_.group(0)
        options = re.findall(r"<option[^>]*>([^<]*)</option>", select_.group(1))
        assert options == (["—", "Cuenta 250"] if page.endswith("edit") else ["—"])
        assert html.count("Cuenta ") == (1 if page.endswith("edit") else 0)


@pytest.mark.parametrize("field", ["account_id", "owner_id"])
def test_filters_and_cells_on_relations_and_people_use_the_picker(trade_app, client_as, make_record, field):
    client = client_as("admin")
    control = client.get(f"/r/trade_deal/filter-value?_field={field}").get_data(as_text=True)
    url = "/r/trade_account/lookup" if field == "account_id" else "/r/users-lookup"
    assert f'data-picker="lookup" data-lookup="{url}"' in control and 'name="_value"' in control


def test_an_in_place_edit_of_a_relation_holds_only_its_value(trade_app, client_as, make_record):
    with trade_app.test_request_context():
        made = records.bulk_create("trade_account", [{"name": f"Cuenta {n:03d}"} for n in range(50)], user=None)
    deal = make_record("trade_deal", name="Deal", account_id=made[7].id)
    cell = client_as("admin").get(f"/r/trade_deal/{deal.id}/cell/account_id").get_data(as_text=True)
    assert 'data-picker="lookup" data-lookup="/r/trade_account/lookup"' in cell
    assert re.findall(r"<option[^>]*>([^<]*)</option>", cell) == ["—", "Cuenta 007"]
