"""An account's page shows its catalog terms and price lists (contacts enabled beside the catalog)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from trato import records

CONTACTS = Path(__file__).resolve().parents[2] / "contacts"
if str(CONTACTS) not in sys.path:
    sys.path.insert(0, str(CONTACTS))

from trato_catalog import plugin  # noqa: E402
from trato_contacts import plugin as contacts_plugin  # noqa: E402


@pytest.fixture
def both(make_app):
    return make_app(plugins=["contacts", "catalog"], extra_plugins={"contacts": contacts_plugin, "catalog": plugin})


def test_an_accounts_terms_and_price_lists_on_its_page(both, client_as):
    with both.app_context():
        account = records.create("contacts_account", {"name": "Maison Lefèvre"}, user=None)
    admin = client_as("admin")
    page = admin.get(f"/r/contacts_account/{account.id}").text
    assert "No customer terms" in page and "Add customer terms" in page
    form = admin.get(f"/r/catalog_customer_terms/new?customer=contacts_account:{account.id}")
    assert form.status_code == 200 and "Maison Lefèvre" in form.text
    with both.app_context():
        group = records.create("catalog_customer_group", {"name": "Export partners"}, user=None)
        link = {"entity": "contacts_account", "id": account.id}
        records.create("catalog_customer_terms", {"customer": link, "group_id": group.id}, user=None)
        records.create("catalog_price_list", {"name": "Lefèvre 2027", "currency": "EUR", "customer": link},
                       user=None)
    page = admin.get(f"/r/contacts_account/{account.id}").text
    assert "Export partners" in page and "Lefèvre 2027" in page and "No customer terms" not in page
    assert f"/catalog/price-check?customer=contacts_account:{account.id}" in page


def test_customer_terms_made_on_the_form(both, client_as):
    with both.app_context():
        account = records.create("contacts_account", {"name": "Maison Lefèvre"}, user=None)
    admin = client_as("admin")
    saved = admin.post("/r/catalog_customer_terms/new", data={"customer": f"contacts_account:{account.id}",
                                                             "vat_number": "FR40303265045"})
    assert saved.status_code == 302, saved.text[:3000]
    refused = admin.post("/r/catalog_customer_terms/new", data={"customer": f"contacts_account:{account.id}",
                                                               "vat_number": "FR1"})
    assert refused.status_code == 422 and "not a valid EU VAT number" in refused.text
