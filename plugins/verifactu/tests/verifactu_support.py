"""What VeriFactu's tests share: the plugins, the issuer's legal data, customers, lines and issued invoices
made through invoicing's own services (the fixtures vf_app and vf are in conftest.py). No tests here."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from trato_catalog import plugin as catalog_plugin
from trato_contacts import plugin as contacts_plugin
from trato_invoicing import plugin as invoicing_plugin
from trato_invoicing.issuing import create_invoice, issue
from trato_verifactu import plugin as verifactu_plugin
from trato_verifactu.models import BillingRecord

from trato import Money, RecordData, records, session

PLUGINS = {"contacts": contacts_plugin, "catalog": catalog_plugin, "invoicing": invoicing_plugin,
           "verifactu": verifactu_plugin}
ISSUER = "B12345674"


def set_issuer(app: Any, tax_id: str = ISSUER, legal_name: str = "Herramientas Uriarte SL") -> None:
    """The default company's legal data, as an admin would set it under Administration > Companies."""
    with app.app_context():
        session().execute(text("UPDATE core_company SET tax_id = :tax_id, legal_name = :name WHERE is_default"),
                          {"tax_id": tax_id, "name": legal_name})
        session().commit()


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def one(entity: str, where: dict[str, Any]) -> RecordData:
    return records.query(entity, user=None).where(where).page(limit=1).items[0]


def customer(name: str = "Ferretería Uriarte", tax_id: str | None = "B95472163") -> RecordData:
    return records.create("contacts_account", {"name": name, "tax_id": tax_id, "billing_country": "ES",
                                               "billing_city": "Bilbao", "billing_postcode": "48001",
                                               "billing_street": "Gran Vía 1"}, user=None)


def line(price: str, quantity: str = "1", vat: str = "IVA21", **more: Any) -> dict[str, Any]:
    return {"description": more.pop("description", f"Servicio {quantity} x {price}"), "quantity": quantity,
            "unit_price": eur(price), "tax_id": one("catalog_tax", {"code": vat}).id, **more}


def issued(account: RecordData, *prices: str, kind: str = "invoice", on: date = date(2027, 1, 15),
           **values: Any) -> RecordData:
    draft = create_invoice({"account_id": account.id, "issue_date": on, "kind": kind, **values},
                           [line(price) for price in prices], user=None)
    return issue(draft.id, user=None)


def chain_of(tax_id: str = ISSUER) -> list[BillingRecord]:
    return list(session().scalars(select(BillingRecord).where(BillingRecord.issuer_tax_id == tax_id)
                                  .order_by(BillingRecord.position)))


def behind_the_apps_back(*statements: str, **values) -> None:
    """What someone with the database's password could do: set the trigger aside, change rows, commit."""
    db = session()
    postgres = db.get_bind().dialect.name == "postgresql"
    if postgres:
        db.execute(text("ALTER TABLE verifactu_record DISABLE TRIGGER verifactu_record_append_only"))
    else:
        db.execute(text("DROP TRIGGER IF EXISTS verifactu_record_no_update"))
        db.execute(text("DROP TRIGGER IF EXISTS verifactu_record_no_delete"))
    for statement in statements:
        db.execute(text(statement), values)
    db.commit()
