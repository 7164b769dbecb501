"""Entities and fields need their label in the install's language (the other is optional), and money fields start
in the company's currency, chosen from the codes in use today."""
from __future__ import annotations

import re

import pytest
from trato_trade import plugin as trade_plugin

from trato.fields import company_currency, current_currencies


@pytest.fixture
def spanish_admin(make_app, client_as):
    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin}, default_locale="es")
    return app, client_as("admin", app=app)


def _error(page: str, field_id: str) -> str:
    return re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', page).group(1)


def test_a_spanish_install_asks_for_the_spanish_label_only(spanish_admin):
    app, client = spanish_admin
    refused = client.post("/admin/entities", data={"entity-name": "vehicle", "entity-label_en": "Vehicle",
                                                   "entity-plural_en": "Vehicles"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert _error(page, "entity-label_es") and _error(page, "entity-plural_es")
    made = client.post("/admin/entities", data={"entity-name": "vehicle", "entity-label_es": "Vehículo",
                                                "entity-plural_es": "Vehículos"})
    assert made.status_code == 302, made.get_data(as_text=True)
    with app.app_context():
        assert app.extensions["trato"].entities.get("x_vehicle").label == {"es": "Vehículo"}


def test_a_spanish_install_makes_money_fields_in_euros(spanish_admin):
    app, client = spanish_admin
    form = client.get("/admin/entities/trade_account").get_data(as_text=True)
    chosen = re.search(r'<select[^>]*name="field-currency".*?</select>', form, re.S).group(0)
    assert '<option selected value="EUR">' in chosen or 'value="EUR" selected' in chosen
    assert 'value="ESP"' not in chosen and 'value="USD"' in chosen
    made = client.post("/admin/entities/trade_account/fields", data={
        "field-name": "budget", "field-type": "money", "field-label_es": "Presupuesto"})
    assert made.status_code == 302, made.get_data(as_text=True)
    with app.app_context():
        assert company_currency() == "EUR"
        assert app.extensions["trato"].entities.get("trade_account").fields["cf_budget"].settings["currency"] == "EUR"


def test_the_record_form_offers_current_currencies_and_starts_in_the_companys(trade_app, client_as):
    form = client_as("admin").get("/r/trade_deal/new").get_data(as_text=True)
    chosen = re.search(r'<select name="amount_currency".*?</select>', form, re.S).group(0)
    codes = re.findall(r'<option value="([A-Z]{3})"', chosen)
    assert "ESP" not in codes and "DEM" not in codes
    with trade_app.app_context():
        assert codes[0] == company_currency() and sorted(codes) == list(current_currencies())  # the company's first
        assert f'<option value="{company_currency()}" selected>' in chosen
