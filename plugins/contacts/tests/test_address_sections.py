"""An account's billing and shipping addresses are told apart wherever their fields are named."""
from __future__ import annotations

import re

from trato.transfer.mapping import map_columns


def labels(page: str, name: str) -> list[str]:
    """The texts of the `<label for=name>` elements of a page."""
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip()
            for text in re.findall(rf'<label[^>]*for="{name}"[^>]*>(.*?)</label>', page, re.S)]


def test_the_form_names_each_address_s_fields_with_the_address(contacts_app, client_as):
    client = client_as("user")
    form = client.get("/r/contacts_account/new").text
    assert labels(form, "billing_city") == ["Billing address — City"]
    assert labels(form, "shipping_city") == ["Shipping address — City"]
    assert labels(form, "name") == ["Name"]  # a field outside a labelled section keeps its own label
    spanish = client.get("/r/contacts_account/new", headers={"Accept-Language": "es"}).text
    assert labels(spanish, "billing_postcode") == ["Dirección de facturación — Código postal"]
    assert labels(spanish, "shipping_country") == ["Dirección de envío — País"]


def test_list_columns_and_filters_name_the_address(contacts_app, client_as):
    client = client_as("user")
    page = client.get("/r/contacts_account/?columns=name,billing_city,shipping_city").text
    assert "Billing address — City" in page and "Shipping address — City" in page
    assert ">City<" not in page  # no column or filter choice called just "City"


def test_an_import_file_s_columns_map_to_the_address_they_name(contacts_app, make_user):
    user = make_user(admin=True, app=contacts_app)
    with contacts_app.app_context():
        account = contacts_app.extensions["trato"].entities.get("contacts_account")
        mapping = map_columns(account, ["Name", "Billing address — City", "Dirección de envío — Ciudad",
                                        "shipping_postcode"], user, "create")
    assert mapping == {"Name": "name", "Billing address — City": "billing_city",
                       "Dirección de envío — Ciudad": "shipping_city", "shipping_postcode": "shipping_postcode"}
