"""A record added from a relation's "New …" button in a form: the small form, its refusals, and the field it
puts back into the form with the new record chosen."""
from __future__ import annotations

import re

import pytest
from trato_contacts import plugin as contacts_plugin

from trato_trade import plugin as trade_plugin

from trato import Plugin, db, hookimpl, records
from trato.records import ValidationFailed
from trato.roles.admin import Grant, create_role, set_matrix

QUICK = "/r/trade_deal/quick-create/account_id"


@hookimpl
def before_save(entity, values, previous, user):
    """A branch must say its city: a refusal at a field that the small form does not ask for."""
    if entity == "trade_account" and values.get("name") == "Sucursal" and not values.get("city"):
        raise ValidationFailed({"city": ["Say which city the branch is in."]})
    return None


BRANCHES = Plugin(name="branches", label="Branches", hooks=__name__, package=__name__, core=">=0.1,<1")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _accounts(app) -> list[str]:
    with app.app_context():
        return [r["name"] for r in records.query("trade_account", user=None).order_by("name").page().items]


@pytest.fixture
def deals_only(trade_app):
    """A role that may add and change deals but only look at accounts."""
    with trade_app.app_context():
        session = db.session()
        role = create_role(session, "deal_maker", "Deal maker")
        set_matrix(session, role, {"*": Grant(frozenset({"view", "create", "edit"}), "all"),
                                   "trade_account": Grant(frozenset({"view"}), "all")})
        session.commit()
    return "deal_maker"


def test_the_form_offers_new_account_and_the_small_form_asks_for_the_required_fields(trade_app, client_as):
    client = client_as("admin")
    form = _text(client.get("/r/trade_deal/new"))
    button = re.search(rf'<button[^>]*hx-get="{QUICK}"[^>]*>([^<]+)</button>', form)
    assert button and button.group(1) == "New account"
    assert 'id="quick-create"' in form  # the dialog the button fills
    assert "quick-create/assignee_id" not in form  # users are not added from a deal form
    small = client.get(QUICK, headers={"HX-Request": "true"})
    assert small.status_code == 200
    page = _text(small)
    assert 'id="quick-name"' in page and 'name="name"' in page and "required" in page
    assert 'name="city"' not in page  # only what an account needs
    assert 'name="parent_id"' not in page and "quick-create/" not in page.replace(QUICK, "")


def test_a_refused_role_gets_no_button_and_a_403(trade_app, client_as, deals_only, make_record):
    client = client_as(deals_only)
    form = _text(client.get("/r/trade_deal/new"))
    assert 'name="account_id"' in form and "New account" not in form
    assert client.get(QUICK).status_code == 403
    answer = client.post(QUICK, data={"name": "Acme Nueva"})
    assert answer.status_code == 403
    assert _accounts(trade_app) == []


def test_a_field_that_is_no_relation_or_unknown_is_a_404(trade_app, client_as):
    client = client_as("admin")
    for field in ("name", "assignee_id", "colour"):
        assert client.get(f"/r/trade_deal/quick-create/{field}").status_code == 404
    assert client.get("/r/nothing/quick-create/account_id").status_code == 404


def test_a_missing_name_is_a_422_at_the_field_and_nothing_is_added(trade_app, client_as):
    client = client_as("admin")
    answer = client.post(QUICK, data={"name": "  "}, headers={"HX-Request": "true"})
    assert answer.status_code == 422
    page = _text(answer)
    assert re.search(r'<input id="quick-name" name="name" value=""[^>]*aria-invalid="true"', page)
    assert 'id="quick-name-error"' in page and "Please correct the marked fields." in page
    assert "hx-swap-oob" not in page
    too_long = client.post(QUICK, data={"name": "x" * 201}, headers={"HX-Request": "true"})
    assert too_long.status_code == 422
    assert re.search(r'<p class="field-error" id="quick-name-error">Too long.</p>', _text(too_long))
    assert f'value="{"x" * 201}"' in _text(too_long)  # what was typed stays
    assert _accounts(trade_app) == []


def test_a_refusal_at_a_field_left_out_brings_that_field_into_the_small_form(make_app, client_as):
    app = make_app(plugins=["trade", "branches"], extra_plugins={"trade": trade_plugin, "branches": BRANCHES})
    client = client_as("admin")
    refused = client.post(QUICK, data={"name": "Sucursal", "_asked": "name"}, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    page = _text(refused)
    assert re.search(r'<input id="quick-city" name="city" value=""[^>]*aria-invalid="true"', page)
    assert "Say which city the branch is in." in page
    assert 'name="_asked" value="city"' in page and 'value="Sucursal"' in page
    assert _accounts(app) == []
    saved = client.post(QUICK, data={"name": "Sucursal", "city": "Cádiz", "_asked": ["name", "city"]},
                        headers={"HX-Request": "true"})
    assert saved.status_code == 200 and re.search(r'<option value="\d+" selected>Sucursal</option>', _text(saved))
    with app.app_context():
        [branch] = records.query("trade_account", user=None).page().items
    assert (branch["name"], branch["city"]) == ("Sucursal", "Cádiz")


def test_a_saved_record_comes_back_chosen_in_the_forms_select(trade_app, client_as, make_record):
    make_record("trade_account", name="Beta Autos")
    client = client_as("admin")
    answer = client.post(QUICK, data={"name": "Acme Nueva", "_asked": "name"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    page = _text(answer)
    assert _accounts(trade_app) == ["Acme Nueva", "Beta Autos"]
    with trade_app.app_context():
        acme = records.query("trade_account", user=None).where({"name": "Acme Nueva"}).page().items[0]
    assert acme["vip"] is False  # what the small form does not ask keeps its default
    field = re.search(r'<div class="field" id="field-account_id" hx-swap-oob="true">(.*?)</div>', page, re.S)
    assert field, page
    options = re.findall(r'<option value="\d*"( selected)?>([^<]+)</option>', field.group(1))
    assert options == [("", "—"), (" selected", "Acme Nueva")]  # the picker asks for the others as the user types
    assert f'<option value="{acme.id}" selected>' in field.group(1)
    assert 'hx-get="/r/trade_deal/quick-create/account_id"' in field.group(1)  # the button stays
    assert "Acme Nueva was added." in page and 'data-focus="account_id"' in page


def test_the_button_and_the_small_form_speak_spanish(make_app, make_user, client_as):
    app = make_app(plugins=["contacts"], extra_plugins={"contacts": contacts_plugin})
    client = client_as(make_user(admin=True, locale="es", app=app))
    form = _text(client.get("/r/contacts_contact/new"))
    assert re.search(r'hx-get="/r/contacts_contact/quick-create/account_id"[^>]*>Nuevo registro: cuenta</button>',
                     form)
    small = _text(client.get("/r/contacts_contact/quick-create/account_id"))
    assert "Nuevo registro: cuenta" in small and "Guardar" in small and "Cancelar" in small
    refused = client.post("/r/contacts_contact/quick-create/account_id", data={"name": ""})
    assert refused.status_code == 422 and "Corrija los campos marcados." in _text(refused)
    saved = _text(client.post("/r/contacts_contact/quick-create/account_id", data={"name": "Talleres Ruiz"}))
    assert "Se ha añadido Talleres Ruiz." in saved
    assert re.search(r'<option value="\d+" selected>Talleres Ruiz</option>', saved)


def test_the_new_menu_small_form_creates_the_record_and_goes_to_its_page(trade_app, client_as, deals_only):
    admin = client_as("admin")
    home = _text(admin.get("/"))
    assert re.search(r'href="/r/trade_account/new"[^>]*\s+hx-get="/r/trade_account/quick-new"', home)
    assert '<dialog id="quick-new"' in home
    form = _text(admin.get("/r/trade_account/quick-new", headers={"HX-Request": "true"}))
    assert 'hx-post="/r/trade_account/quick-new"' in form and 'name="_asked" value="name"' in form
    refused = admin.post("/r/trade_account/quick-new", data={"name": "", "_asked": "name"},
                         headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "Please correct the marked fields." in _text(refused)
    assert _accounts(trade_app) == []
    saved = admin.post("/r/trade_account/quick-new", data={"name": "Acme Nueva", "_asked": "name"},
                       headers={"HX-Request": "true"})
    with trade_app.app_context():
        acme = records.query("trade_account", user=None).where({"name": "Acme Nueva"}).page().items[0]
    assert saved.status_code == 204 and saved.headers["HX-Redirect"] == f"/r/trade_account/{acme.id}"
    assert "Acme Nueva was added." in _text(admin.get(saved.headers["HX-Redirect"]))
    looker = client_as(deals_only)
    assert looker.get("/r/trade_account/quick-new").status_code == 403
    assert looker.post("/r/trade_account/quick-new", data={"name": "Nope", "_asked": "name"}).status_code == 403
    assert _accounts(trade_app) == ["Acme Nueva"]
