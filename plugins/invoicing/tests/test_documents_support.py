"""What the documents' tests share: customers, catalog taxes, products and fiscal positions, read or made
through the record service as a business would. No tests here."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from trato import Money, RecordData, RecordLink, records
from conftest import PLUGINS


@pytest.fixture
def spain_app(make_app):
    """The app of a Spanish business: contacts, catalog and invoicing, its company's currency the euro."""
    return make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, default_currency="EUR")


@pytest.fixture
def spain(spain_app):
    """An app context of it, for service-level tests (pages are asked outside it: a request in it would share
    its `g`, the signed-in user included)."""
    with spain_app.app_context():
        yield spain_app


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def one(entity: str, where: dict[str, Any]) -> RecordData:
    return records.query(entity, user=None).where(where).page(limit=1).items[0]


def tax(code: str) -> int:
    return one("catalog_tax", {"code": code}).id


def position(name: str) -> int:
    return one("catalog_fiscal_position", {"name": name}).id


def customer(name: str = "Ferretería Uriarte", tax_id: str | None = "B95472163",
             fiscal_position: str | None = None) -> RecordData:
    account = records.create("contacts_account", {"name": name, "tax_id": tax_id, "billing_country": "ES",
                                                  "billing_city": "Bilbao", "billing_postcode": "48001",
                                                  "billing_street": "Gran Vía 1"}, user=None)
    if fiscal_position:
        records.create("catalog_customer_terms", {"customer": RecordLink("contacts_account", account.id),
                                                  "fiscal_position_id": position(fiscal_position)}, user=None)
    return account


def product(code: str, price: str, category: str = "General", withholding: str | None = None) -> RecordData:
    return records.create("catalog_product", {
        "code": code, "name": f"Product {code}", "kind": "service", "unit": "hour", "list_price": eur(price),
        "tax_category_id": one("catalog_tax_category", {"name": category}).id,
        "withholding_tax_id": tax(withholding) if withholding else None}, user=None)


def line(price: str, quantity: str = "1", vat: str | None = "IVA21", discount: str | None = None,
         surcharge: str | None = None, withholding: str | None = None, **more: Any) -> dict[str, Any]:
    return {"description": more.pop("description", f"{quantity} x {price}"), "quantity": quantity,
            "unit_price": eur(price), "discount": discount, "tax_id": tax(vat) if vat else None,
            "surcharge_id": tax(surcharge) if surcharge else None,
            "withholding_id": tax(withholding) if withholding else None, **more}
